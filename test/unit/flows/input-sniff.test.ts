import { describe, expect, it } from 'vitest'
import { MIN_PULL_BYTES } from '../../../src/flows/chunk-reader'
import { peekedReader } from '../../../src/flows/ft-reader'
import { peekStream, sniffFormat } from '../../../src/flows/input-sniff'
import { byteStreamOf, exportCsv, fixture, rng, streamOf } from './flow-test-helpers'

async function chunksOf(stream: ReadableStream<Uint8Array>): Promise<Uint8Array[]> {
  const out: Uint8Array[] = []
  const reader = stream.getReader()
  for (let r = await reader.read(); !r.done; r = await reader.read()) out.push(r.value)
  return out
}

describe('peekStream', () => {
  const r = rng(7)
  const bytes = Uint8Array.from({ length: 300_000 }, () => Math.floor(r() * 256))

  it('joins a byte stream of 4 KiB pieces into reads of at least 64 KiB, every byte kept', async () => {
    const { stream, stats } = byteStreamOf(bytes, [4096, 100, 4096])
    const { head, stream: whole } = await peekStream(stream, 6)
    expect(head.length).toBeGreaterThanOrEqual(6)
    expect(head).toEqual(bytes.subarray(0, head.length))
    const chunks = await chunksOf(whole)
    expect(Buffer.concat(chunks)).toEqual(Buffer.from(bytes))
    // The replayed head, whole reads, and the last read cut short by the end of the stream.
    for (const c of chunks.slice(1, -1)) expect(c.length).toBeGreaterThanOrEqual(MIN_PULL_BYTES)
    expect(chunks.length).toBeLessThanOrEqual(2 + Math.ceil(bytes.length / MIN_PULL_BYTES))
    expect(stats.byob).toBeGreaterThan(chunks.length)
  })

  it('keeps the bytes of a read the end of the stream cut short', async () => {
    for (const size of [0, 1, 5, 6, 7, 5000, MIN_PULL_BYTES + 1]) {
      const { stream } = byteStreamOf(bytes.slice(0, size), [1000])
      const { head, stream: whole } = await peekStream(stream, 6)
      expect(head.length).toBeGreaterThanOrEqual(Math.min(size, 6))
      expect(head).toEqual(bytes.subarray(0, head.length))
      expect(Buffer.concat(await chunksOf(whole))).toEqual(Buffer.from(bytes.subarray(0, size)))
    }
  })

  it('passes the pieces on as they come with minRead 1 (a partial result), and reads other streams', async () => {
    const { stream } = byteStreamOf(bytes, [4096])
    const pieces = await chunksOf((await peekStream(stream, 6, { minRead: 1 })).stream)
    expect(Math.max(...pieces.map((c) => c.length))).toBe(4096)
    expect(Buffer.concat(pieces)).toEqual(Buffer.from(bytes))
    const plain = await chunksOf((await peekStream(streamOf(bytes, [333]), 6)).stream)
    expect(Buffer.concat(plain)).toEqual(Buffer.from(bytes))
  })
})

describe('sniffFormat', () => {
  it('knows each input format by its first bytes', () => {
    const enc = (t: string) => new TextEncoder().encode(t)
    expect(sniffFormat(Uint8Array.of(0xcf, 0x10, 1, 3))).toBe('ft')
    expect(sniffFormat(enc('#: unix_secs'))).toBe('flow-export-csv')
    expect(sniffFormat(enc('srcIP  dstIP'))).toBe('flow-print')
    expect(sniffFormat(enc('ts,te,td'))).toBe('nfdump-csv')
    expect(sniffFormat(enc('hello'))).toBeUndefined()
  })

  it('looks past a UTF-8 byte order mark in front of text', () => {
    const bom = (t: string) => new TextEncoder().encode(`\ufeff${t}`)
    expect(bom('ts,te,td')[0]).toBe(0xef)
    expect(sniffFormat(bom('ts,te,td'))).toBe('nfdump-csv')
    expect(sniffFormat(bom('#:unix_secs'))).toBe('flow-export-csv')
    expect(sniffFormat(bom('srcIP  dstIP'))).toBe('flow-print')
  })
})

describe('the ft reader on a peeked byte stream', () => {
  // Any bytes will do for the reads (a request body several reads long).
  const r = rng(3)
  const bytes = Uint8Array.from({ length: 1_000_000 }, () => Math.floor(r() * 256))

  it("reads the rest into its own buffers, reused in turn: each read takes the last chunk's memory", async () => {
    const { stream, stats } = byteStreamOf(bytes, [4096])
    const { head, peeked } = await peekStream(stream, 6)
    const input = peekedReader(peeked)
    expect(await input.read(1)).toEqual(head)
    const a = (await input.read(1)) as Uint8Array
    expect(a.length).toBeGreaterThan(0)
    const b = (await input.read(1)) as Uint8Array
    // `a`'s buffer went into the read of `b` (transferred, so detached here): no new buffer.
    expect(a.byteLength).toBe(0)
    expect(b.byteLength).toBeGreaterThan(0)
    expect(stats.byob).toBeGreaterThan(2)
  })

  it('gives every chunk a buffer of its own when asked to (an inflater that keeps chunks)', async () => {
    const { stream } = byteStreamOf(bytes, [4096])
    const { peeked } = await peekStream(stream, 6)
    const input = peekedReader(peeked)
    await input.read(0)
    const a = (await input.read(0)) as Uint8Array
    const copy = a.slice()
    await input.read(0)
    expect(a).toEqual(copy)
  })

  it('decodes the same flows through the peeked stream as through the stream itself', async () => {
    for (const path of ['random-v5-1k.ft', 'random-v5-1k.z.ft', 'seed-all.z.ft']) {
      const file = fixture(path)
      const whole = await exportCsv(streamOf(file))
      const { peeked } = await peekStream(byteStreamOf(file, [777, 5000]).stream, 6)
      expect(await exportCsv(peeked), path).toBe(whole)
    }
  })
})
