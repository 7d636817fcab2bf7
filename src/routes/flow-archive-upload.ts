import type { z } from '@hono/zod-openapi'
import type { Context } from 'hono'
import type { AppEnv } from '../env'
import {
  ArchiveNameError,
  archiveKey,
  type FileSpan,
  fileSpan,
  keyDayStart,
  keyStart,
  longSpanWarning,
  utcDay,
} from '../flows/archive/archive-index'
import { checkedPassThrough } from '../flows/archive/checked-stream'
import { checkFtFile, type FileCheck, inflatedLimit } from '../flows/archive/file-check'
import { headerFromHead, sniffFtHeader } from '../flows/archive/header-sniff'
import {
  ADVISED_PART_BYTES,
  decodeUploadId,
  describePartNumbers,
  encodeUploadId,
  HEAD_CHECK_BYTES,
  MAX_PART_BYTES,
  MAX_PARTS,
  MAX_STORED_BYTES,
  MIN_PART_BYTES,
  missingPartNumbers,
  newStagingToken,
  partsDigest,
  sameSpan,
} from '../flows/archive/multipart-upload'
import { drainStream } from '../flows/chunk-reader'
import { FlowLimitError, FlowParseError } from '../flows/flow-errors'
import type { FtHeader } from '../flows/ft-header'
import { DRAIN_MAX_BYTES } from '../http/drain-body'
import { invalidRequest, ProblemError } from '../http/problem'
import {
  completedUpload,
  completedUploadKey,
  rememberCompletedUpload,
} from '../kv/completed-uploads'
import { workerInflater } from '../ports/inflate-wasm'
import {
  ArchiveUploadError,
  abortMultipart,
  completeMultipart,
  putPart,
  readFileHead,
  stagingKey,
  startMultipart,
} from '../storage/archive-multipart'
import {
  type ArchivedFile,
  deleteFlowFiles,
  dropOldDayCopy,
  FLOW_START_MARGIN,
  headFlowFile,
  openFlowObject,
  putStream,
  storeFlowFile,
  toArchivedFile,
} from '../storage/flow-archive'
import {
  flowFileProblem,
  named,
  nameProblem,
  storage,
  type UploadedPartSchema,
  type UploadStartedSchema,
  uploadProblem,
} from './flow-archive-common'

/**
 * A stored file as an upload answers it: how many records it was read to hold, and what a
 * user should know of it, or why it was not read.
 */
export type UploadedFile = ArchivedFile & {
  flowsRead?: number
  /** Unix seconds of the earliest flow start and latest flow end read (reported, not stored). */
  flowStart?: number
  flowEnd?: number
  warnings?: string[]
  unchecked?: string
}

/**
 * The steps of storing a flow file: in one request, or as a resumable multipart upload (start
 * with the file's first bytes, send parts, complete, or abort). Each takes the checked router
 * and base name; the storage key comes from the file's start day, which the upload id carries.
 */

/** One request, one file (at most ARCHIVE_MAX_FILE_BYTES). */
export async function storeWholeFile(
  c: Context<AppEnv>,
  router: string,
  base: string,
): Promise<UploadedFile> {
  const length = requireLength(c)
  const max = Number(c.env.ARCHIVE_MAX_FILE_BYTES) || MAX_PART_BYTES
  if (length > max) {
    throw tooLarge(
      `the file is ${length} bytes; one upload may be at most ${max} bytes (larger files: the multipart upload, POST ...?uploads)`,
    )
  }
  const { header, span, stream } = await sniffSpan(c.req.raw.body, base, length)
  // Every record is read as the file streams to R2; a file that does not read is not stored
  // (R2 never gets its last bytes), and what was stored at its key before stays. The check's
  // failure leaves the rest of the upload unread, to be read away before the answer.
  const checked = checkedPassThrough(stream, (copy) => checkFtFile(copy, checkOptions(length)), {
    release: true,
  })
  let stored: ArchivedFile
  try {
    stored = await storeFlowFile(
      c.env.FLOW_ARCHIVE,
      router,
      base,
      span,
      header,
      checked.stream,
      length,
    )
  } catch (err) {
    // The check settles once its stream ends: a put that failed before reading it all cancels it.
    await checked.stream.cancel(err).catch(() => {})
    const failed = await checkFailure(checked.verdict, base)
    if (failed) await drainStream(stream, DRAIN_MAX_BYTES)
    throw failed ?? err
  }
  const check = await checked.verdict
  await dropOldCopy(c.env.FLOW_ARCHIVE, stored.key, router, base, span)
  return withCheck(stored, check)
}

