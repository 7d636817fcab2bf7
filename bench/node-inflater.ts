import { createInflate } from 'node:zlib'
import type { Inflater } from '../src/flows/inflater'

/**
 * node:zlib's async inflate for a Node process (the Worker keeps DecompressionStream): it inflates
 * on libuv's thread pool, so the next output chunk is being inflated while this thread decodes the
 * last one. 1 MiB output chunks (16 KiB ones double the inflate time, flow-tools.md §9.1).
 */
export function nodeZlibInflater(chunkSize = 1024 * 1024): Inflater {
  return {
    // Each write waits for zlib's callback, which comes once the chunk is consumed.
    releasesChunks: true,
    async *inflate(compressed) {
      const zlib = createInflate({ chunkSize })
      let failure: unknown
      // Resolves once zlib has consumed the chunk; rejects if zlib closes first (a corrupt stream
      // destroys it without calling back).
      const write = (chunk: Uint8Array) =>
        new Promise<void>((resolve, reject) => {
          const onClose = () => reject(new Error('inflate closed'))
          zlib.once('close', onClose)
          zlib.write(chunk, (err) => {
            zlib.off('close', onClose)
            if (err) reject(err)
            else resolve()
          })
        })
      const pump = (async () => {
        try {
          for await (const chunk of compressed) await write(chunk)
          zlib.end()
        } catch (err) {
          // An error of the source (a limit) comes out of the iteration below unchanged; zlib's
          // own errors already destroyed it and come out of the iteration too.
          if (!zlib.destroyed) {
            failure = err
            zlib.destroy(err as Error)
          }
        }
      })()
      try {
        for await (const out of zlib) yield out as Uint8Array
      } catch (err) {
        throw failure ?? err
      } finally {
        zlib.destroy()
        await pump
      }
    },
  }
}
