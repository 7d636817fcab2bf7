import { FLOW_TIME_FIELDS, type FlowField, flowEndMs, flowStartMs } from '../flow-batch'
import { FlowParseError } from '../flow-errors'
import { openFtStream } from '../ft-reader'
import type { Inflater } from '../inflater'

/**
 * Limits for reading one archived file, at upload and in a query job's consumer (the same, so a
 * file the archive takes is a file its queries can read). Memory stays flat: streaming.
 */
export const ARCHIVED_FILE_LIMITS = {
  maxFiles: 1,
  maxFlows: 50_000_000,
  maxBytes: 5 * 1024 * 1024 * 1024,
  maxInflatedBytes: 20 * 1024 * 1024 * 1024,
}

/**
 * A file is refused as a decompression bomb when its records inflate to more than this many
 * times its size (or 64 MiB, for small files). flow-tools' records compress 2-4 to 1 (the bench's
 * pseudo-random v5 flows: 64 bytes to 31); 50 leaves room for very repetitive traffic.
 */
export const MAX_INFLATE_RATIO = 50

/** The inflated-bytes limit for a stored file of `size` bytes (see MAX_INFLATE_RATIO). */
export function inflatedLimit(size: number): number {
  return Math.min(
    ARCHIVED_FILE_LIMITS.maxInflatedBytes,
    Math.max(64 * 1024 * 1024, MAX_INFLATE_RATIO * size),
  )
}

/** What reading a whole ft file found, when it reads. */
export type FileCheck = {
  /** Records in the file (every one whole). */
  flows: number
  /** What a user should know of a file that reads: an open file cut at its end. */
  warnings: string[]
  /**
   * The earliest flow start and the latest flow end in the file, unix ms (flow-tools' ftltime),
   * when its records carry the time fields and it holds a flow. Flows are exported after they
   * end, so a file holds flows that started before its capture start: a time range selects the
   * file by these too.
   */
  flowTimes?: { firstStartMs: number; lastEndMs: number }
}

/**
 * Reads every record of an ft file (decoding only the flow times: the framing, the zlib stream
 * and its checksum are checked), so an upload is known to be readable before the archive takes
 * it. Throws the reader's FlowParseError (with the byte offset) or FlowLimitError for a file that
 * does not read to its end. A closed file (its header final) must hold exactly the records its
 * header counts: fewer is a file cut short or a part left out of a multipart upload, more a
 * file joined after it was written; either is refused (FlowParseError, at the records' end). One
 * exception: a file flow-capture had not closed may end cut short, a partial last record or an
 * unfinished zlib stream, because that is what a copy of the file being written looks like; it
 * is taken, with a warning, and a query job reads it the same way
 * (FtReadOptions.openFileMayEndCut). Telling a cut zlib stream from a damaged one needs an
 * inflater that throws InflateCutError (the WebAssembly one); with another, such a file is
 * refused.
 */
export async function checkFtFile(
  stream: ReadableStream<Uint8Array>,
  options: { inflater?: Inflater; limits?: Partial<typeof ARCHIVED_FILE_LIMITS> } = {},
): Promise<FileCheck> {
  const limits = { ...ARCHIVED_FILE_LIMITS, ...options.limits }
  let timed = false
  const file = await openFtStream(stream, {
    maxBytes: limits.maxBytes,
    maxInflatedBytes: limits.maxInflatedBytes,
    maxFlows: limits.maxFlows,
    // Only the time fields, and only when the format has all of them (a flow's start needs each).
    decodeFields: (present) => {
      timed = FLOW_TIME_FIELDS.every((f) => present.has(f))
      return new Set<FlowField>(timed ? FLOW_TIME_FIELDS : [])
    },
    openFileMayEndCut: true,
    ...(options.inflater ? { inflater: options.inflater } : {}),
  })
  const { header, stats } = file
  const warnings: string[] = []
  let firstStartMs = Number.POSITIVE_INFINITY
  let lastEndMs = Number.NEGATIVE_INFINITY
  for await (const b of file.batches) {
    if (!timed) continue
    for (let i = 0; i < b.length; i++) {
      const start = flowStartMs(b, i)
      const end = flowEndMs(b, i)
      if (start < firstStartMs) firstStartMs = start
      if (end > lastEndMs) lastEndMs = end
    }
  }
  if (stats.truncated) {
    warnings.push(
      `the file is open (flow-capture had not closed it) and ends cut short after ${stats.flows} whole records, as a copy of a file being written does (or a file cut in transfer, or uploaded without its last part): ${stats.truncated.message}`,
    )
  }
  const counted = header.final ? header.flowCount : undefined
  // A count of 0 is a writer that did not count (not a claim of an empty file).
  if (counted !== undefined && counted > 0 && counted !== stats.flows) {
    const fewer = stats.flows < counted
    throw new FlowParseError(
      fewer ? 'truncated_record' : 'bad_header',
      header.headerLength + stats.recordBytes,
      `the header of this closed file counts ${counted} flows, the file holds ${stats.flows}: ${
        fewer
          ? 'it was cut short, or parts of it are missing (a multipart upload without all its parts)'
          : 'it was joined to other records after it was written'
      }`,
      { inflated: header.compressed, flowsRead: stats.flows },
    )
  }
  const check: FileCheck = { flows: stats.flows, warnings }
  if (firstStartMs <= lastEndMs) check.flowTimes = { firstStartMs, lastEndMs }
  return check
}
