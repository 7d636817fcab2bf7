// The worker thread of bench/thread-inflater.ts: the WebAssembly inflate (wasm/inflate/) on its
// own thread, one stream at a time. Compressed and inflated bytes go back and forth in a few
// ArrayBuffers, transferred with each message and handed back once used: no buffer is allocated
// per chunk, so neither thread collects garbage for the data. (Slots of a SharedArrayBuffer
// were slower: V8 copies into or out of shared memory at a third of memcpy's speed.)
// Messages in: start, input {buffer, n}, end, free {buffer}; out: consumed {buffer},
// out {buffer, n}, done, error {message}.
import { readFileSync } from 'node:fs'
import { parentPort, workerData } from 'node:worker_threads'

const { wasmPath, outSlots, outSlotSize } = workerData
const x = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(wasmPath)), {}).exports

// step's answers (inflate-glue.c).
const ST_OK = 0
const ST_END = 1
const ST_NEED_INPUT = 2
const ST_TRUNCATED = 3

let s = 0
/** Input not yet copied in: [bytes, from]. */
let inputs = []
let inputEnded = false
let endGiven = false
/** Output buffers this thread holds. @type {ArrayBuffer[]} */
const free = Array.from({ length: outSlots }, () => new ArrayBuffer(outSlotSize))
/** After the stream: the message to send once all output is out. */
let final

function start() {
  if (s !== 0) x.stream_free(s)
  s = x.stream_new()
  if (s === 0) throw new Error('inflate: out of memory')
  inputs = []
  inputEnded = false
  endGiven = false
  final = undefined
}

function message() {
  const bytes = new Uint8Array(x.memory.buffer, x.message(s))
  return new TextDecoder().decode(bytes.subarray(0, bytes.indexOf(0)))
}

/** Sends up to a buffer of output; false when this thread holds no buffer. */
function flush() {
  const buffer = free.shift()
  if (buffer === undefined) return false
  const n = Math.min(x.out_used(s), outSlotSize)
  new Uint8Array(buffer).set(new Uint8Array(x.memory.buffer, x.out_ptr(s), n))
  x.out_taken(s, n)
  parentPort.postMessage({ type: 'out', buffer, n }, [buffer])
  return true
}

/** Copies input in; false when none is waiting. */
function feed() {
  const next = inputs[0]
  if (!next) return false
  const [bytes, from] = next
  const n = Math.min(x.in_room(s), bytes.length - from)
  new Uint8Array(x.memory.buffer, x.in_ptr(s), n).set(bytes.subarray(from, from + n))
  x.add_input(s, n)
  if (from + n === bytes.length) {
    inputs.shift()
    parentPort.postMessage({ type: 'consumed', buffer: bytes.buffer }, [bytes.buffer])
  } else next[1] = from + n
  return true
}

/** Inflates as far as the input and the free slots allow. */
function run() {
  if (s === 0) return
  for (;;) {
    if (final) {
      // Every byte inflated goes out before the end or the error.
      while (x.out_used(s) > 0) if (!flush()) return
      parentPort.postMessage(final)
      x.stream_free(s)
      s = 0
      return
    }
    if (x.out_used(s) >= outSlotSize) {
      if (!flush()) return
      continue
    }
    const status = x.step(s)
    if (status === ST_OK) continue
    if (status === ST_NEED_INPUT) {
      if (feed()) continue
      if (inputEnded && !endGiven) {
        x.end_input(s)
        endGiven = true
        continue
      }
      return
    }
    if (status === ST_END) {
      // The stream ended: any input after it is junk; none, once the input has ended, is done.
      if (x.avail_in(s) > 0 || inputs.length > 0)
        final = { type: 'error', message: 'bytes after the end of the zlib stream' }
      else if (inputEnded) final = { type: 'done' }
      else return
      continue
    }
    final = {
      type: 'error',
      message:
        status === ST_TRUNCATED
          ? 'the zlib stream ends early (truncated)'
          : `invalid zlib data: ${message()}`,
    }
  }
}

parentPort.on('message', (m) => {
  if (m.type === 'start') start()
  else if (m.type === 'input') inputs.push([new Uint8Array(m.buffer, 0, m.n), 0])
  else if (m.type === 'end') inputEnded = true
  else if (m.type === 'free') free.push(m.buffer)
  run()
})