/** Uploads are read with the Worker's inflate, and limits scaled to the file's size. */
function checkOptions(size: number): Parameters<typeof checkFtFile>[1] {
  return { inflater: workerInflater, limits: { maxInflatedBytes: inflatedLimit(size) } }
}

/** The check's error, named after the file, when the check failed (null when it did not). */
async function checkFailure(verdict: Promise<FileCheck>, base: string): Promise<Error | null> {
  const err = await verdict.then(
    () => null,
    (e: unknown) => e,
  )
  if (err instanceof FlowParseError || err instanceof FlowLimitError) {
    err.file = base
    return err
  }
  return err instanceof Error ? err : null
}

/**
 * The stored file with what its check read: the flows, the flows' own time span (reported, not
 * stored: R2 cannot add it to the object's metadata once the file has streamed in, and writing
 * the file again would double every upload), and a warning when flows started earlier than a
 * time range looks for them (FLOW_START_MARGIN before the capture start).
 */
function withCheck(file: ArchivedFile, check: FileCheck): UploadedFile {
  const warnings = [...check.warnings]
  const times = check.flowTimes
  const flowStart = times && Math.floor(times.firstStartMs / 1000)
  if (flowStart !== undefined && flowStart < file.start - FLOW_START_MARGIN) {
    warnings.push(
      `flows start up to ${Math.round((file.start - flowStart) / 60)} minutes before the capture start (${iso(flowStart)}); a time range finds this file only from ${FLOW_START_MARGIN / 60} minutes before its capture start, so flows that started earlier are missed`,
    )
  }
  // A span longer than the listing's look-back (a flow-cat of several days) is stored but missed
  // by ranges that start late in it: the README says so, this answer says which ranges.
  const keyDay = keyDayStart(file.key)
  const long = keyDay === null ? null : longSpanWarning(keyDay, file)
  if (long) warnings.push(long)
  return {
    ...file,
    flowsRead: check.flows,
    ...(times && flowStart !== undefined
      ? { flowStart, flowEnd: Math.ceil(times.lastEndMs / 1000) }
      : {}),
    ...(warnings.length > 0 ? { warnings } : {}),
  }
}

function iso(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace('.000Z', 'Z')
}

/** dropOldDayCopy, best effort: the file is stored; a copy left behind is only a duplicate. */
async function dropOldCopy(
  bucket: R2Bucket,
  storedKey: string,
  router: string,
  base: string,
  span: FileSpan,
): Promise<void> {
  try {
    await dropOldDayCopy(bucket, storedKey, router, base, span)
  } catch (err) {
    console.warn(`could not delete the old-day copy of ${router}/${base}: ${String(err)}`)
  }
}

/** Starts a multipart upload from the file's first bytes (the whole ft header at least). */
export async function startUpload(
  c: Context<AppEnv>,
  router: string,
  base: string,
): Promise<z.infer<typeof UploadStartedSchema>> {
  const { header, span, stream } = await sniffSpan(c.req.raw.body, base, undefined)
  await drainStream(stream, DISCARD_BYTES)
  const staging = newStagingToken()
  const { key, r2UploadId } = await storage(() =>
    startMultipart(c.env.FLOW_ARCHIVE, router, base, span, header, staging),
  )
  return {
    uploadId: encodeUploadId(utcDay(keyStart(base, span)), r2UploadId, span, staging),
    key,
    partSize: ADVISED_PART_BYTES,
    minPartSize: MIN_PART_BYTES,
    maxPartSize: MAX_PART_BYTES,
    maxParts: MAX_PARTS,
    start: span.start,
    end: span.end,
    spanSource: span.source,
  }
}

