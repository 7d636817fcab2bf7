/** Bytes asked of a byte stream per read, and by default the least a read waits for. */
export const MIN_PULL_BYTES = 64 * 1024

export type ChunkReader = {
  /** The next chunk, in a new buffer; undefined at the end. */
  read(): Promise<Uint8Array | undefined>
  /**
   * Byte streams only (`readInto` is set): the next bytes into `view`, whose buffer the read
   * transfers; the result views the same memory under its new buffer. Undefined at the end.
   */
  readInto?: (view: Uint8Array) => Promise<Uint8Array | undefined>
  cancel(reason?: unknown): Promise<void>
}

/**
 * Reads an upload a chunk at a time. A byte stream (a request body in workerd) is read with a
 * BYOB reader that waits for at least `minRead` bytes a read: workerd hands a body over in 4 KiB
 * pieces, and each piece through every stream layer after this one (multipart split, inflate,
 * reader) cost more than decoding its records (1 M flows: 7,600 body reads; filter + print
 * through wrangler dev went from 1.3 s to 0.7 s with 64 KiB reads). `minRead` 1 passes the
 * pieces on as they come (a partial result was asked for: smaller inflate writes keep more
 * records before damage). Other streams give their chunks as they are.
 */
export function chunkReader(
  stream: ReadableStream<Uint8Array>,
  minRead = MIN_PULL_BYTES,
): ChunkReader {
  const reader = openChunkReader(stream, minRead)
  readers.set(stream, reader)
  return reader
}

/** The reader chunkReader opened on a stream: what drainStream reads the rest through. */
const readers = new WeakMap<ReadableStream<Uint8Array>, ChunkReader>()

/** How long drainStream waits for the next piece of an upload, and for all of it. */
export const DRAIN_IDLE_MS = 5_000
export const DRAIN_TOTAL_MS = 30_000

/**
 * Reads what is left of a stream and throws it away, at most `maxBytes`, waiting at most
 * `idleMs` for a piece and `totalMs` in all (past any of them the stream is cancelled: a client
 * that stalls or trickles must not hold the answer, or the invocation, open).
 * For a request body an error answered before it was read to the end: workerd drops the
 * connection under an answer whose upload is still coming, and `wrangler dev`'s proxy turns that
 * into a 500 "Network connection lost" (cloudflare/workers-sdk#15709) instead of the 4xx.
 * Never throws: a stream that fails while drained has nothing left to give.
 */
export async function drainStream(
  stream: ReadableStream<Uint8Array>,
  maxBytes: number,
  limits: { idleMs?: number; totalMs?: number } = {},
): Promise<void> {
  const idleMs = limits.idleMs ?? DRAIN_IDLE_MS
  const endAt = Date.now() + (limits.totalMs ?? DRAIN_TOTAL_MS)
  let reader: ChunkReader | undefined
  let timer: ReturnType<typeof setTimeout> | undefined
  const TIMED_OUT = Symbol('timed out')
  const within = <T>(read: Promise<T>): Promise<T | typeof TIMED_OUT> => {
    const wait = Math.max(0, Math.min(idleMs, endAt - Date.now()))
    return Promise.race([
      read,
      new Promise<typeof TIMED_OUT>((done) => {
        timer = setTimeout(() => done(TIMED_OUT), wait)
      }),
    ]).finally(() => clearTimeout(timer))
  }
  try {
    reader = readers.get(stream) ?? (stream.locked ? undefined : chunkReader(stream))
    if (!reader) return
    let left = maxBytes
    let view: Uint8Array | undefined = reader.readInto ? new Uint8Array(MIN_PULL_BYTES) : undefined
    for (;;) {
      const chunk = await within(view && reader.readInto ? reader.readInto(view) : reader.read())
      if (chunk === undefined) return
      if (chunk === TIMED_OUT) break
      left -= chunk.length
      if (left < 0) break
      // The read transferred the buffer: read into it again under its new owner.
      if (view) view = new Uint8Array(chunk.buffer, 0, MIN_PULL_BYTES)
    }
    await reader.cancel()
  } catch {
    // Nothing to do: the answer goes out as it is.
  }
}

function openChunkReader(stream: ReadableStream<Uint8Array>, minRead: number): ChunkReader {
  const min = Math.max(1, Math.min(minRead, MIN_PULL_BYTES))
  let byob: ReadableStreamBYOBReader | undefined
  if (min > 1) {
    try {
      byob = stream.getReader({ mode: 'byob' })
    } catch {
      // Not a byte stream (TypeError): the default reader below.
    }
  }
  if (!byob) {
    const plain = stream.getReader()
    return {
      read: async () => {
        const r = await plain.read()
        return r.done ? undefined : r.value
      },
      cancel: (reason) => plain.cancel(reason),
    }
  }
  const reader = byob
  // `min` is in the Streams standard, Node and workerd; the lib types do not list it yet.
  const readAtLeast = reader.read as (
    view: Uint8Array,
    options: { min: number },
  ) => Promise<ReadableStreamReadResult<Uint8Array>>
  let closed = false
  const readInto = async (view: Uint8Array) => {
    if (closed) return undefined
    const r = await readAtLeast.call(reader, view, { min: Math.min(min, view.length) })
    // A stream that closes under a read still hands over the bytes it filled, with done set.
    if (r.done) closed = true
    return r.value !== undefined && r.value.length > 0 ? r.value : undefined
  }
  return {
    read: () => readInto(new Uint8Array(MIN_PULL_BYTES)),
    readInto,
    cancel: (reason) => reader.cancel(reason),
  }
}
