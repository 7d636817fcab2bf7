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
  if (head[0] === 0x23 && head[1] === 0x3a) return 'flow-export-csv'
  const text = new TextDecoder().decode(head.subarray(0, 6))
  if (text.startsWith('srcIP')) return 'flow-print'
  if (text === 'ts,te,') return 'nfdump-csv'
  return undefined
}

/** Bytes asked of a byte stream per read, and the least a read waits for (see peekStream). */
const PULL_BYTES = 64 * 1024
export const MIN_PULL_BYTES = 64 * 1024

/**
 * Reads at least `n` bytes (or all) from a stream and gives back the bytes plus the whole stream.
 *
 * A byte stream (a request body in workerd) is read with a BYOB reader that waits for at least
 * `minRead` bytes a read: workerd hands a body over in 4 KiB pieces, and every piece through each
 * stream layer after this one (inflate, reader) cost more than decoding it (1 M flows: 7,600
 * body reads). `minRead` 1 passes the pieces on as they come (a partial result was asked for:
 * smaller inflate writes keep more records before damage).
 */
export async function peekStream(
  stream: ReadableStream<Uint8Array>,
  n: number,
  options: { minRead?: number } = {},
): Promise<{ head: Uint8Array; stream: ReadableStream<Uint8Array> }> {
  const min = Math.max(1, Math.min(options.minRead ?? MIN_PULL_BYTES, PULL_BYTES))
  let byob: ReadableStreamBYOBReader | undefined
  let plain: ReadableStreamDefaultReader<Uint8Array> | undefined
  if (min > 1) {
    try {
      byob = stream.getReader({ mode: 'byob' })
    } catch {
      // Not a byte stream (TypeError): its chunks as they come.
    }
  }
  plain = byob ? undefined : stream.getReader()
  let closed = false
  const read = async (): Promise<Uint8Array | undefined> => {
    if (byob) {
      if (closed) return undefined
      // `min` is in the Streams standard and workerd; the lib types do not list it yet.
      const r = await (
        byob.read as (
          v: Uint8Array,
          o: { min: number },
        ) => Promise<ReadableStreamReadResult<Uint8Array>>
      ).call(byob, new Uint8Array(PULL_BYTES), { min })
      // A stream that closes under a read still hands over the bytes it filled, with done set.
      if (r.done) closed = true
      return r.value !== undefined && r.value.length > 0 ? r.value : undefined
    }
    const r = await (plain as ReadableStreamDefaultReader<Uint8Array>).read()
    return r.done ? undefined : r.value
  }
  const seen: Uint8Array[] = []
  let have = 0
  let done = false
  while (have < n) {
    const chunk = await read()
    if (chunk === undefined) {
      done = true
      break
    }
    seen.push(chunk)
    have += chunk.length
  }
  const head = new Uint8Array(have)
  let off = 0
  for (const c of seen) {
    head.set(c, off)
    off += c.length
  }
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
      const chunk = await read()
      if (chunk === undefined) controller.close()
      else controller.enqueue(chunk)
    },
    async cancel(reason) {
      await (byob ?? plain)?.cancel(reason)
    },
  })
  return { head, stream: whole }
}
