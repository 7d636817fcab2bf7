import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { checkFtFile, inflatedLimit } from '../../../../src/flows/archive/file-check'
import { createFlowBatch, type FlowBatch } from '../../../../src/flows/flow-batch'
import { FlowLimitError, FlowParseError } from '../../../../src/flows/flow-errors'
import { ftFileStream } from '../../../../src/flows/ft-writer'
import { findLayout } from '../../../../src/flows/record-layouts'
import { wasmInflater } from '../../../../src/flows/wasm-inflater'

const inflater = wasmInflater(
  new WebAssembly.Module(
    readFileSync(new URL('../../../../wasm/inflate/inflate.wasm', import.meta.url)),
  ),
)

/** A v5 file of `flows` varied records; `done` closes it (flow count `counted`, default flows). */
async function ftFile(opts: {
  flows: number
  compress: boolean
  closed: boolean
  counted?: number
}): Promise<Uint8Array> {
  const layout = findLayout(5)
  if (!layout) throw new Error('no v5 layout')
  async function* batches(): AsyncGenerator<FlowBatch> {
    const b = createFlowBatch(opts.flows)
    b.length = opts.flows
    for (let i = 0; i < opts.flows; i++) {
      b.cols.unix_secs[i] = 1289260800 + i
      b.cols.srcaddr[i] = (0x0a000000 + i * 2654435761) >>> 0
      b.cols.dstaddr[i] = (0xc0a80000 + i * 40503) >>> 0
      b.cols.dpkts[i] = 1 + (i % 17)
      b.cols.doctets[i] = (i * 7919) % 1500
      b.cols.dstport[i] = (i * 31) % 65536
    }
    yield b
  }
  const stream = ftFileStream(
    {
      layout,
      byteOrder: 'little',
      compress: opts.compress,
      ...(opts.closed
        ? {
            done: {
              capStart: 1289260800,
              capEnd: 1289261100,
              flowCount: opts.counted ?? opts.flows,
            },
          }
        : {}),
    },
    batches(),
  )
  return new Uint8Array(await new Response(stream).arrayBuffer())
}

function streamOf(bytes: Uint8Array, size = 4096): ReadableStream<Uint8Array> {
  let at = 0
  return new ReadableStream({
    pull(c) {
      if (at >= bytes.length) c.close()
      else {
        c.enqueue(bytes.slice(at, at + size))
        at += size
      }
    },
  })
}

const check = (bytes: Uint8Array, limits = {}) => checkFtFile(streamOf(bytes), { inflater, limits })

async function failure(p: Promise<unknown>): Promise<FlowParseError | FlowLimitError> {
  try {
    await p
  } catch (err) {
    if (err instanceof FlowParseError || err instanceof FlowLimitError) return err
    throw err
  }
  throw new Error('expected the check to fail')
}

describe('checkFtFile', () => {
  it('counts the records of a closed file and its flow times, compressed or not, with no warning', async () => {
    for (const compress of [false, true]) {
      const file = await ftFile({ flows: 3000, compress, closed: true })
      // Flow i starts and ends at 1289260800 + i (no uptime offsets in these records).
      expect(await check(file)).toEqual({
        flows: 3000,
        warnings: [],
        flowTimes: { firstStartMs: 1289260800_000, lastEndMs: (1289260800 + 2999) * 1000 },
      })
    }
  })

  it('refuses a closed compressed file with a damaged zlib stream, naming the offset', async () => {
    const file = await ftFile({ flows: 3000, compress: true, closed: true })
    const damaged = file.slice()
    const at = Math.floor(file.length / 2)
    for (let i = at; i < at + 64; i++) damaged[i] = (damaged[i] as number) ^ 0x5a
    const err = await failure(check(damaged))
    expect(err).toBeInstanceOf(FlowParseError)
    expect((err as FlowParseError).code).toBe('corrupt_zlib')
    expect((err as FlowParseError).extra.cut).toBeUndefined()
    expect((err as FlowParseError).offset).toBeGreaterThan(0)
  })

  it('refuses a closed file cut short, compressed or not', async () => {
    for (const compress of [false, true]) {
      const file = await ftFile({ flows: 3000, compress, closed: true })
      const err = await failure(check(file.subarray(0, file.length - 30)))
      expect((err as FlowParseError).code).toBe(compress ? 'corrupt_zlib' : 'truncated_record')
    }
  })

  it('takes an open file cut at its end, with a warning, compressed or not', async () => {
    for (const compress of [false, true]) {
      const file = await ftFile({ flows: 3000, compress, closed: false })
      const result = await check(file.subarray(0, file.length - 30))
      expect(result.flows).toBeGreaterThan(2000)
      expect(result.flows).toBeLessThan(3000)
      expect(result.warnings).toHaveLength(1)
      expect(result.warnings[0]).toMatch(/open .* cut short after \d+ whole records/)
    }
  })

  it('refuses an open file damaged before its end', async () => {
    const file = await ftFile({ flows: 3000, compress: true, closed: false })
    const damaged = file.slice()
    const at = Math.floor(file.length / 3)
    for (let i = at; i < at + 64; i++) damaged[i] = (damaged[i] as number) ^ 0xa5
    const err = await failure(check(damaged))
    expect((err as FlowParseError).code).toBe('corrupt_zlib')
  })

  it('refuses a closed file that holds fewer or more records than its header counts', async () => {
    for (const compress of [false, true]) {
      // Fewer: a file cut at a record boundary, or a multipart upload that left a part out.
      const fewer = await failure(
        check(await ftFile({ flows: 100, compress, closed: true, counted: 120 })),
      )
      expect(fewer).toBeInstanceOf(FlowParseError)
      expect((fewer as FlowParseError).code).toBe('truncated_record')
      expect(fewer.message).toMatch(/counts 120 flows, the file holds 100/)
      expect((fewer as FlowParseError).extra).toMatchObject({ flowsRead: 100, inflated: compress })
      const more = await failure(
        check(await ftFile({ flows: 100, compress, closed: true, counted: 80 })),
      )
      expect((more as FlowParseError).code).toBe('bad_header')
      expect(more.message).toMatch(/counts 80 flows, the file holds 100/)
    }
  })

  it('finds the earliest flow start of a seed file before its capture start', async () => {
    const bytes = readFileSync(
      new URL(
        '../../../fixtures/flows/seed/2010-11-09/ft-v05.2010-11-09.060000+0000',
        import.meta.url,
      ),
    )
    const result = await check(new Uint8Array(bytes))
    // The IRC flow 189.22.36.165:60702 -> 208.83.20.130:6667 started 05:55:41; capture 06:01:18.
    expect(result.flowTimes?.firstStartMs).toBeLessThanOrEqual(Date.parse('2010-11-09T05:55:41Z'))
    expect(result.flowTimes?.lastEndMs).toBeGreaterThan(Date.parse('2010-11-09T06:00:00Z'))
  })

  it('refuses a file that inflates past the limit (a decompression bomb)', async () => {
    const file = await ftFile({ flows: 3000, compress: true, closed: true })
    const err = await failure(check(file, { maxInflatedBytes: 64 * 1000 }))
    expect(err).toBeInstanceOf(FlowLimitError)
    expect((err as FlowLimitError).code).toBe('too_many_inflated_bytes')
  })

  it('scales the decompression-bomb limit with the file: 50 times, 64 MiB at least, 20 GiB at most', () => {
    expect(inflatedLimit(1000)).toBe(64 * 1024 * 1024)
    expect(inflatedLimit(100_000_000)).toBe(5_000_000_000)
    expect(inflatedLimit(5_000_000_000)).toBe(20 * 1024 * 1024 * 1024)
  })
})
