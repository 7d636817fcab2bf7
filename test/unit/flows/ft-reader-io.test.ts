import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { nodeZlibInflater } from '../../../bench/node-inflater'
import { threadInflater } from '../../../bench/thread-inflater'
import type { FlowBatch } from '../../../src/flows/flow-batch'
import { FlowLimitError, FlowParseError } from '../../../src/flows/flow-errors'
import { openFtStream } from '../../../src/flows/ft-reader'
import { ftFileStream } from '../../../src/flows/ft-writer'
import { decompressionStreamInflater, type Inflater } from '../../../src/flows/inflater'
import { findLayout } from '../../../src/flows/record-layouts'
import { wasmInflater } from '../../../src/flows/wasm-inflater'
import { byteStreamOf, exportCsv, fixture, fixtureText, rng, streamOf } from './flow-test-helpers'

const WASM = wasmInflater(
  new WebAssembly.Module(
    readFileSync(new URL('../../../wasm/inflate/inflate.wasm', import.meta.url)),
  ),
)

const THREAD = {
  workerUrl: new URL('../../../bench/inflate-thread.mjs', import.meta.url),
  wasmUrl: new URL('../../../wasm/inflate/inflate.wasm', import.meta.url),
}

const INFLATERS: [string, Inflater][] = [
  ['DecompressionStream', decompressionStreamInflater],
  ['zlib in WebAssembly', WASM],
  ['node:zlib', nodeZlibInflater()],
  ['node:zlib with 1 KiB output chunks', nodeZlibInflater(1024)],
  ['the WebAssembly inflate on a thread', threadInflater(THREAD)],
  [
    'the WebAssembly inflate on a thread, small slots',
    threadInflater({
      ...THREAD,
      outSlotSize: 64 * 1024,
      outSlots: 2,
      inSlotSize: 1000,
      inSlots: 2,
    }),
  ],
]

