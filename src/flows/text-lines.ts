import type { FlowBatch } from './flow-batch'
import { FlowLimitError, FlowParseError, type Truncation } from './flow-errors'

export type TextLine = { text: string; no: number; offset: number }

export const MAX_LINE = 4096

const NON_ASCII = /[^ -~\t\r\n]/

/**
 * The UTF-8 length of a decoded line: its byte count in the file (exact for valid UTF-8; an
 * invalid byte decoded to U+FFFD counts 3). Flow text is ASCII, where it is the length.
 */
export function utf8Length(text: string): number {
  if (!NON_ASCII.test(text)) return text.length
  let n = 0
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c < 0x80) n += 1
    else if (c < 0x800) n += 2
    else if (c >= 0xd800 && c < 0xdc00 && i + 1 < text.length) {
      n += 4 // a surrogate pair: one 4-byte character
      i++
    } else n += 3
  }
  return n
}

/**
 * A decoder that keeps a leading byte order mark as U+FEFF, so utf8Length counts its 3 bytes and
 * every byte offset after it is the file's own (the default decoder drops it silently, which put
 * each offset 3 bytes short); stripBom then removes it from the first line's text.
 */
export function textDecoder(): TextDecoder {
  return new TextDecoder('utf-8', { fatal: false, ignoreBOM: true })
}

/** The first line without its byte order mark (its bytes still count in the offsets). */
export function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text
}

/**
 * The error for a line longer than MAX_LINE characters (CR and LF not counted), the same whether
 * its end was already read or not, so the answer never depends on how the upload was chunked.
 * The rest of the file is not read on (`lineTooLong`).
 */
export function lineTooLong(
  stats: { lineTooLong?: boolean },
  code: 'bad_text' | 'bad_csv',
  offset: number,
  line: number,
): FlowParseError {
  stats.lineTooLong = true
  return new FlowParseError(code, offset, `line ${line} is longer than ${MAX_LINE} characters`, {
    line,
  })
}

/** Lines of a UTF-8 stream (LF or CRLF), with 1-based numbers and byte offsets; bounded length. */
export async function* readLines(
  stream: ReadableStream<Uint8Array>,
  stats: { bytes: number; lineTooLong?: boolean },
  maxBytes?: number,
): AsyncGenerator<TextLine, void, void> {
  const reader = stream.getReader()
  const decoder = textDecoder()
  let pending = ''
  let no = 0
  let offset = 0
  for (;;) {
    let nl = pending.indexOf('\n')
    while (nl >= 0) {
      const raw = pending.slice(0, nl)
      const text = raw.replace(/\r$/, '')
      if (text.length > MAX_LINE) throw lineTooLong(stats, 'bad_text', offset, no + 1)
      pending = pending.slice(nl + 1)
      no++
      yield { text: no === 1 ? stripBom(text) : text, no, offset }
      offset += utf8Length(raw) + 1
      nl = pending.indexOf('\n')
    }
    if (pending.length > MAX_LINE + 1) throw lineTooLong(stats, 'bad_text', offset, no + 1)
    const r = await reader.read()
    if (r.done) {
      pending += decoder.decode()
      if (pending !== '') {
        const text = pending.replace(/\r$/, '')
        if (text.length > MAX_LINE) throw lineTooLong(stats, 'bad_text', offset, no + 1)
        yield { text: no === 0 ? stripBom(text) : text, no: no + 1, offset }
      }
      return
    }
    stats.bytes += r.value.length
    if (maxBytes !== undefined && stats.bytes > maxBytes) {
      throw new FlowLimitError(
        'too_many_bytes',
        maxBytes,
        `file is larger than the limit of ${maxBytes} bytes`,
      )
    }
    pending += decoder.decode(r.value, { stream: true })
  }
}

/** What every text reader takes: limits, and `allowPartial` (partial=1). */
export type TextReadOptions = {
  batchSize?: number
  maxFlows?: number
  maxBytes?: number
  /** Keep the rows before a bad line, reported in `stats.truncated`, instead of failing. */
  allowPartial?: boolean
}

/**
 * A text reader's counters; `truncated` is set when `allowPartial` kept the rows before a bad
 * line; `lineTooLong`, when a line longer than MAX_LINE stopped the reading (the rest cannot be
 * read on).
 */
export type TextStats = {
  flows: number
  bytes: number
  truncated?: Truncation
  lineTooLong?: boolean
}

/**
 * partial=1 for a text input: the rows before the bad line are kept; the rest of the file is
 * read (so `bytes` is its size) and its rows counted, not parsed: the bad line and the rows
 * after it are the flows lost, the bytes from the bad line on the bytes lost. `drain` reads the
 * rest and returns how many rows it held (by the reader's own rule of what a row is). A line too
 * long to read further leaves the rest unread: the counts are then unknown (null). Other errors
 * (limits) still fail.
 */
export async function keepRowsBefore(
  err: unknown,
  stats: TextStats,
  drain: () => Promise<number>,
): Promise<void> {
  if (!(err instanceof FlowParseError)) throw err
  let rowsAfter: number | null = null
  // After a line too long to read on, the rest is not read (its line generator is done): the
  // counts are not known.
  if (!stats.lineTooLong) {
    try {
      rowsAfter = await drain()
    } catch (e) {
      if (!(e instanceof FlowParseError)) throw e
      rowsAfter = null
    }
  }
  stats.truncated = {
    offset: err.offset,
    inflated: false,
    bytesLost: rowsAfter === null ? null : stats.bytes - err.offset,
    flowsLost: rowsAfter === null ? null : rowsAfter + 1,
    flowsLostBy: 'rows',
    message: `${err.message}: the ${stats.flows} rows before it are kept, ${
      rowsAfter === null
        ? 'the rest of the file is not read'
        : `${rowsAfter + 1} from it on are lost`
    }`,
  }
}

/** Counts one row a text reader decoded, against the request's flow limit. */
export function countRow(stats: TextStats, maxFlows: number): void {
  stats.flows++
  if (stats.flows > maxFlows)
    throw new FlowLimitError('too_many_flows', maxFlows, `more than ${maxFlows} flows`)
}

/**
 * A text reader's batches: its row loop (which yields each full batch), then the last short
 * batch. With `allowPartial`, a bad line ends the loop instead of the read (keepRowsBefore);
 * `drain` reads the rest of the file and counts its rows.
 */
export async function* textBatches(
  rows: AsyncGenerator<FlowBatch, void, void>,
  batch: FlowBatch,
  stats: TextStats,
  options: TextReadOptions,
  drain: () => Promise<number>,
): AsyncGenerator<FlowBatch, void, void> {
  try {
    yield* rows
  } catch (err) {
    if (!options.allowPartial) throw err
    await keepRowsBefore(err, stats, drain)
  }
  if (batch.length > 0) {
    yield batch
    batch.length = 0
  }
}
