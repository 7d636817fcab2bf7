import type { Inflater } from './inflater'

/** What wasm/inflate/inflate-glue.c exports (zlib's inflate over buffers it owns). */
type InflateExports = {
  memory: WebAssembly.Memory
  stream_new(): number
  stream_free(s: number): void
  in_ptr(s: number): number
  in_size(): number
  out_ptr(s: number): number
  out_size(): number
  set_input(s: number, n: number): void
  step(s: number): number
  out_used(s: number): number
  out_taken(s: number): void
  avail_in(s: number): number
  message(s: number): number
}

const Z_OK = 0
const Z_STREAM_END = 1
const Z_BUF_ERROR = -5

/**
 * zlib's inflate built to WebAssembly (wasm/inflate/), for the Worker: it writes into memory it
 * owns, so inflating makes no garbage, where DecompressionStream hands out a new 4 KiB buffer for
 * every piece of output (64 MB per 1 M flows, which V8 collects only when external memory
 * pressure says so: the isolate's peak followed it). Inflated bytes come out in whole 256 KiB
 * chunks copied into one buffer per stream, reused (the reader decodes a whole chunk before it
 * asks for the next; a copy, because another request in the same isolate may grow the
 * WebAssembly memory, which detaches views into it). Input is copied in as it comes, so the
 * reader may read into its buffer again at once. On damage, the bytes inflated before it come
 * out first, then the error.
 */
export function wasmInflater(module: WebAssembly.Module): Inflater {
  let exports: InflateExports | undefined
  const zlib = (): InflateExports => {
    exports ??= new WebAssembly.Instance(module, {}).exports as unknown as InflateExports
    return exports
  }
  return {
    chunksHeld: 0,
    async *inflate(compressed) {
      const x = zlib()
      const s = x.stream_new()
      if (s === 0) throw new Error('inflate: out of memory')
      const inSize = x.in_size()
      const outSize = x.out_size()
      const out = new Uint8Array(outSize)
      // The output so far, copied out of WebAssembly memory (a fresh view each time: see above).
      const take = (copy: Uint8Array) => {
        const n = x.out_used(s)
        copy.set(new Uint8Array(x.memory.buffer, x.out_ptr(s), n))
        x.out_taken(s)
        return copy.subarray(0, n)
      }
      const failure = (why: string) => {
        const bytes = new Uint8Array(x.memory.buffer, x.message(s))
        const text = new TextDecoder().decode(bytes.subarray(0, bytes.indexOf(0)))
        return new Error(text ? `${why}: ${text}` : why)
      }
      let ended = false
      try {
        for await (const chunk of compressed) {
          for (let off = 0; off < chunk.length; ) {
            if (ended) {
              // Every record before the junk first (a partial result keeps them all).
              if (x.out_used(s) > 0) yield take(new Uint8Array(x.out_used(s)))
              throw new Error('bytes after the end of the zlib stream')
            }
            const n = Math.min(inSize, chunk.length - off)
            new Uint8Array(x.memory.buffer, x.in_ptr(s), n).set(chunk.subarray(off, off + n))
            off += n
            x.set_input(s, n)
            for (;;) {
              const status = x.step(s)
              if (status === Z_STREAM_END) ended = true
              else if (status !== Z_OK && status !== Z_BUF_ERROR) {
                // What was inflated before the damage first (a partial result keeps it).
                if (x.out_used(s) > 0) yield take(new Uint8Array(outSize))
                throw failure(`invalid zlib data (${status})`)
              }
              if (x.out_used(s) === outSize) yield take(out)
              if (ended) {
                if (x.avail_in(s) > 0) {
                  if (x.out_used(s) > 0) yield take(new Uint8Array(x.out_used(s)))
                  throw new Error('bytes after the end of the zlib stream')
                }
                break
              }
              if (x.avail_in(s) === 0) break
            }
          }
        }
        // The last piece may be short: the reader keeps a short piece while it asks for the
        // next, so it gets a copy of its own.
        if (x.out_used(s) > 0) yield take(new Uint8Array(x.out_used(s)))
        if (!ended) throw new Error('the zlib stream ends early (truncated)')
      } finally {
        x.stream_free(s)
      }
    },
  }
}
