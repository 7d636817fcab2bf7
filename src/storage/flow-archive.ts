import {
  ARCHIVE_PREFIX,
  archiveKey,
  type FileSpan,
  keyStart,
  NAME_HEADER_DRIFT,
  overlaps,
  routerPrefix,
  utcDay,
} from '../flows/archive/archive-index'
import type { FtHeader } from '../flows/ft-header'

/**
 * The flow archive in R2 (the only code that touches the FLOW_ARCHIVE bucket). Each file is one
 * object; its time span and header facts are the object's custom metadata, so listing a key
 * range answers "which files cover this time" without reading any file.
 */

export type ArchivedFile = {
  router: string
  name: string
  key: string
  size: number
  uploaded: string
  start: number
  end: number
  endEstimated: boolean
  spanSource: FileSpan['source']
  recordVersion: string
  compressed: boolean
  /** From the header, when the writer closed the file (else unknown). */
  flows?: number
}

/**
 * How long before its capture start a file may hold flows that started: flows are exported once
 * they end, and routers export a long flow every active timeout (30 minutes by default on most);
 * an hour leaves room for longer timeouts. A time range selects a file from this much before its
 * capture start, and the job keeps only the flows that started in the range.
 */
export const FLOW_START_MARGIN = 3600

/**
 * The time a file's flows may cover, for a time range to select it: its capture span from
 * FLOW_START_MARGIN earlier (a flow ends, and is exported, before the file closes).
 */
export function selectionSpan(file: ArchivedFile): { start: number; end: number } {
  return { start: file.start - FLOW_START_MARGIN, end: file.end }
}

export async function storeFlowFile(
  bucket: R2Bucket,
  router: string,
  name: string,
  span: FileSpan,
  header: FtHeader,
  body: ReadableStream<Uint8Array>,
  length: number,
): Promise<ArchivedFile> {
  const key = archiveKey(router, keyStart(name, span), name)
  return toArchivedFile(await putStream(bucket, key, body, length, fileMetadata(span, header)))
}

/** Stores a stream of known length as `key` (a FixedLengthStream: R2 needs the length). */
export async function putStream(
  bucket: R2Bucket,
  key: string,
  body: ReadableStream<Uint8Array>,
  length: number,
  customMetadata: Record<string, string>,
): Promise<R2Object> {
  // FixedLengthStream also fails the put if the body is cut short.
  const fixed = new FixedLengthStream(length)
  // Both settle before the answer: a body that errors (a file that fails its check) aborts the
  // put, and the put is left to finish failing rather than be cut off with the request. A put
  // that fails first stops the pipe (which cancels the body), so neither waits on the other.
  const stop = new AbortController()
  const [put, pipe] = await Promise.allSettled([
    bucket
      .put(key, fixed.readable, {
        customMetadata,
        httpMetadata: { contentType: 'application/octet-stream' },
      })
      .catch((err: unknown) => {
        stop.abort(err)
        throw err
      }),
    body.pipeTo(fixed.writable, { signal: stop.signal }),
  ])
  if (put.status === 'rejected') throw put.reason
  if (pipe.status === 'rejected') throw pipe.reason
  if (!put.value) throw new Error(`R2 refused the put of ${key}`)
  return put.value
}

/**
 * Until 2026-11-26 a closed file was stored under its header's start day; now under its
 * flow-capture name's (keyStart). Where the two differ, an object at the old key is the same name
 * uploaded before, which the upload just stored at `storedKey` replaces: it is deleted (a no-op
 * when there is none). Never `storedKey` itself: a multipart upload started before the change
 * completes at the old key.
 */
export async function dropOldDayCopy(
  bucket: R2Bucket,
  storedKey: string,
  router: string,
  name: string,
  span: FileSpan,
): Promise<void> {
  const old = archiveKey(router, span.start, name)
  if (old !== storedKey) await bucket.delete(old)
}

/** The object metadata that lets a listing answer time questions without opening files. */
export function fileMetadata(span: FileSpan, header: FtHeader): Record<string, string> {
  const recordVersion =
    header.dVersion === 8 ? `8.${header.aggMethod ?? 0}` : String(header.dVersion)
  const meta: Record<string, string> = {
    start: String(span.start),
    end: String(span.end),
    endEstimated: String(span.endEstimated),
    spanSource: span.source,
    recordVersion,
    compressed: String(header.compressed),
  }
  if (header.final && header.flowCount !== undefined) meta.flows = String(header.flowCount)
  return meta
}

/**
 * Files of a router whose flows may meet [from, to] (unix seconds; selectionSpan), oldest first:
 * by capture start, then name (key order is by name day and local-time name, which is not time
 * order when UTC offsets differ). `limit` keeps the oldest. Files start at most a day before
 * their key's day (keyStart) and end at most a day after they start, so the scan starts two days
 * early and stops a day and the margin after the last day; it stops sooner once `limit` files are found and
 * the keys left can only hold files that start later.
 */
