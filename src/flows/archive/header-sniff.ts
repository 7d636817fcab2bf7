import { type FtHeader, headerLengthOf, parseFtHeader, truncatedHeader } from '../ft-header'

/**
 * Reads just enough of an upload to parse its ft stream header, and gives back a stream of the
 * whole file (the bytes already read first, then the rest, untouched), so the file can be
 * stored while only its header was ever held in memory. A header that does not read throws with
 * `body` unlocked and the rest unread, so whoever answers can read the rest of an upload away
 * instead of cancelling it.
 */
export async function sniffFtHeader(
  body: ReadableStream<Uint8Array>,
): Promise<{ header: FtHeader; stream: ReadableStream<Uint8Array> }> {
  const reader = body.getReader()
  let buffered: Uint8Array = new Uint8Array(0)
  let need = 8
  let header: FtHeader
  try {
    for (;;) {
      if (buffered.length >= 8) {
        need = headerLengthOf(buffered)
        if (buffered.length >= need) break
      }
      const { done, value } = await reader.read()
      if (done) {
        headerLengthOf(buffered) // throws the precise error: empty, bad magic, truncated...
        throw truncatedHeader(buffered.length, need)
      }
      buffered = concat(buffered, value)
    }
    header = parseFtHeader(buffered.subarray(0, need))
  } catch (err) {
    reader.releaseLock()
    throw err
  }
  const prefix = buffered
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(prefix)
    },
    async pull(controller) {
      const { done, value } = await reader.read()
      if (done) controller.close()
      else controller.enqueue(value)
    },
    cancel(reason) {
      return reader.cancel(reason)
    },
  })
  return { header, stream }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length)
  out.set(a)
  out.set(b, a.length)
  return out
}

/**
 * The header of a file whose first bytes are in hand (e.g. a range read of a stored file):
 * the same errors as sniffFtHeader when they are not an ft header, or too few.
 */
export function headerFromHead(head: Uint8Array): FtHeader {
  const need = headerLengthOf(head)
  if (head.length < need) throw truncatedHeader(head.length, need)
  return parseFtHeader(head.subarray(0, need))
}
