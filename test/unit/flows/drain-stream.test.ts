import { describe, expect, it } from 'vitest'
import { chunkReader, drainStream } from '../../../src/flows/chunk-reader'

/** A byte stream of `n` bytes in 10 KiB pieces that counts what was pulled from it. */
function counted(n: number) {
  const state = { pulled: 0, cancelled: false }
  const stream = new ReadableStream<Uint8Array>({
    type: 'bytes',
    pull(c) {
      // A byte stream's controller; the lib types give the union.
      const controller = c as unknown as ReadableByteStreamController
      const size = Math.min(10 * 1024, n - state.pulled)
      if (size === 0) {
        controller.close()
        controller.byobRequest?.respond(0)
        return
      }
      controller.enqueue(new Uint8Array(size).fill(7))
      state.pulled += size
    },
    cancel() {
      state.cancelled = true
    },
  })
  return { stream, state }
}

describe('drainStream', () => {
  it('reads a stream nobody opened to its end', async () => {
    const { stream, state } = counted(300_000)
    await drainStream(stream, 1_000_000)
    expect(state.pulled).toBe(300_000)
    expect(state.cancelled).toBe(false)
  })

  it('reads the rest through the reader chunkReader opened (the stream is locked by it)', async () => {
    const { stream, state } = counted(300_000)
    const reader = chunkReader(stream)
    const first = await reader.read()
    expect(first?.length).toBeGreaterThan(0)
    expect(stream.locked).toBe(true)
    await drainStream(stream, 1_000_000)
    expect(state.pulled).toBe(300_000)
    expect(await reader.read()).toBeUndefined()
  })

  it('stops and cancels past maxBytes', async () => {
    const { stream, state } = counted(5_000_000)
    await drainStream(stream, 200_000)
    expect(state.cancelled).toBe(true)
    expect(state.pulled).toBeLessThan(400_000)
  })

  it('gives up on a stream that stalls, and on one that trickles past the total time', async () => {
    // 20 KiB, then nothing: the drain must not hold the answer open.
    let cancelled = false
    const stalled = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(new Uint8Array(20 * 1024))
      },
      pull: () => new Promise<void>(() => {}),
      cancel() {
        cancelled = true
      },
    })
    const t0 = Date.now()
    await drainStream(stalled, 1_000_000, { idleMs: 100, totalMs: 10_000 })
    expect(Date.now() - t0).toBeLessThan(2_000)
    expect(cancelled).toBe(true)
    // 1 KiB every 20 ms, forever: the idle limit never trips, the total one does.
    let pieces = 0
    const trickle = new ReadableStream<Uint8Array>({
      async pull(c) {
        await new Promise((r) => setTimeout(r, 20))
        pieces++
        c.enqueue(new Uint8Array(1024))
      },
    })
    const t1 = Date.now()
    await drainStream(trickle, 1_000_000_000, { idleMs: 1_000, totalMs: 300 })
    expect(Date.now() - t1).toBeLessThan(2_000)
    expect(pieces).toBeGreaterThan(3)
  })

  it('never throws: an erroring stream or one locked by another reader is left as it is', async () => {
    const failing = new ReadableStream<Uint8Array>({
      pull() {
        throw new Error('connection reset')
      },
    })
    await expect(drainStream(failing, 1000)).resolves.toBeUndefined()
    const { stream, state } = counted(50_000)
    stream.getReader()
    await expect(drainStream(stream, 1_000_000)).resolves.toBeUndefined()
    expect(state.pulled).toBeLessThanOrEqual(10 * 1024)
  })
})
