import { FlowLimitError, FlowParseError } from './flow-errors'

export type TextLine = { text: string; no: number; offset: number }

const MAX_LINE = 4096

/** Lines of a UTF-8 stream (LF or CRLF), with 1-based numbers and byte-ish offsets; bounded length. */
export async function* readLines(
  stream: ReadableStream<Uint8Array>,
  stats: { bytes: number },
  maxBytes?: number,
): AsyncGenerator<TextLine, void, void> {
  const reader = stream.getReader()
  const decoder = new TextDecoder()
  let pending = ''
  let no = 0
  let offset = 0
  for (;;) {
    let nl = pending.indexOf('\n')
    while (nl >= 0) {
      const text = pending.slice(0, nl).replace(/\r$/, '')
      pending = pending.slice(nl + 1)
      no++
      yield { text, no, offset }
      offset += nl + 1
      nl = pending.indexOf('\n')
    }
    if (pending.length > MAX_LINE) {
      throw new FlowParseError(
        'bad_text',
        offset,
        `line ${no + 1} is longer than ${MAX_LINE} characters`,
        { line: no + 1 },
      )
    }
    const r = await reader.read()
    if (r.done) {
      pending += decoder.decode()
      if (pending !== '') yield { text: pending.replace(/\r$/, ''), no: no + 1, offset }
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
