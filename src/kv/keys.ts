/** Every KV key is built here, and carries a version so a layout change never reads old data. */
export const keys = {
  filterSet: (name: string) => `filterset:v1:${name}`,
  filterSetPrefix: 'filterset:v1:',
  /** The targets tree and its precomputed plan (written by PUT /targets only). */
  checksConfig: 'checks:v1:config',
  /** All rounds one cron tick ran; epoch minute. Immutable. */
  checksTick: (minute: number) => `checks:v1:tick:${minute}`,
  /** The raw rounds and hourly aggregate of every target for one hour; epoch minute of its start. */
  checksHour: (minute: number) => `checks:v1:hour:${minute}`,
  /** Hourly and daily aggregates of every target for one UTC day; epoch minute of its start. */
  checksDay: (minute: number) => `checks:v1:day:${minute}`,
  analysis: (id: string) => `analysis:v1:${id}`,
  /** An R2 upload id (long, opaque) by its SHA-256, so the key stays within KV's 512 bytes. */
  completedUpload: async (r2UploadId: string) =>
    `upload:v1:completed:${await sha256Hex(r2UploadId)}`,
} as const

async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text))
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('')
}
