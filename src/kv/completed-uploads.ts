import { keys } from './keys'

/**
 * Completed archive uploads, remembered for a day: a client whose completion answer was lost (a
 * reset connection, a timeout) sends the completion again, and R2 then knows the upload no more
 * (NoSuchUpload). The route answers that second completion with the stored file instead of a
 * 404, if this record says the upload was completed into that very object.
 */
const TTL_SECONDS = 24 * 3600

/** What reading the file at completion found (the upload's answer repeats it). */
export type CompletionCheck = {
  flowsRead?: number
  flowStart?: number
  flowEnd?: number
  warnings?: string[]
  unchecked?: string
}

/** KV metadata holds at most 1024 bytes of JSON: each text is cut to fit. */
const MAX_TEXT = 300

/** What is kept of a completion: its check, and a digest of the parts it joined. */
type CompletionRecord = CompletionCheck & { parts?: string }

export async function rememberCompletedUpload(
  kv: KVNamespace,
  r2UploadId: string,
  objectKey: string,
  check: CompletionCheck = {},
  parts?: string,
): Promise<void> {
  const cut = (t: string) => (t.length > MAX_TEXT ? `${t.slice(0, MAX_TEXT - 1)}…` : t)
  const metadata: CompletionRecord = {
    ...(parts ? { parts } : {}),
    ...(check.flowsRead !== undefined ? { flowsRead: check.flowsRead } : {}),
    ...(check.flowStart !== undefined ? { flowStart: check.flowStart } : {}),
    ...(check.flowEnd !== undefined ? { flowEnd: check.flowEnd } : {}),
    ...(check.warnings ? { warnings: check.warnings.slice(0, 2).map(cut) } : {}),
    ...(check.unchecked ? { unchecked: cut(check.unchecked) } : {}),
  }
  await kv.put(await keys.completedUpload(r2UploadId), objectKey, {
    expirationTtl: TTL_SECONDS,
    metadata,
  })
}

/** The object key a completed upload was stored under, or null (unknown or forgotten). */
export async function completedUploadKey(
  kv: KVNamespace,
  r2UploadId: string,
): Promise<string | null> {
  return (await completedUpload(kv, r2UploadId))?.key ?? null
}

/**
 * The object key, the check and the parts digest of a completed upload, or null (unknown or
 * forgotten). Records written before digests were kept have none.
 */
export async function completedUpload(
  kv: KVNamespace,
  r2UploadId: string,
): Promise<{ key: string; check: CompletionCheck; parts: string | undefined } | null> {
  const { value, metadata } = await kv.getWithMetadata<CompletionRecord>(
    await keys.completedUpload(r2UploadId),
  )
  if (value === null) return null
  const { parts, ...check } = metadata ?? {}
  return { key: value, check, parts }
}
