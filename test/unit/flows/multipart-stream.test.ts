import { describe, expect, it } from 'vitest'
import { FlowLimitError } from '../../../src/flows/flow-errors'
import {
  byteFinder,
  MultipartError,
  multipartBoundary,
  splitMultipart,
} from '../../../src/flows/multipart-stream'
import { byteStreamOf, rng, streamOf } from './flow-test-helpers'

async function encode(form: FormData): Promise<{ bytes: Uint8Array; boundary: string }> {
  const req = new Request('http://x/', { method: 'POST', body: form })
  const boundary = multipartBoundary(req.headers.get('content-type') ?? '')
  if (!boundary) throw new Error('no boundary')
  return { bytes: new Uint8Array(await req.arrayBuffer()), boundary }
}

async function parts(bytes: Uint8Array, boundary: string, sizes: number[], byteStream = false) {
  const out: { name: string; filename: string | undefined; body: Uint8Array }[] = []
  const stream = byteStream ? byteStreamOf(bytes, sizes).stream : streamOf(bytes, sizes)
  for await (const p of splitMultipart(stream, boundary)) {
    out.push({ name: p.name, filename: p.filename, body: await new Response(p.body).bytes() })
  }
  return out
}

describe('splitMultipart', () => {
  it('gives every part whole, whatever the chunking', async () => {
    const r = rng(3)
    const a = Uint8Array.from({ length: 5000 }, () => Math.floor(r() * 256))
    // Bytes that look like the start of a boundary must pass through untouched.
    const b = new TextEncoder().encode('\r\n--not-the-boundary\r\n\r\n--')
    const form = new FormData()
    form.append('filter.cfg', 'filter-primitive x\n')
    form.append('f', new Blob([a]), 'a.ft')
    form.append('g', new Blob([b]), 'b.ft')
    const { bytes, boundary } = await encode(form)
    const splits = [[bytes.length], [1], [7, 1, 64, 3], [Math.floor(r() * 100) + 1, 13]]
    // A byte stream is read in after the unread tail of the last read: the same parts.
    for (const [sizes, byteStream] of splits.flatMap((s) => [
      [s, false] as const,
      [s, true] as const,
    ])) {
      const got = await parts(bytes, boundary, sizes, byteStream)
      expect(got.map((p) => [p.name, p.filename])).toEqual([
        ['filter.cfg', undefined],
        ['f', 'a.ft'],
        ['g', 'b.ft'],
      ])
      // FormData normalises newlines in string values to CRLF (HTML form encoding).
      expect(new TextDecoder().decode(got[0]?.body)).toBe('filter-primitive x\r\n')
      expect(got[1]?.body).toEqual(a)
      expect(got[2]?.body).toEqual(b)
    }
  })

  it('reads a byte stream (a request body) in pieces of at least 64 KiB, or as they come', async () => {
    const r = rng(5)
    const a = Uint8Array.from({ length: 200_000 }, () => Math.floor(r() * 256))
    const form = new FormData()
    form.append('f', new Blob([a]), 'a.ft')
    form.append('g', new Blob(['tail']), 'g.ft')
    const { bytes, boundary } = await encode(form)
    for (const minRead of [undefined, 1]) {
      const { stream, stats } = byteStreamOf(bytes, [4096])
      const got: Uint8Array[][] = []
      for await (const p of splitMultipart(stream, boundary, minRead ? { minRead } : {})) {
        const chunks: Uint8Array[] = []
        const reader = p.body.getReader()
        for (let c = await reader.read(); !c.done; c = await reader.read()) chunks.push(c.value)
        got.push(chunks)
      }
      expect(Buffer.concat(got[0] ?? [])).toEqual(Buffer.from(a))
      expect(new TextDecoder().decode(Buffer.concat(got[1] ?? []))).toBe('tail')
      const largest = Math.max(...(got[0] ?? []).map((c) => c.length))
      // minRead 1 takes the default reader (the stream's own pieces); otherwise BYOB reads.
      if (minRead === 1) expect([largest, stats.byob]).toEqual([4096, 0])
      else expect(largest).toBeGreaterThanOrEqual(60 * 1024)
      if (minRead === undefined) expect(stats.byob).toBeGreaterThan(0)
    }
  })

  it('skips a part the consumer does not read', async () => {
    const form = new FormData()
    form.append('a', new Blob(['first']), 'a')
    form.append('b', new Blob(['second']), 'b')
    const { bytes, boundary } = await encode(form)
    const names: string[] = []
    let last = ''
    for await (const p of splitMultipart(streamOf(bytes, [5]), boundary)) {
      names.push(p.name)
      if (p.name === 'b') last = await new Response(p.body).text()
    }
    expect(names).toEqual(['a', 'b'])
    expect(last).toBe('second')
  })

  it('skips the rest of a part whose consumer gave up holding its lock, or cancelled it', async () => {
    // A reader that stops at a damaged file (partial=1) may keep the part's stream locked.
    const r = rng(5)
    const big = Uint8Array.from({ length: 200_000 }, () => Math.floor(r() * 256))
    for (const giveUp of ['keep the lock', 'cancel'] as const) {
      const form = new FormData()
      form.append('a', new Blob([big]), 'a')
      form.append('b', new Blob([big.subarray(0, 1000)]), 'b')
      const { bytes, boundary } = await encode(form)
      const seen: [string, number][] = []
      for await (const p of splitMultipart(byteStreamOf(bytes, [7000]).stream, boundary)) {
        if (p.name === 'a') {
          const reader = p.body.getReader()
          const first = await reader.read()
          expect(first.value?.length).toBeGreaterThan(0)
          if (giveUp === 'cancel') await reader.cancel()
          seen.push([p.name, -1])
        } else seen.push([p.name, (await new Response(p.body).bytes()).length])
      }
      expect(seen).toEqual([
        ['a', -1],
        ['b', 1000],
      ])
    }
  })

  it('fails on a body cut inside a part', async () => {
    const form = new FormData()
    form.append('a', new Blob(['x'.repeat(100)]), 'a')
    const { bytes, boundary } = await encode(form)
    const cut = bytes.slice(0, bytes.length - 30)
    await expect(parts(cut, boundary, [16])).rejects.toBeInstanceOf(MultipartError)
  })

  it('counts the whole body against maxBytes, parts and headers alike', async () => {
    const form = new FormData()
    form.append('a', new Blob(['x'.repeat(3000)]), 'a')
    form.append('b', new Blob(['y'.repeat(3000)]), 'b')
    const { bytes, boundary } = await encode(form)
    const read = async (maxBytes: number) => {
      const sizes: number[] = []
      for await (const p of splitMultipart(streamOf(bytes, [512]), boundary, { maxBytes })) {
        sizes.push((await new Response(p.body).bytes()).length)
      }
      return sizes
    }
    expect(await read(bytes.length)).toEqual([3000, 3000])
    // Over the limit inside the second part's body, and inside the first part's headers.
    for (const limit of [bytes.length - 1, 100]) {
      const err = await read(limit).catch((e: unknown) => e)
      expect(err).toBeInstanceOf(FlowLimitError)
      expect(err).toMatchObject({ code: 'too_many_bytes', limit })
    }
  })

  it('reads the boundary parameter, quoted or not', () => {
    expect(multipartBoundary('multipart/form-data; boundary=abc')).toBe('abc')
    expect(multipartBoundary('multipart/form-data; boundary="a b"')).toBe('a b')
    expect(multipartBoundary('application/octet-stream')).toBeUndefined()
  })
})

