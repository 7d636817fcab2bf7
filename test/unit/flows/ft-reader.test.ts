import { describe, expect, it } from 'vitest'
import { FlowLimitError, FlowParseError } from '../../../src/flows/flow-errors'
import { openFtStream } from '../../../src/flows/ft-reader'
import { exportCsv, fixture, fixtureText, rng, streamOf } from './flow-test-helpers'

const VERSIONS = ['1', '5', '6', '7', '1005', ...Array.from({ length: 14 }, (_, i) => `8.${i + 1}`)]

async function failure(p: Promise<unknown>): Promise<FlowParseError> {
  try {
    await p
  } catch (err) {
    if (err instanceof FlowParseError) return err
    throw err
  }
  throw new Error('expected a FlowParseError')
}

describe('openFtStream', () => {
  for (const v of VERSIONS) {
    it(`decodes the v${v} test vector to flow-export -f 2's CSV exactly`, async () => {
      const bytes = fixture(`versions/flowgen-v${v}-20.ft`)
      const csv = await exportCsv(streamOf(bytes))
      expect(csv).toBe(fixtureText(`expected/versions/v${v}/export-f2.csv`))
    })
  }

  it('gives identical output for 1-byte chunks and random splits', async () => {
    for (const name of ['versions/flowgen-v8.5-20.ft', 'versions/random-v5-1k.big.z9.ft']) {
      const bytes = fixture(name)
      const whole = await exportCsv(streamOf(bytes), { batchSize: 7 })
      expect(await exportCsv(streamOf(bytes, [1]), { batchSize: 7 })).toBe(whole)
      const r = rng(42)
      const sizes = Array.from({ length: 50 }, () => Math.floor(r() * 200))
      expect(await exportCsv(streamOf(bytes, sizes), { batchSize: 5 })).toBe(whole)
    }
  }, 30_000)

  it('decodes big-endian and little-endian, compressed or not, to the same flows', async () => {
    const big = await exportCsv(streamOf(fixture('versions/random-v5-1k.big.z9.ft')))
    const little = await exportCsv(streamOf(fixture('versions/random-v5-1k.little.z1.ft')))
    const plain = await exportCsv(streamOf(fixture('random-v5-1k.z.ft')))
    expect(big.split('\n')).toHaveLength(1002)
    expect(big).toBe(little)
    expect(big).toBe(plain)
  })

  it('reports header facts of a closed file', async () => {
    const file = await openFtStream(streamOf(fixture('seed-all.z.ft')))
    expect(file.header).toMatchObject({
      byteOrder: 'little',
      streamVersion: 3,
      dVersion: 5,
      compressed: true,
      final: true,
      capStart: 1289174481,
      capEnd: 1289346946,
      flowCount: 1328,
      flowsLost: 0,
    })
    let n = 0
    for await (const b of file.batches) n += b.length
    expect(n).toBe(1328)
    expect(file.stats.flows).toBe(1328)
  })

  it('reads v8 aggregation and comments from a streaming header', async () => {
    const file = await openFtStream(streamOf(fixture('versions/flowgen-v8.3-20.ft')))
    expect(file.header).toMatchObject({ dVersion: 8, aggVersion: 2, aggMethod: 3, streaming: true })
    expect(file.header.comments).toBe('flow-gen')
    expect(file.header.hostname).toBe('flow-gen')
  })

  it('rejects an empty file, a wrong magic and unknown versions with offsets', async () => {
    expect((await failure(exportCsv(streamOf(new Uint8Array(0))))).code).toBe('empty_file')
    const csv = new TextEncoder().encode('#:unix_secs\n1\n')
    const bad = await failure(exportCsv(streamOf(csv)))
    expect([bad.code, bad.offset]).toEqual(['bad_magic', 0])
    const v5 = fixture('versions/flowgen-v5-20.ft')
    const sv2 = v5.slice()
    sv2[3] = 2
    const e2 = await failure(exportCsv(streamOf(sv2)))
    expect([e2.code, e2.offset]).toEqual(['unsupported_stream_version', 3])
    const v9 = v5.slice()
    v9[12] = 9 // EX_VER value (LE uint16 at offset 12)
    const e9 = await failure(exportCsv(streamOf(v9)))
    expect([e9.code, e9.offset]).toEqual(['unsupported_version', 12])
    expect(e9.message).toContain('unsupported record version 9')
  })

  it('fails at every truncation point of a small file, never a silent partial result', async () => {
    const bytes = fixture('versions/flowgen-v5-20.ft')
    const full = await exportCsv(streamOf(bytes))
    const headerLength = new DataView(bytes.buffer).getUint32(4, true)
    for (let cut = 0; cut < bytes.length; cut++) {
      const prefix = bytes.slice(0, cut)
      const complete = cut >= headerLength && (cut - headerLength) % 64 === 0
      if (complete) {
        const csv = await exportCsv(streamOf(prefix, [61]))
        expect(full.startsWith(csv)).toBe(true)
        continue
      }
      const err = await failure(exportCsv(streamOf(prefix, [61])))
      const expected =
        cut === 0 ? 'empty_file' : cut < headerLength ? 'truncated_header' : 'truncated_record'
      expect(err.code, `cut at ${cut}`).toBe(expected)
      if (expected === 'truncated_record') {
        expect(err.offset).toBe(headerLength + Math.floor((cut - headerLength) / 64) * 64)
      }
    }
    // ~1,300 decodes in 3-byte chunks: seconds on a busy 2-core machine
  }, 60_000)

  it('fails on a truncated zlib stream unless a partial result is asked for', async () => {
    const bytes = fixture('versions/random-v5-1k.z.truncated.ft')
    const err = await failure(exportCsv(streamOf(bytes)))
    expect(['corrupt_zlib', 'truncated_record']).toContain(err.code)
    const file = await openFtStream(streamOf(bytes), { allowPartial: true })
    let n = 0
    for await (const b of file.batches) n += b.length
    // flow-tools recovers 594 flows from this 20,000-byte prefix, then warns.
    expect(n).toBe(594)
    expect(file.stats.truncated?.message).toMatch(/after 594 complete records|594 complete records/)
  })

  it('turns corrupt bytes into errors or flows, never a crash', async () => {
    const bytes = fixture('random-v5-1k.z.ft')
    const r = rng(7)
    for (let k = 0; k < 40; k++) {
      const copy = bytes.slice()
      for (let j = 0; j < 3; j++) {
        const at = Math.floor(r() * copy.length)
        copy[at] = Math.floor(r() * 256)
      }
      try {
        await exportCsv(streamOf(copy, [4096]))
      } catch (err) {
        expect(err).toBeInstanceOf(FlowParseError)
      }
    }
  })

  it('stops a decompression bomb at the inflate limit', async () => {
    const seed = fixture('seed-all.z.ft')
    const header = seed.slice(0, new DataView(seed.buffer).getUint32(4, true))
    const zeros = new Uint8Array(8 * 1024 * 1024)
    const bomb = await new Response(
      new Blob([zeros]).stream().pipeThrough(new CompressionStream('deflate')),
    ).bytes()
    const file = new Uint8Array(header.length + bomb.length)
    file.set(header)
    file.set(bomb, header.length)
    expect(bomb.length).toBeLessThan(20_000)
    await expect(
      exportCsv(streamOf(file), { maxInflatedBytes: 1024 * 1024 }),
    ).rejects.toBeInstanceOf(FlowLimitError)
    await expect(exportCsv(streamOf(file), { maxFlows: 1000 })).rejects.toThrow(
      /more than 1000 flows/,
    )
  })
})
