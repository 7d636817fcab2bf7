import { archiveKey, type FileSpan, keyStart } from '../flows/archive/archive-index'
import type { FtHeader } from '../flows/ft-header'
import { type ArchivedFile, fileMetadata, toArchivedFile } from './flow-archive'

/**
 * Resumable uploads of flow files too big for one request: R2 multipart uploads. The metadata
 * (time span, header facts) is fixed when the upload starts, from the file's first bytes; the
 * parts follow in any order and may be re-sent (a re-sent part replaces the earlier one).
 */

export type ArchiveUploadErrorCode =
  | 'no_such_upload'
  | 'invalid_part'
  | 'part_too_small'
  | 'uneven_parts'
  | 'unavailable'

/** R2's refusals, by its error code (the number at the end of the binding's message). */
export class ArchiveUploadError extends Error {
  override name = 'ArchiveUploadError'
  constructor(
    readonly code: ArchiveUploadErrorCode,
    message: string,
  ) {
    super(message)
  }
}

const R2_CODES: Record<string, ArchiveUploadErrorCode> = {
  '10024': 'no_such_upload', // NoSuchUpload: unknown, completed or aborted
  '10025': 'invalid_part', // InvalidPart: a listed part number/etag was not uploaded
  '10011': 'part_too_small', // EntityTooSmall: a part before the last is under 5 MiB
  '10048': 'uneven_parts', // BadUpload: parts before the last differ in size, or the last is larger
  '10001': 'unavailable', // InternalError: R2 asks to try again
}

/**
 * Where the parts of an upload with a staging token are joined: outside the archive's
 * `flows/` listing, so the file reaches its own key (and replaces what is stored there) only
 * once it has read through. Objects left here by a completion that died half-way are swept by
 * an R2 lifecycle rule on the prefix (see Deploy).
 */
export function stagingKey(token: string, key: string): string {
  return `staging/${token}/${key}`
}

/**
 * Starts an upload; returns the file's object key and R2's upload id. With a staging token the
 * parts go to stagingKey(token, key).
 */
export async function startMultipart(
  bucket: R2Bucket,
  router: string,
  name: string,
  span: FileSpan,
  header: FtHeader,
  staging?: string,
): Promise<{ key: string; r2UploadId: string }> {
  const key = archiveKey(router, keyStart(name, span), name)
  const upload = await r2Call(() =>
    bucket.createMultipartUpload(staging ? stagingKey(staging, key) : key, {
      customMetadata: fileMetadata(span, header),
      httpMetadata: { contentType: 'application/octet-stream' },
    }),
  )
  return { key, r2UploadId: upload.uploadId }
}

/** Stores one part (length known up front: R2 needs it, and a short body fails the part). */
export async function putPart(
  bucket: R2Bucket,
  key: string,
  r2UploadId: string,
  partNumber: number,
  body: ReadableStream<Uint8Array>,
  length: number,
): Promise<R2UploadedPart> {
  const upload = bucket.resumeMultipartUpload(key, r2UploadId)
  const fixed = new FixedLengthStream(length)
  const [part] = await Promise.all([
    r2Call(() => upload.uploadPart(partNumber, fixed.readable)),
    body.pipeTo(fixed.writable),
  ])
  return part
}

/** Joins the listed parts into the object. */
export async function completeMultipart(
  bucket: R2Bucket,
  key: string,
  r2UploadId: string,
  parts: R2UploadedPart[],
): Promise<ArchivedFile> {
  const upload = bucket.resumeMultipartUpload(key, r2UploadId)
  return toArchivedFile(await r2Call(() => upload.complete(parts)))
}

/** Drops an upload and its parts. Aborting a completed or aborted upload is a no-op in R2. */
export async function abortMultipart(
  bucket: R2Bucket,
  key: string,
  r2UploadId: string,
): Promise<void> {
  try {
    await r2Call(() => bucket.resumeMultipartUpload(key, r2UploadId).abort())
  } catch (err) {
    // Miniflare answers an abort of an upload id it never issued with InternalError (10001)
    // rather than NoSuchUpload; for an abort both mean "nothing of that name to drop" (and R2
    // itself aborts forgotten uploads after 7 days by default).
    if (err instanceof ArchiveUploadError && err.code === 'unavailable') {
      throw new ArchiveUploadError('no_such_upload', err.message)
    }
    throw err
  }
}

/** The first `length` bytes of a stored file, or null when there is no such object. */
export async function readFileHead(
  bucket: R2Bucket,
  key: string,
  length: number,
): Promise<Uint8Array | null> {
  const object = await r2Call(() => bucket.get(key, { range: { offset: 0, length } }))
  return object ? new Uint8Array(await object.arrayBuffer()) : null
}

async function r2Call<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call()
  } catch (err) {
    const code = err instanceof Error ? /\((\d+)\)\s*$/.exec(err.message)?.[1] : undefined
    const known = code ? R2_CODES[code] : undefined
    if (err instanceof Error && known) throw new ArchiveUploadError(known, err.message)
    throw err
  }
}
