import { readFileSync } from 'node:fs'
import { deflateSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { wasmInflater } from '../../../src/flows/wasm-inflater'
import { rng } from './flow-test-helpers'

const inflater = wasmInflater(
  new WebAssembly.Module(
    readFileSync(new URL('../../../wasm/inflate/inflate.wasm', import.meta.url)),
  ),
)

async function* pieces(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  // One buffer read into again and again, as the reader does (chunksHeld 0).
  const buffer = new Uint8Array(size)
  for (let at = 0; at < bytes.length; at += size) {
    const n = Math.min(size, bytes.length - at)
    buffer.set(bytes.subarray(at, at + n))
    yield buffer.subarray(0, n)
  }
}

/** Inflates; returns the chunks' lengths, the bytes and the error, if any. */
async function run(compressed: Uint8Array, size = 1000) {
  const lengths: number[] = []
  const out: number[] = []
  let error: unknown
  try {
    for await (const chunk of inflater.inflate(pieces(compressed, size))) {
      lengths.push(chunk.length)
      for (const b of chunk) out.push(b)
    }
  } catch (err) {
    error = err
  }
  return { lengths, bytes: Uint8Array.from(out), error }
}

describe('wasmInflater', () => {
  const r = rng(21)
  // Half text-like, half random: about 2:1 like ft records.
  const plain = Uint8Array.from({ length: 700_000 }, (_, i) =>
    i % 2 === 0 ? 65 + (i % 7) : Math.floor(r() * 256),
  )
  const z = new Uint8Array(deflateSync(plain))

  it('inflates in whole 256 KiB chunks and a short last one, from any input split', async () => {
    for (const size of [1, 777, 64 * 1024, z.length]) {
      const got = await run(z, size)
      expect(got.error).toBeUndefined()
      expect(got.bytes).toEqual(plain)
      expect(got.lengths.slice(0, -1).every((n) => n === 256 * 1024)).toBe(true)
    }
  })

  it('gives what it inflated before the damage, then the error', async () => {
    const cut = await run(z.subarray(0, Math.floor(z.length / 2)))
    expect(String(cut.error)).toMatch(/ends early/)
    expect(cut.bytes.length).toBeGreaterThan(300_000)
    expect(cut.bytes).toEqual(plain.subarray(0, cut.bytes.length))

    const bad = z.slice()
    bad.fill(0xff, 100_000, 100_100)
    const corrupt = await run(bad)
    expect(String(corrupt.error)).toMatch(/invalid zlib data/)
    expect(corrupt.bytes).toEqual(plain.subarray(0, corrupt.bytes.length))

    // Junk after a whole stream: everything inflated comes out before the error, whether the
    // junk shares the stream's last chunk or comes in a chunk of its own.
    for (const size of [z.length + 3, z.length, 4096]) {
      const junk = await run(Uint8Array.from([...z, 1, 2, 3]), size)
      expect(String(junk.error), String(size)).toMatch(/after the end of the zlib stream/)
      expect(junk.bytes, String(size)).toEqual(plain)
    }
  })

  it('keeps streams apart when two requests inflate at once in one instance', async () => {
    const other = Uint8Array.from(plain, (b) => b ^ 0x5a)
    const [a, b] = await Promise.all([run(z, 4096), run(new Uint8Array(deflateSync(other)), 3000)])
    expect(a.bytes).toEqual(plain)
    expect(b.bytes).toEqual(other)
  })
})
