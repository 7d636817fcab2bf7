import { keys } from './keys'

/**
 * Completed archive uploads, remembered for a day: a client whose completion answer was lost (a
 * reset connection, a timeout) sends the completion again, and R2 then knows the upload no more
 * (NoSuchUpload). The route answers that second completion with the stored file instead of a
 * 404, if this record says the upload was completed into that very object.
 */
const TTL_SECONDS = 24 * 3600

export async function rememberCompletedUpload(
  kv: KVNamespace,
  r2UploadId: string,
  objectKey: string,
): Promise<void> {
  await kv.put(await keys.completedUpload(r2UploadId), objectKey, { expirationTtl: TTL_SECONDS })
}

/** The object key a completed upload was stored under, or null (unknown or forgotten). */
export async function completedUploadKey(
  kv: KVNamespace,
  r2UploadId: string,
): Promise<string | null> {
  return kv.get(await keys.completedUpload(r2UploadId))
}