/** Stores (or replaces: that is the resume) part `partNumber` of an upload. */
export async function sendPart(
  c: Context<AppEnv>,
  router: string,
  base: string,
  uploadId: string,
  partNumber: number,
): Promise<{ partNumber: number; etag: string }> {
  const { uploadKey, r2UploadId, started } = uploadTarget(router, base, uploadId)
  const length = requireLength(c)
  if (length > MAX_PART_BYTES) {
    throw tooLarge(`the part is ${length} bytes; a part may be at most ${MAX_PART_BYTES} bytes`)
  }
  // Every part but the last is as long as this one or longer: the file is at least this long.
  if (partNumber * length > MAX_STORED_BYTES) {
    throw tooLarge(
      `part ${partNumber} of ${length} bytes makes the file larger than ${MAX_STORED_BYTES} bytes, the most the archive keeps (nothing was stored; abort the upload)`,
    )
  }
  let body = c.req.raw.body ?? new ReadableStream<Uint8Array>({ start: (s) => s.close() })
  if (partNumber === 1 && started) {
    // Part 1 holds the file's header: checked now, before it is stored. Found only when the
    // upload completes, a part of another file made the completed object wrong, and deleting it
    // also lost the file stored at that path before.
    const sniffed = await sniffSpan(body, base, length)
    if (!sameSpan(sniffed.span, started)) {
      await drainStream(sniffed.stream, DRAIN_MAX_BYTES)
      throw invalidRequest(
        `${base}: part 1's header gives ${describeSpan(sniffed.span)}, but the upload was started with ${describeSpan(started)}; the part belongs to another file (nothing was stored)`,
        { code: 'span_mismatch', file: base },
      )
    }
    body = sniffed.stream
  }
  const part = await storage(
    () => putPart(c.env.FLOW_ARCHIVE, uploadKey, r2UploadId, partNumber, body, length),
    uploadId,
  )
  return { partNumber: part.partNumber, etag: part.etag }
}

/**
 * Joins the parts, then re-reads the stored file's first bytes: its header must give the span
 * the upload was started with (the parts could belong to another file); if not, the object is
 * deleted and the answer is a 422.
 */
