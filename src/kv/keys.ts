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
} as const
