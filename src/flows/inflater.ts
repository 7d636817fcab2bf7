import { joinBytes } from '../lib/bytes'

export type InflateOptions = {
  /**
   * Keep the writes as small as the input comes (a partial result was asked for): workerd's
   * DecompressionStream drops the output of the write that fails, so smaller writes keep more
   * of the records before the damage. Otherwise small input chunks may be joined for speed.
   */
  smallWrites?: boolean
}

/**
 * The zlib inflate of compressed ft files, as a port: the platform's DecompressionStream (the
 * default), zlib built to WebAssembly (wasm-inflater.ts, what the Worker's routes use: no garbage
 * per chunk, so the isolate's memory stays flat), or for a Node process one built on node:zlib
 * (bench/node-inflater.ts), which inflates on another thread while this one decodes.
 */
export type Inflater = {
  /**
   * Inflates one zlib stream (RFC 1950): compressed chunks in, record bytes out. An error thrown
   * by `compressed` must come out unchanged (the reader's limits throw there).
   */
  inflate(
    compressed: AsyncIterable<Uint8Array>,
    options?: InflateOptions,
  ): AsyncIterable<Uint8Array>
  /**
   * How many of the chunks it was given the inflater may still be using when it asks for the
   * next one (1: it inflates one while the next is read). The reader then reads into that many
   * plus one buffers in turn. Undefined: it may keep any chunk, so every read gets a new buffer.
   */
  chunksHeld?: number
}

/**
 * The compressed stream ended before its end: cut, not damaged (every byte there was valid).
 * An inflater that can tell the two apart throws this for a cut; an open flow-capture file
 * copied while it is being written ends like that.
 */
export class InflateCutError extends Error {
  override name = 'InflateCutError'
}

/** Compressed bytes given to DecompressionStream at once, at least (but the last write). */
export const COALESCE_BYTES = 64 * 1024

/**
 * DecompressionStream('deflate'), the platform's inflate and the pure module's default. Its write
 * queue may hold chunks after it asks for more (Node's does), so its chunks are never read into
 * again.
 */
export const decompressionStreamInflater: Inflater = {
  inflate(compressed, options) {
    const source = compressed[Symbol.asyncIterator]()
    const least = options?.smallWrites ? 1 : COALESCE_BYTES
    let ended = false
    const input = new ReadableStream<Uint8Array>({
      // A request body in workerd comes in 4 KiB chunks; one write each cost about as much as the
      // inflate itself (1 M flows: 1.1 s drained through the stream, 0.6-0.8 s written in
      // 256 KiB pieces). Small chunks are joined up to COALESCE_BYTES first.
      async pull(controller) {
        try {
          const parts: Uint8Array[] = []
          let size = 0
          while (!ended && size < least) {
            const n = await source.next()
            if (n.done) ended = true
            else {
              parts.push(n.value)
              size += n.value.length
            }
          }
          if (parts.length > 0)
            controller.enqueue(parts.length === 1 ? parts[0] : joinBytes(parts, size))
          if (ended) controller.close()
        } catch (err) {
          controller.error(err)
        }
      },
      async cancel() {
        await source.return?.(undefined)
      },
    })
    // The lib types DecompressionStream's writable as BufferSource; Uint8Array chunks are fine.
    const inflate = new DecompressionStream('deflate') as unknown as ReadableWritablePair<
      Uint8Array,
      Uint8Array
    >
    const reader = input.pipeThrough(inflate).getReader()
    // The reader's results are iterator results already: no generator in between, one await per
    // chunk as before the port (workerd's yields 4 KiB chunks, 15,625 per 1 M flows).
    const iterator: AsyncIterator<Uint8Array> = {
      next: () => reader.read() as Promise<IteratorResult<Uint8Array>>,
      // The consumer stopped early: stop reading the input too.
      return: async () => {
        await reader.cancel().catch(() => {})
        return { done: true, value: undefined }
      },
    }
    return { [Symbol.asyncIterator]: () => iterator }
  },
}