export async function completeUpload(
  c: Context<AppEnv>,
  router: string,
  base: string,
  uploadId: string,
  parts: z.infer<typeof UploadedPartSchema>[],
): Promise<UploadedFile> {
  const { key, uploadKey, staged, r2UploadId } = uploadTarget(router, base, uploadId)
  const bucket = c.env.FLOW_ARCHIVE
  // R2 joins any list of parts: one with a gap makes a file without those bytes.
  const missing = missingPartNumbers(parts.map((p) => p.partNumber))
  if (missing.length > 0) {
    throw invalidRequest(
      `${base}: a file is parts 1 to N, every one: part${missing.length > 1 ? 's' : ''} ${describePartNumbers(missing)} ${missing.length > 1 ? 'are' : 'is'} missing from the list (nothing was stored; send the missing parts, then complete with all of them)`,
      {
        code: 'missing_parts',
        missing: missing.slice(0, 1000),
        errors: [
          { path: 'body.parts', message: `missing part numbers ${describePartNumbers(missing)}` },
        ],
      },
    )
  }
  // Staged: the joined file's span and size (its router and name are the staging key's).
  let stored: ArchivedFile
  try {
    stored = await completeMultipart(bucket, uploadKey, r2UploadId, parts)
  } catch (err) {
    if (!(err instanceof ArchiveUploadError)) throw err
    // Completed before, and that answer was lost on its way (the client sends it again): R2
    // knows the upload no more, but the file it made is the answer.
    const before =
      err.code === 'no_such_upload'
        ? await completedBefore(c, key, r2UploadId, uploadId, await partsDigest(parts))
        : null
    if (before) return before
    // Joined before, but its move to the key failed half-way (an R2 error, a 503): the joined
    // file waits under its staging key, and this completion takes it on from there.
    const joined =
      err.code === 'no_such_upload' && staged
        ? await storage(() => headFlowFile(bucket, uploadKey))
        : null
    if (!joined) throw uploadProblem(err.code, uploadId, err.message)
    stored = joined
  }
  if (staged && stored.size > MAX_STORED_BYTES) {
    await deleteFlowFiles(bucket, [uploadKey])
    throw tooLarge(
      `the joined file is ${stored.size} bytes; the archive keeps files of at most ${MAX_STORED_BYTES} bytes (R2's largest single object a Worker can write, and about what a query can read)`,
    )
  }
  const head =
    (await storage(() => readFileHead(bucket, uploadKey, HEAD_CHECK_BYTES))) ?? new Uint8Array(0)
  let span: FileSpan | null
  try {
    span = fileSpan(base, headerFromHead(head))
  } catch (err) {
    if (!(err instanceof FlowParseError || err instanceof ArchiveNameError)) throw err
    await deleteFlowFiles(bucket, [uploadKey])
    if (err instanceof ArchiveNameError) throw nameProblem(err)
    throw flowFileProblem(base, err)
  }
  const started: FileSpan = {
    start: stored.start,
    end: stored.end,
    endEstimated: stored.endEstimated,
    source: stored.spanSource,
  }
  if (!span || !sameSpan(span, started)) {
    await deleteFlowFiles(bucket, [uploadKey])
    throw invalidRequest(
      `${base}: the assembled file's header gives ${describeSpan(span)}, but the upload was started with ${describeSpan(started)}; the parts do not belong to this file (the object was deleted)`,
      { code: 'span_mismatch', file: base },
    )
  }
  const checked = staged
    ? await promoteStaged(bucket, uploadKey, key, base)
    : await checkStoredFile(bucket, stored, base)
  await dropOldCopy(bucket, key, router, base, span)
  try {
    const { flowsRead, flowStart, flowEnd, warnings, unchecked } = checked
    await rememberCompletedUpload(
      c.env.EDGEPING_KV,
      r2UploadId,
      key,
      {
        ...(flowsRead !== undefined ? { flowsRead } : {}),
        ...(flowStart !== undefined ? { flowStart } : {}),
        ...(flowEnd !== undefined ? { flowEnd } : {}),
        ...(warnings ? { warnings } : {}),
        ...(unchecked ? { unchecked } : {}),
      },
      await partsDigest(parts),
    )
  } catch (err) {
    // The file is stored and checked: that is the answer. Only a repeated completion would miss it.
    console.warn(`could not remember completed upload ${uploadId}: ${String(err)}`)
  }
  return checked
}

/**
 * Moves a joined upload from its staging key to the file's key, reading it through on the way as
 * a one-request upload is read: a file that does not read never reaches its key (422), so the
 * file stored there before stays. Above COMPLETION_CHECK_MAX_BYTES it is copied unread, and the
 * answer says so. The staging object is deleted either way.
 */
async function promoteStaged(
  bucket: R2Bucket,
  uploadKey: string,
  key: string,
  base: string,
): Promise<UploadedFile> {
  // An R2 error on the way is a 503 and leaves the joined file under its staging key: the
  // completion sent again takes it on from there (completeUpload).
  const retryable = (err: unknown) =>
    new ArchiveUploadError(
      'unavailable',
      `moving the joined file to its key failed (${err instanceof Error ? err.message : String(err)})`,
    )
  let staged: Awaited<ReturnType<typeof openFlowObject>>
  try {
    staged = await openFlowObject(bucket, uploadKey)
  } catch (err) {
    throw uploadProblem('unavailable', key, retryable(err).message)
  }
  if (!staged) throw uploadProblem('no_such_upload', key, 'the joined file is gone')
  const { body, size, customMetadata } = staged
  let result: UploadedFile
  if (size > COMPLETION_CHECK_MAX_BYTES) {
    try {
      result = {
        ...toArchivedFile(await putStream(bucket, key, body, size, customMetadata)),
        unchecked: uncheckedNote(),
      }
    } catch (err) {
      throw uploadProblem('unavailable', key, retryable(err).message)
    }
  } else {
    const checked = checkedPassThrough(body, (copy) => checkFtFile(copy, checkOptions(size)))
    let object: R2Object
    try {
      object = await putStream(bucket, key, checked.stream, size, customMetadata)
    } catch (err) {
      await checked.stream.cancel(err).catch(() => {})
      const failed = await checkFailure(checked.verdict, base)
      if (failed instanceof FlowParseError || failed instanceof FlowLimitError) {
        // The file itself is bad: no retry helps, and the joined copy goes.
        await dropStaging(bucket, uploadKey)
        failed.message = `${failed.message}; nothing was stored: a file stored at this path before stays`
        throw failed
      }
      throw uploadProblem('unavailable', key, retryable(err).message)
    }
    result = withCheck(toArchivedFile(object), await checked.verdict)
  }
  await dropStaging(bucket, uploadKey)
  return result
}