describe('byteFinder', () => {
  /** The first index of needle in hay at or after from, the slow obvious way. */
  function naive(hay: Uint8Array, needle: Uint8Array, from: number): number {
    outer: for (let i = from; i + needle.length <= hay.length; i++) {
      for (let k = 0; k < needle.length; k++) if (hay[i + k] !== needle[k]) continue outer
      return i
    }
    return -1
  }

  it('finds what a plain search finds: planted, overlapping, at either end, or nowhere', () => {
    const r = rng(11)
    const enc = new TextEncoder()
    const needles = [
      enc.encode('\r\n--------------------------d74496d66958873e'),
      enc.encode('\r\n--XyZ'),
      enc.encode('\r\n\r\n'),
      enc.encode('\n\n'),
      enc.encode('aab'),
      enc.encode('abab'),
      enc.encode('-'),
    ]
    let found = 0
    for (const needle of needles) {
      const find = byteFinder(needle)
      for (let round = 0; round < 300; round++) {
        // Few distinct bytes make near misses common: prefixes and suffixes of the needle.
        const alphabet = [...new Set(needle)].concat(round % 2 ? [0, 255] : [])
        const hay = Uint8Array.from(
          { length: Math.floor(r() * 200) },
          () => alphabet[Math.floor(r() * alphabet.length)] as number,
        )
        if (round % 3 === 0 && hay.length >= needle.length) {
          const at = Math.floor(r() * (hay.length - needle.length + 1))
          hay.set(needle, round % 9 === 0 ? 0 : round % 9 === 3 ? hay.length - needle.length : at)
        }
        const from = round % 4 === 0 ? Math.floor(r() * (hay.length + 1)) : 0
        const want = naive(hay, needle, from)
        expect(find(hay, from), `${needle} in ${hay} from ${from}`).toBe(want)
        if (want >= 0) found++
      }
    }
    // The haystacks are not all misses (the check could otherwise pass on a search that finds nothing).
    expect(found).toBeGreaterThan(500)
  })
})
