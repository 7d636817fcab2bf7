import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'
import type { Inflater } from '../src/flows/inflater'

export type ThreadInflaterOptions = {
  /** bench/inflate-thread.mjs (the bench bundle runs from another folder, so it says where). */
  workerUrl: URL
  /** wasm/inflate/inflate.wasm. */
  wasmUrl: URL
  /** Inflated bytes an output slot holds: the reader gets them as one piece. */
  outSlotSize?: number
  /** Output slots: the thread inflates into the free ones while this thread decodes. */
  outSlots?: number
  /** Compressed bytes an input slot holds. */
  inSlotSize?: number
  /** Input slots: compressed bytes read ahead of the inflate. */
  inSlots?: number
}

/** Pieces shorter than this are copied out of their slot: the reader keeps such a piece. */
const KEPT_PIECE_BYTES = 64 * 1024

type FromThread =
  | { type: 'consumed'; buffer: ArrayBuffer }
  | { type: 'out'; buffer: ArrayBuffer; n: number }
  | { type: 'done' }
  | { type: 'error'; message: string }

/** A thread and the input buffers this side holds (it holds its output buffers). */
type Thread = { worker: Worker; inputs: ArrayBuffer[] }

/**
 * The WebAssembly inflate (wasm/inflate/, what the Worker runs on its request's thread) on a Node
 * worker thread, for a Node process: the thread inflates into a few output buffers while this
 * thread decodes the last one it got, so inflating and decoding overlap, as with node:zlib's
 * thread pool (bench/node-inflater.ts), with libdeflate's faster decoder. The buffers go back
 * and forth, transferred (bench/inflate-thread.mjs): a full one goes to the reader as it is (the
 * reader decodes a piece of 64 KiB or more before it asks for the next) and back to the thread
 * when the reader asks for the next. Compressed chunks are copied into input buffers that go
 * back and forth the same way, so the reader reads into its buffer again at once.
 *
 * The thread is started with the inflater, as a server would keep it, and serves one stream at
 * a time; a stream that starts while it is busy gets a thread of its own. A stream that ends in
 * an error or is stopped early ends its thread. Its output pieces may be of any size: the glue
 * grows its buffer for output not taken yet.
 */
export function threadInflater(options: ThreadInflaterOptions): Inflater {
  const outSlotSize = options.outSlotSize ?? 1024 * 1024
  const outSlots = options.outSlots ?? 4
  const inSlotSize = options.inSlotSize ?? 256 * 1024
  const inSlots = options.inSlots ?? 4
  const spawn = (): Thread => {
    const worker = new Worker(options.workerUrl, {
      workerData: { wasmPath: fileURLToPath(options.wasmUrl), outSlots, outSlotSize },
    })
    worker.unref()
    // A thread that fails while idle is dropped (not kept for the next stream).
    worker.on('error', () => {
      if (idle?.worker === worker) idle = undefined
    })
    return { worker, inputs: Array.from({ length: inSlots }, () => new ArrayBuffer(inSlotSize)) }
  }
  let idle: Thread | undefined = spawn()

  return {
    chunksHeld: 0,
    async *inflate(compressed) {
      const thread = idle ?? spawn()
      idle = undefined
      const { worker } = thread
      // Messages from the thread, in order; the waiting reader or pump is woken by each.
      const queue: FromThread[] = []
      const freeIn = thread.inputs
      let wakeReader: (() => void) | undefined
      let wakePump: (() => void) | undefined
      const wake = () => {
        const r = wakeReader
        const p = wakePump
        wakeReader = undefined
        wakePump = undefined
        r?.()
        p?.()
      }
      let threadFailure: unknown
      const onMessage = (m: FromThread) => {
        if (m.type === 'consumed') freeIn.push(m.buffer)
        else queue.push(m)
        wake()
      }
      const onError = (err: unknown) => {
        threadFailure = err
        wake()
      }
      worker.on('message', onMessage)
      worker.on('error', onError)
      worker.ref()
      worker.postMessage({ type: 'start' })

      let sourceFailure: unknown
      let stopped = false
      const pump = (async () => {
        try {
          for await (const chunk of compressed) {
            for (let off = 0; off < chunk.length; ) {
              while (freeIn.length === 0 && !stopped && threadFailure === undefined)
                await new Promise<void>((resolve) => {
                  wakePump = resolve
                })
              const buffer = freeIn.shift()
              if (buffer === undefined) return
              const n = Math.min(inSlotSize, chunk.length - off)
              new Uint8Array(buffer).set(chunk.subarray(off, off + n))
              worker.postMessage({ type: 'input', buffer, n }, [buffer])
              off += n
            }
            if (stopped) return
          }
          worker.postMessage({ type: 'end' })
        } catch (err) {
          // An error of the source (a limit, the body cut short) comes out unchanged.
          sourceFailure = err
          wake()
        }
      })()

      let clean = false
      try {
        for (;;) {
          while (queue.length === 0) {
            if (sourceFailure !== undefined) throw sourceFailure
            if (threadFailure !== undefined) throw threadFailure
            await new Promise<void>((resolve) => {
              wakeReader = resolve
            })
          }
          const m = queue.shift() as FromThread
          if (m.type === 'done') {
            clean = true
            return
          }
          if (m.type === 'error') throw sourceFailure ?? new Error(m.message)
          if (m.type !== 'out') continue
          const view = new Uint8Array(m.buffer, 0, m.n)
          yield m.n >= KEPT_PIECE_BYTES ? view : view.slice()
          // The reader is done with the buffer: back to the thread, to fill again.
          worker.postMessage({ type: 'free', buffer: m.buffer }, [m.buffer])
        }
      } finally {
        stopped = true
        wake()
        // After a clean end the pump is done; otherwise it may wait on a stalled source, which
        // must not keep the error from the caller (the pump catches its own errors).
        if (clean) await pump
        worker.off('message', onMessage)
        worker.off('error', onError)
        // A clean end: every input buffer is back (the thread used all input before 'done').
        if (clean && idle === undefined && freeIn.length === inSlots) {
          worker.unref()
          idle = thread
        } else await worker.terminate()
      }
    },
  }
}