/** Deletes a staging object, best effort (the bucket's lifecycle rule sweeps what is left). */
async function dropStaging(bucket: R2Bucket, uploadKey: string): Promise<void> {
  await deleteFlowFiles(bucket, [uploadKey]).catch((err: unknown) => {
    console.warn(`could not delete the staging object ${uploadKey}: ${String(err)}`)
  })
}

function uncheckedNote(): string {
  return `the file is larger than ${COMPLETION_CHECK_MAX_BYTES} bytes: its records were not read at completion (a query reading it reports damage, if any, under failures)`
}

/** Stored files above this are not read back when their upload completes (CPU: about 7 s). */
export const COMPLETION_CHECK_MAX_BYTES = 1024 * 1024 * 1024

/**
 * Reads a completed upload's file back through, as a one-request upload is read on its way in;
 * one that does not read is deleted (422). Above COMPLETION_CHECK_MAX_BYTES it is kept unread,
 * and the answer says so.
 */
async function checkStoredFile(
  bucket: R2Bucket,
  file: ArchivedFile,
  base: string,
): Promise<UploadedFile> {
  const { key, size } = file
  if (size > COMPLETION_CHECK_MAX_BYTES) {
    return { ...file, unchecked: uncheckedNote() }
  }
  const opened = await storage(() => openFlowObject(bucket, key))
  if (!opened) throw uploadProblem('no_such_upload', key, 'the completed file is gone')
  let check: FileCheck
  try {
    check = await checkFtFile(opened.body, checkOptions(size))
  } catch (err) {
    if (!(err instanceof FlowParseError || err instanceof FlowLimitError)) throw err
    await deleteFlowFiles(bucket, [key])
    err.file = base
    err.message = `${err.message}; the assembled file was deleted`
    throw err
  }
  return withCheck(file, check)
}

/**
 * The file a completed upload made, if this archive completed that upload into `key` with these
 * parts. Other parts: a 409, since the stored file is not what they would have made.
 */
async function completedBefore(
  c: Context<AppEnv>,
  key: string,
  r2UploadId: string,
  uploadId: string,
  parts: string,
): Promise<UploadedFile | null> {
  const done = await completedUpload(c.env.EDGEPING_KV, r2UploadId)
  if (done?.key !== key) return null
  const file = await storage(() => headFlowFile(c.env.FLOW_ARCHIVE, key))
  if (!file) return null
  if (done.parts !== undefined && done.parts !== parts) {
    throw new ProblemError({
      type: '/problems/upload-completed',
      title: 'Upload already completed',
      status: 409,
      detail: `upload ${uploadId} was completed with other parts than these: the stored file (${file.size} bytes) is what those parts made. To store another version of the file, start a new upload`,
    })
  }
  return { ...file, ...done.check }
}