describe('openFtStream inflaters and readers', () => {
  for (const [name, inflater] of INFLATERS) {
    it(`decodes compressed files exactly with ${name}, from any stream and any split`, async () => {
      for (const path of ['versions/random-v5-1k.big.z9.ft', 'random-v5-1k.z.ft']) {
        const bytes = fixture(path)
        const whole = await exportCsv(streamOf(bytes))
        const r = rng(9)
        const sizes = Array.from({ length: 40 }, () => 1 + Math.floor(r() * 3000))
        expect(await exportCsv(streamOf(bytes, sizes), { inflater, batchSize: 5 })).toBe(whole)
        expect(await exportCsv(byteStreamOf(bytes, sizes).stream, { inflater })).toBe(whole)
        expect(await exportCsv(byteStreamOf(bytes, [1]).stream, { inflater })).toBe(whole)
      }
      const seed = await exportCsv(byteStreamOf(fixture('seed-all.z.ft'), [777]).stream, {
        inflater,
      })
      expect(seed).toBe(fixtureText('expected/seed-all.z/export-f2.csv'))
    }, 30_000)

    it(`keeps limit errors and reports corrupt zlib with ${name}`, async () => {
      const bytes = fixture('random-v5-1k.z.ft')
      const big = exportCsv(byteStreamOf(bytes, [1000]).stream, { inflater, maxBytes: 10_000 })
      await expect(big).rejects.toBeInstanceOf(FlowLimitError)
      const truncated = fixture('versions/random-v5-1k.z.truncated.ft')
      const err = await exportCsv(streamOf(truncated), { inflater }).catch((e: unknown) => e)
      expect(err).toBeInstanceOf(FlowParseError)
      const broken = bytes.slice()
      broken.fill(0x55, 2000, 2100)
      await expect(exportCsv(streamOf(broken, [4096]), { inflater })).rejects.toBeInstanceOf(
        FlowParseError,
      )
    })
  }

  it('reads an uncompressed byte stream with BYOB reads into one reused buffer', async () => {
    const bytes = fixture('versions/flowgen-v5-20.ft')
    const whole = await exportCsv(streamOf(bytes))
    const { stream, stats } = byteStreamOf(bytes, [61])
    expect(await exportCsv(stream, { batchSize: 3 })).toBe(whole)
    expect(stats.byob).toBeGreaterThan(10)
    expect([...stats.buffers]).toEqual([256 * 1024])
  })

  it('stops a threaded inflate early when the consumer stops, and starts the next stream', async () => {
    const inflater = threadInflater(THREAD)
    const file = await openFtStream(streamOf(fixture('random-v5-1k.z.ft'), [500]), {
      inflater,
      batchSize: 10,
    })
    for await (const b of file.batches) {
      expect(b.length).toBe(10)
      break
    }
    expect(file.stats.flows).toBeLessThan(1000)
    // Two streams at once (one thread each), then one more on a thread kept from them.
    const whole = await exportCsv(streamOf(fixture('random-v5-1k.z.ft')))
    const both = await Promise.all([
      exportCsv(streamOf(fixture('random-v5-1k.z.ft'), [300]), { inflater }),
      exportCsv(streamOf(fixture('random-v5-1k.z.ft'), [7000]), { inflater }),
    ])
    expect(both).toEqual([whole, whole])
    expect(await exportCsv(streamOf(fixture('random-v5-1k.z.ft')), { inflater })).toBe(whole)
  })

  it('stops a node:zlib inflate early when the consumer stops', async () => {
    const file = await openFtStream(streamOf(fixture('random-v5-1k.z.ft'), [500]), {
      inflater: nodeZlibInflater(),
      batchSize: 10,
    })
    for await (const b of file.batches) {
      expect(b.length).toBe(10)
      break
    }
    expect(file.stats.flows).toBeLessThan(1000)
  })

  it('sizes the batch from the header flow count, and grows past a count that is too low', async () => {
    const one = await openFtStream(streamOf(fixture('seed-all.z.ft')))
    for await (const b of one.batches) expect(b.cols.srcaddr.length).toBe(1328)
    const layout = findLayout(5)
    if (!layout) throw new Error('no v5 layout')
    async function* copies(): AsyncGenerator<FlowBatch> {
      const f = await openFtStream(streamOf(fixture('seed-all.z.ft')))
      yield* f.batches
    }
    const lying = ftFileStream(
      {
        layout,
        byteOrder: 'little',
        compress: false,
        done: { capStart: 0, capEnd: 0, flowCount: 100 },
      },
      copies(),
    )
    const file = await openFtStream(lying)
    const sizes: number[] = []
    for await (const b of file.batches) sizes.push(b.cols.srcaddr.length, b.length)
    expect(sizes).toEqual([100, 100, 4096, 1228])
  })

  it('decodes the same flows from chunks at every byte alignment (typed-array or DataView path)', async () => {
    for (const path of ['random-v5-1k.z.ft', 'versions/random-v5-1k.big.z9.ft']) {
      const whole = await exportCsv(streamOf(fixture(path)))
      // The same records uncompressed, in chunks whose byteOffset is 0, 1, 2 or 3 mod 4.
      const layout = findLayout(5)
      if (!layout) throw new Error('no v5 layout')
      async function* copies(): AsyncGenerator<FlowBatch> {
        yield* (await openFtStream(streamOf(fixture(path)))).batches
      }
      const plain = await new Response(
        ftFileStream(
          { layout, byteOrder: path.includes('big') ? 'big' : 'little', compress: false },
          copies(),
        ),
      ).bytes()
      for (let shift = 0; shift < 4; shift++) {
        const stream = new ReadableStream<Uint8Array>({
          start(controller) {
            for (let at = 0; at < plain.length; at += 6400 + shift) {
              const piece = plain.subarray(at, at + 6400 + shift)
              const padded = new Uint8Array(piece.length + shift)
              padded.set(piece, shift)
              controller.enqueue(padded.subarray(shift))
            }
            controller.close()
          },
        })
        expect(await exportCsv(stream), `${path}, shift ${shift}`).toBe(whole)
      }
    }
  })
})
