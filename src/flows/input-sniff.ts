import { joinBytes } from '../lib/bytes'
import { type ChunkReader, chunkReader } from './chunk-reader'

/** Input formats the analyzer reads. */
export type InputFormat = 'ft' | 'flow-export-csv' | 'flow-print' | 'nfdump-csv'

export const INPUT_FORMATS: readonly InputFormat[] = [
  'ft',
  'flow-export-csv',
  'flow-print',
  'nfdump-csv',
]

/**
 * Guesses the format from the first bytes: ft magic CF 10, flow-export's `#:` CSV header, or
 * flow-print's default header (`srcIP`), or nfdump's csv header (`ts,te,`).
 */
export function sniffFormat(head: Uint8Array): InputFormat | undefined {
  if (head[0] === 0xcf) return 'ft'
  // Text saved by some editors (and Windows tools) starts with a UTF-8 byte order mark; the text
  // readers' TextDecoder drops it.
  const t = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? head.subarray(3) : head
  if (t[0] === 0x23 && t[1] === 0x3a) return 'flow-export-csv'
  const text = new TextDecoder().decode(t.subarray(0, 6))
  if (text.startsWith('srcIP')) return 'flow-print'
  if (text === 'ts,te,') return 'nfdump-csv'
  return undefined
}

/**
 * A stream whose first bytes were read: those bytes, and the reader of the rest. The ft reader
 * reads the rest through it directly, with BYOB reads into its own reused buffers when the
 * stream is a byte stream (a request body in workerd): no new buffer per read, where a stream in
 * between (the replay below) would hand out a new one each time, garbage V8 collects only at its
 * external-memory threshold (the isolate's array buffers peaked at 40-90 MB so).
 */
export type PeekedStream = { head: Uint8Array; rest: ChunkReader; ended: boolean }

/**
 * Reads at least `n` bytes (or all) from a stream and gives back the bytes plus the whole stream,
 * read in chunks of at least `minRead` bytes when it is a byte stream (see chunkReader), both as
 * a stream and as a PeekedStream: read one of the two, not both.
 */
export async function peekStream(
  stream: ReadableStream<Uint8Array>,
  n: number,
  options: { minRead?: number } = {},
): Promise<{ head: Uint8Array; stream: ReadableStream<Uint8Array>; peeked: PeekedStream }> {
  const reader = chunkReader(stream, options.minRead)
  const seen: Uint8Array[] = []
  let have = 0
  let done = false
  while (have < n) {
    const chunk = await reader.read()
    if (chunk === undefined) {
      done = true
      break
    }
    seen.push(chunk)
    have += chunk.length
  }
  const head = joinBytes(seen, have)
  let replayed = false
  const whole = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!replayed) {
        replayed = true
        if (head.length > 0) {
          controller.enqueue(head)
          return
        }
      }
      if (done) {
        controller.close()
        return
      }
      const chunk = await reader.read()
      if (chunk === undefined) controller.close()
      else controller.enqueue(chunk)
    },
    async cancel(reason) {
      await reader.cancel(reason)
    },
  })
  return { head, stream: whole, peeked: { head, rest: reader, ended: done } }
}