export async function abortUpload(
  c: Context<AppEnv>,
  router: string,
  base: string,
  uploadId: string,
): Promise<void> {
  const { key, uploadKey, r2UploadId } = uploadTarget(router, base, uploadId)
  // R2 takes the abort of a completed upload as a no-op: a 204 would read as "the file is gone".
  if ((await completedUploadKey(c.env.EDGEPING_KV, r2UploadId)) === key) {
    throw new ProblemError({
      type: '/problems/upload-completed',
      title: 'Upload already completed',
      status: 409,
      detail: `upload ${uploadId} was completed: the file is stored and stays. To delete stored files: DELETE /flows/archive?router=${router}&from=...&to=...`,
    })
  }
  await storage(() => abortMultipart(c.env.FLOW_ARCHIVE, uploadKey, r2UploadId), uploadId)
}

/** Reads the header off the front of a body and dates the file (422 when it cannot). */
async function sniffSpan(
  body: ReadableStream<Uint8Array> | null,
  base: string,
  length: number | undefined,
): Promise<{ header: FtHeader; span: FileSpan; stream: ReadableStream<Uint8Array> }> {
  if (!body || length === 0)
    throw flowFileProblem(
      base,
      new FlowParseError('empty_file', 0, 'empty file: no ft stream header'),
    )
  let sniffed: Awaited<ReturnType<typeof sniffFtHeader>>
  try {
    sniffed = await sniffFtHeader(body)
  } catch (err) {
    if (err instanceof FlowParseError) throw flowFileProblem(base, err)
    throw err
  }
  let span: FileSpan | null
  try {
    span = named(() => fileSpan(base, sniffed.header))
  } catch (err) {
    await drainStream(sniffed.stream, DRAIN_MAX_BYTES)
    throw err
  }
  if (!span) {
    await drainStream(sniffed.stream, DRAIN_MAX_BYTES)
    throw invalidRequest(
      `cannot tell the time span of '${base}': its header has no capture times (the file was not closed) and the name is not flow-capture's ft-vNN.YYYY-MM-DD.HHMMSS+ZZZZ`,
      { errors: [{ path: 'param.path', message: 'not a flow-capture file name' }] },
    )
  }
  return { header: sniffed.header, span, stream: sniffed.stream }
}

/** Bytes of a request body read and dropped before answering early; past them it is cancelled. */
/**
 * The most a multipart start reads of its body (the file's first bytes, `head -c 65536`); the
 * rest is read away (answering with the body half read made a browser see the connection reset
 * instead of the answer, now and then: a CI run, the 201 of ?uploads) or, past this, cancelled:
 * that client sent too much.
 */
const DISCARD_BYTES = 1024 * 1024

function uploadTarget(
  router: string,
  base: string,
  uploadId: string,
): {
  key: string
  /** Where R2 joins the parts: the staging key, or for an older id the file's own key. */
  uploadKey: string
  staged: boolean
  r2UploadId: string
  started: FileSpan | undefined
} {
  const decoded = decodeUploadId(uploadId)
  if (!decoded) throw uploadProblem('no_such_upload', uploadId, 'not an upload id of this archive')
  const start = Date.parse(`${decoded.day}T00:00:00Z`) / 1000
  const key = archiveKey(router, start, base)
  return {
    key,
    uploadKey: decoded.staging ? stagingKey(decoded.staging, key) : key,
    staged: decoded.staging !== undefined,
    r2UploadId: decoded.r2UploadId,
    started: decoded.span,
  }
}

function requireLength(c: Context<AppEnv>): number {
  const header = c.req.header('content-length')
  const length = Number(header)
  if (!header || !Number.isSafeInteger(length) || length < 0) {
    throw new ProblemError({
      type: '/problems/length-required',
      title: 'Length Required',
      status: 411,
      detail: 'send the body with a Content-Length (curl -T FILE or --data-binary @FILE)',
    })
  }
  return length
}

function tooLarge(detail: string): ProblemError {
  return new ProblemError({
    type: '/problems/file-too-large',
    title: 'Flow file too large',
    status: 413,
    detail,
  })
}

function describeSpan(span: FileSpan | null): string {
  if (!span) return 'no time span'
  const iso = (s: number) => new Date(s * 1000).toISOString()
  return `${iso(span.start)} to ${iso(span.end)} (from the ${span.source}${span.endEstimated ? ', end estimated' : ''})`
}
