/**
 * The zlib inflate of compressed ft files, as a port: the Worker uses the platform's
 * DecompressionStream; a Node process can pass one built on node:zlib (bench/node-inflater.ts),
 * which inflates on another thread while this one decodes.
 */
export type Inflater = {
  /**
   * Inflates one zlib stream (RFC 1950): compressed chunks in, record bytes out. An error thrown
   * by `compressed` must come out unchanged (the reader's limits throw there).
   */
  inflate(compressed: AsyncIterable<Uint8Array>): AsyncIterable<Uint8Array>
  /**
   * How many of the chunks it was given the inflater may still be using when it asks for the
   * next one (1: it inflates one while the next is read). The reader then reads into that many
   * plus one buffers in turn. Undefined: it may keep any chunk, so every read gets a new buffer.
   */
  chunksHeld?: number
}

/**
 * DecompressionStream('deflate'), what the Worker runs. Its write queue may hold chunks after it
 * asks for more (Node's does), so its chunks are never read into again.
 */
export const decompressionStreamInflater: Inflater = {
  inflate(compressed) {
    const source = compressed[Symbol.asyncIterator]()
    const input = new ReadableStream<Uint8Array>({
      async pull(controller) {
        try {
          const n = await source.next()
          if (n.done) controller.close()
          else controller.enqueue(n.value)
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
