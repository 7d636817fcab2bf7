import { InflateCutError, type Inflater } from './inflater'

/** What wasm/inflate/inflate-glue.c exports (a streaming zlib inflate over buffers it owns). */
export type InflateExports = {
  memory: WebAssembly.Memory
  stream_new(): number
  stream_free(s: number): void
  in_room(s: number): number
  in_ptr(s: number): number
  add_input(s: number, n: number): void
  end_input(s: number): void
  avail_in(s: number): number
  step(s: number): number
  out_ptr(s: number): number
  out_used(s: number): number
  out_taken(s: number, n: number): void
  message(s: number): number
}

// step's answers (inflate-glue.c).
export const ST_OK = 0
export const ST_END = 1
export const ST_NEED_INPUT = 2
export const ST_TRUNCATED = 3

/** Inflated bytes handed out at once (the last piece may be shorter). */
const CHUNK = 256 * 1024

/**
 * zlib inflate built to WebAssembly (wasm/inflate/: libdeflate's decoder a block at a time,
 * zlib's from a block it cannot finish), for the Worker. It writes into memory it owns, so
 * inflating makes no garbage, where DecompressionStream hands out a new 4 KiB buffer for every
 * piece of output (64 MB per 1 M flows, which V8 collects only when external memory pressure says
 * so: the isolate's peak followed it). Inflated bytes come out in whole 256 KiB chunks copied
 * into one buffer per stream, reused (the reader decodes a whole chunk before it asks for the
 * next; a copy, because another request in the same isolate may grow the WebAssembly memory,
 * which detaches views into it). Input is copied in as it comes, so the reader may read into its
 * buffer again at once. On damage, the bytes inflated before it come out first, then the error.
 */
export function wasmInflater(module: WebAssembly.Module): Inflater {
  let exports: InflateExports | undefined
  const wasm = (): InflateExports => {
    exports ??= new WebAssembly.Instance(module, {}).exports as unknown as InflateExports
    return exports
  }
  return {
    chunksHeld: 0,
    async *inflate(compressed) {
      const x = wasm()
      const s = x.stream_new()
      if (s === 0) throw new Error('inflate: out of memory')
      const out = new Uint8Array(CHUNK)
      // Up to copy.length bytes of output, copied out of WebAssembly memory (a fresh view each
      // time: see above).
      const take = (copy: Uint8Array) => {
        const n = Math.min(x.out_used(s), copy.length)
        copy.set(new Uint8Array(x.memory.buffer, x.out_ptr(s), n))
        x.out_taken(s, n)
        return copy.subarray(0, n)
      }
      // The rest of the output, in pieces of their own: the reader keeps a short piece while it
      // asks for the next (and, before an error, keeps what it has).
      const rest = () => {
        const pieces: Uint8Array[] = []
        while (x.out_used(s) > 0) pieces.push(take(new Uint8Array(Math.min(x.out_used(s), CHUNK))))
        return pieces
      }
      const failure = (status: number) => {
        if (status === ST_TRUNCATED)
          return new InflateCutError('the zlib stream ends early (truncated)')
        const bytes = new Uint8Array(x.memory.buffer, x.message(s))
        const text = new TextDecoder().decode(bytes.subarray(0, bytes.indexOf(0)))
        return new Error(`invalid zlib data: ${text}`)
      }
      const afterEnd = () => new Error('bytes after the end of the zlib stream')
      // Steps until the glue needs input (false) or the stream and its check ended (true), full
      // chunks coming out as they fill. Damage, a cut stream (once the input has ended) and
      // junk after the end throw, after what was inflated before them.
      async function* run(inputEnded: boolean): AsyncGenerator<Uint8Array, boolean> {
        for (;;) {
          const status = x.step(s)
          while (x.out_used(s) >= CHUNK) yield take(out)
          if (status === ST_OK) continue
          if (status === ST_NEED_INPUT && !inputEnded) return false
          if (status === ST_END && x.avail_in(s) === 0) return true
          yield* rest()
          throw status === ST_END
            ? afterEnd()
            : failure(status === ST_NEED_INPUT ? ST_TRUNCATED : status)
        }
      }
      let ended = false
      try {
        for await (const chunk of compressed) {
          for (let off = 0; off < chunk.length; ) {
            // Every record before the junk first (a partial result keeps them all).
            if (ended) {
              yield* rest()
              throw afterEnd()
            }
            const n = Math.min(x.in_room(s), chunk.length - off)
            // The glue always has room after a step that needs input; guard against a loop.
            if (n === 0) throw new Error('inflate: no room for input')
            new Uint8Array(x.memory.buffer, x.in_ptr(s), n).set(chunk.subarray(off, off + n))
            x.add_input(s, n)
            off += n
            ended = yield* run(false)
          }
        }
        if (!ended) {
          x.end_input(s)
          yield* run(true)
        }
        yield* rest()
      } finally {
        x.stream_free(s)
      }
    },
  }
}