export async function listFlowFiles(
  bucket: R2Bucket,
  router: string,
  from: number,
  to: number,
  limit: number,
): Promise<{ files: ArchivedFile[]; truncated: boolean }> {
  const prefix = routerPrefix(router)
  // A file may start FLOW_START_MARGIN after `to` and still be selected, and be stored under the
  // day of a name up to NAME_HEADER_DRIFT after its start.
  const lastKey = `${prefix}${utcDay(to + FLOW_START_MARGIN + NAME_HEADER_DRIFT)}/\uffff`
  // One more than asked tells whether the listing was cut.
  const keep = limit + 1
  let files: ArchivedFile[] = []
  // The keep-th earliest start found so far (an upper bound on it: it only moves earlier).
  let cutoff = Number.POSITIVE_INFINITY
  const trim = () => {
    files.sort(byStart)
    if (files.length >= keep) {
      files = files.slice(0, keep)
      cutoff = (files[keep - 1] as ArchivedFile).start
    }
  }
  let cursor: string | undefined
  scan: for (;;) {
    const page = await bucket.list({
      prefix,
      startAfter: `${prefix}${utcDay(from - 2 * 86400)}`,
      include: ['customMetadata', 'httpMetadata'],
      limit: 1000,
      ...(cursor ? { cursor } : {}),
    })
    for (const object of page.objects) {
      if (object.key > lastKey) break scan
      if (keyDayStart(object.key, prefix) - NAME_HEADER_DRIFT > cutoff) break scan
      const file = toArchivedFile(object)
      if (!overlaps(selectionSpan(file), from, to)) continue
      files.push(file)
      if (files.length >= 2 * keep) trim()
    }
    if (!page.truncated) break
    cursor = page.cursor
  }
  trim()
  return { files: files.slice(0, limit), truncated: files.length > limit }
}

/** Oldest first: capture start, then name, then key (routers of a job). */
export function byStart(a: ArchivedFile, b: ArchivedFile): number {
  return a.start - b.start || cmp(a.name, b.name) || cmp(a.key, b.key)
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

/** Unix seconds of the UTC day a key is stored under (flows/v1/{router}/{day}/{name}). */
function keyDayStart(key: string, prefix: string): number {
  const t = Date.parse(`${key.slice(prefix.length, prefix.length + 10)}T00:00:00Z`) / 1000
  return Number.isNaN(t) ? Number.NEGATIVE_INFINITY : t
}

/** The routers that have files (R2 lists the key level below flows/v1/ as prefixes). */
export async function listRouters(bucket: R2Bucket, max = 1000): Promise<string[]> {
  const routers: string[] = []
  let cursor: string | undefined
  do {
    const page = await bucket.list({
      prefix: ARCHIVE_PREFIX,
      delimiter: '/',
      limit: 1000,
      ...(cursor ? { cursor } : {}),
    })
    for (const p of page.delimitedPrefixes) routers.push(p.slice(ARCHIVE_PREFIX.length, -1))
    cursor = page.truncated ? page.cursor : undefined
  } while (cursor && routers.length < max)
  return routers.slice(0, max).sort()
}

/** Deletes up to 1000 objects in one call (R2's bulk delete limit). */
export async function deleteFlowFiles(bucket: R2Bucket, keys: string[]): Promise<void> {
  for (let i = 0; i < keys.length; i += 1000) await bucket.delete(keys.slice(i, i + 1000))
}

/** A stored object's bytes, size and custom metadata, or null when there is no such object. */
export async function openFlowObject(
  bucket: R2Bucket,
  key: string,
): Promise<{
  body: ReadableStream<Uint8Array>
  size: number
  customMetadata: Record<string, string>
} | null> {
  const object = await bucket.get(key)
  return object
    ? { body: object.body, size: object.size, customMetadata: object.customMetadata ?? {} }
    : null
}

/** A stored file's facts (no body), or null when there is no such object. */
export async function headFlowFile(bucket: R2Bucket, key: string): Promise<ArchivedFile | null> {
  const object = await bucket.head(key)
  return object ? toArchivedFile(object) : null
}

export function toArchivedFile(object: R2Object): ArchivedFile {
  const m = object.customMetadata ?? {}
  const [, , router = '', , name = ''] = object.key.split('/')
  const file: ArchivedFile = {
    router,
    name,
    key: object.key,
    size: object.size,
    uploaded: object.uploaded.toISOString(),
    start: Number(m.start ?? 0),
    end: Number(m.end ?? 0),
    endEstimated: m.endEstimated === 'true',
    spanSource: m.spanSource === 'header' ? 'header' : 'name',
    recordVersion: m.recordVersion ?? '?',
    compressed: m.compressed === 'true',
  }
  if (m.flows !== undefined) file.flows = Number(m.flows)
  return file
}
