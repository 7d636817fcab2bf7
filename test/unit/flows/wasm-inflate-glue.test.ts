import { readFileSync } from 'node:fs'
import { constants, deflateSync, inflateSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import {
  type InflateExports,
  ST_END,
  ST_NEED_INPUT,
  ST_OK,
  ST_TRUNCATED,
} from '../../../src/flows/wasm-inflater'
import { rng } from './flow-test-helpers'

/*
 * wasm/inflate/inflate-glue.c driven through its exports: libdeflate's decoder a block at a time,
 * zlib from a block libdeflate cannot finish. node:zlib is the oracle: every stream any of its
 * settings writes inflates to the same bytes, from any input split, and libdeflate decodes it
 * all (zlib_took_over 0); a damaged or truncated stream hands out what zlib hands out before the
 * damage; blocks no zlib writes (larger than the glue's buffers) still inflate, through zlib.
 */

/** The exports the Worker uses, and those kept for the tests. */
type Glue = InflateExports & {
  stream_new_zlib_only(): number
  zlib_took_over(s: number): number
  block_tries(s: number): number
}

const glue = new WebAssembly.Instance(
  new WebAssembly.Module(
    readFileSync(new URL('../../../wasm/inflate/inflate.wasm', import.meta.url)),
  ),
  {},
).exports as unknown as Glue

/** Rounds of the damage test: FUZZ_ROUNDS=2000 for a longer search than CI's. */
const FUZZ_ROUNDS = Number(process.env.FUZZ_ROUNDS ?? 40)

type Result = {
  out: Uint8Array
  status: 'end' | 'truncated' | 'error'
  message: string
  zlibTookOver: boolean
  /** Blocks libdeflate was given, retries included. */
  tries: number
  left: number
}

/**
 * Inflates `z` given in pieces of `split` bytes, taking output in 256 KiB pieces; zlibOnly:
 * zlib from the first block on, the oracle (the same zlib the glue hands a block over to).
 */
function inflate(z: Uint8Array, split = 64 * 1024, zlibOnly = false, piece = 256 * 1024): Result {
  const x = glue
  const s = zlibOnly ? x.stream_new_zlib_only() : x.stream_new()
  const pieces: Uint8Array[] = []
  let size = 0
  const take = (all: boolean) => {
    while (x.out_used(s) >= piece || (all && x.out_used(s) > 0)) {
      const n = Math.min(x.out_used(s), piece)
      pieces.push(new Uint8Array(x.memory.buffer, x.out_ptr(s), n).slice())
      size += n
      x.out_taken(s, n)
    }
  }
  const finish = (status: number): Result => {
    take(true)
    const out = new Uint8Array(size)
    let at = 0
    for (const p of pieces) {
      out.set(p, at)
      at += p.length
    }
    const m = new Uint8Array(x.memory.buffer, x.message(s))
    const result: Result = {
      out,
      status: status === ST_END ? 'end' : status === ST_TRUNCATED ? 'truncated' : 'error',
      message: new TextDecoder().decode(m.subarray(0, m.indexOf(0))),
      zlibTookOver: x.zlib_took_over(s) === 1,
      tries: x.block_tries(s),
      left: x.avail_in(s),
    }
    x.stream_free(s)
    return result
  }
  let off = 0
  for (;;) {
    let status: number
    do {
      status = x.step(s)
      take(false)
    } while (status === ST_OK)
    if (status !== ST_NEED_INPUT) return finish(status)
    if (off === z.length) {
      x.end_input(s)
      continue
    }
    const n = Math.min(x.in_room(s), split, z.length - off)
    expect(n).toBeGreaterThan(0)
    new Uint8Array(x.memory.buffer, x.in_ptr(s), n).set(z.subarray(off, off + n))
    x.add_input(s, n)
    off += n
  }
}

const r = rng(Number(process.env.FUZZ_SEED ?? 7))
const random = (n: number) => Uint8Array.from({ length: n }, () => Math.floor(r() * 256))
/** ft-record-like: fields that repeat, counters that vary. */
const records = (n: number) =>
  Uint8Array.from({ length: n }, (_, i) => (i % 64 < 40 ? (i >> 6) % 13 : Math.floor(r() * 256)))
const text = (n: number) => Uint8Array.from({ length: n }, (_, i) => 97 + ((i * 7) % 23) * (i % 3))

/** Flips bits of bytes[at] (noUncheckedIndexedAccess: the index is in range). */
function flip(bytes: Uint8Array, at: number, mask: number) {
  bytes[at] = (bytes[at] ?? 0) ^ mask
}

/**
 * Hand-made dynamic blocks (a review's cases), each with a right Adler-32 of what libdeflate
 * alone once made of it: an empty distance code with a match; a one-symbol distance code sent
 * codeword '1'; a litlen code of EOB alone sent codeword '1'; a match past a byte.
 */
const CRAFTED = [
  '789c0dc0010900000080a06dfe3f5558028e0105',
  '789c0dc0010100000080906dfe9f2a1e028e0105',
  '789c7204140007140000000080febf4e00420042',
  '789c0dc0010100000080906dfe9f2a16028e0105',
  '789c0dc0010100000080906dfe9f2a5e028e3205',
]

/** A raw deflate bit writer, for blocks no zlib writes. */
class Bits {
  bytes: number[] = []
  private acc = 0
  private n = 0
  put(value: number, count: number) {
    for (let i = 0; i < count; i++) this.bit((value >> i) & 1)
  }
  /** A Huffman code: most significant bit first. */
  code(value: number, count: number) {
    for (let i = count - 1; i >= 0; i--) this.bit((value >> i) & 1)
  }
  private bit(b: number) {
    this.acc |= b << this.n
    if (++this.n === 8) {
      this.bytes.push(this.acc)
      this.acc = 0
      this.n = 0
    }
  }
  end() {
    if (this.n > 0) this.bytes.push(this.acc)
    return Uint8Array.from(this.bytes)
  }
}

/** A fixed-Huffman literal (RFC 1951 3.2.6). */
function literal(b: Bits, byte: number) {
  if (byte < 144) b.code(0x30 + byte, 8)
  else b.code(0x190 + byte - 144, 9)
}

/** Wraps raw deflate in a zlib header and the Adler-32 of `plain`. */
function zlibOf(raw: Uint8Array, plain: Uint8Array): Uint8Array {
  let a = 1
  let b = 0
  for (const byte of plain) {
    a = (a + byte) % 65521
    b = (b + a) % 65521
  }
  const check = ((b << 16) | a) >>> 0
  const out = new Uint8Array(raw.length + 6)
  out.set([0x78, 0x9c])
  out.set(raw, 2)
  new DataView(out.buffer).setUint32(raw.length + 2, check)
  return out
}

describe('the WebAssembly inflate (libdeflate by blocks, zlib to take over)', () => {
  const inputs: [string, Uint8Array][] = [
    ['empty', new Uint8Array(0)],
    ['one byte', Uint8Array.of(42)],
    ['random 300 KB', random(300_000)],
    ['records 2 MB', records(2_000_000)],
    ['text 1 MB', text(1_000_000)],
    ['zeros 12 MB', new Uint8Array(12_000_000)],
  ]
  const settings: [string, object][] = [
    ['level 0', { level: 0 }],
    ['level 1', { level: 1 }],
    ['level 6', { level: 6 }],
    ['level 9 memLevel 9', { level: 9, memLevel: 9 }],
    ['memLevel 1', { memLevel: 1 }],
    ['windowBits 9', { windowBits: 9 }],
    ['filtered', { strategy: constants.Z_FILTERED }],
    ['Huffman only', { strategy: constants.Z_HUFFMAN_ONLY }],
    ['RLE', { strategy: constants.Z_RLE }],
    ['fixed', { strategy: constants.Z_FIXED }],
  ]

  it('inflates what every node:zlib setting writes, all by libdeflate, from any split', () => {
    for (const [name, plain] of inputs) {
      for (const [setting, options] of settings) {
        const z = new Uint8Array(deflateSync(plain, options))
        for (const split of [z.length || 1, 100_000, 4093]) {
          const got = inflate(z, split)
          const what = `${name}, ${setting}, split ${split}`
          expect(got.status, `${what}: ${got.message}`).toBe('end')
          expect(got.zlibTookOver, what).toBe(false)
          expect(got.left, what).toBe(0)
          expect(Buffer.from(got.out).equals(Buffer.from(plain)), what).toBe(true)
        }
      }
    }
  })

  it('takes the input a byte at a time', () => {
    const plain = records(50_000)
    const z = new Uint8Array(deflateSync(plain))
    const got = inflate(z, 1)
    expect(got.status).toBe('end')
    expect(got.out).toEqual(plain)
  })

  it('hands out what zlib does before a cut, and says it was cut', () => {
    const plain = records(600_000)
    const z = new Uint8Array(deflateSync(plain))
    const cuts = [0, 1, 2, 3, 100, 5_000, 40_000, z.length - 5, z.length - 4, z.length - 1]
    for (let i = 0; i < 30; i++) cuts.push(Math.floor(r() * z.length))
    for (const cut of cuts) {
      const got = inflate(z.subarray(0, cut), 7_001)
      expect(got.status, `cut at ${cut}`).toBe('truncated')
      const oracle = inflateSync(z.subarray(0, cut), { finishFlush: constants.Z_SYNC_FLUSH })
      // node's zlib gives what it inflated before the end; so do we (the trailer's 4 bytes
      // aside: node inflates all records of a stream cut inside its check, as we do).
      expect(Buffer.from(got.out).equals(oracle), `cut at ${cut}`).toBe(true)
    }
  })

  it("hands out the bytes zlib does before damage, with zlib's message", () => {
    const plain = records(600_000)
    const z = new Uint8Array(deflateSync(plain))
    let tookOver = 0
    for (let i = 0; i < 60; i++) {
      const bad = z.slice()
      const at = 2 + Math.floor(r() * (z.length - 6))
      flip(bad, at, 1 + Math.floor(r() * 255))
      if (i % 2 === 1) flip(bad, at + 1, 0x55)
      const got = inflate(bad, 50_000)
      const oracle = inflate(bad, 50_000, true)
      const what = `damage at ${at}`
      expect(oracle.zlibTookOver, what).toBe(true)
      expect(got.status, what).toBe('error')
      expect(oracle.status, what).toBe('error')
      expect(got.message, what).toBe(oracle.message)
      expect(Buffer.from(got.out).equals(Buffer.from(oracle.out)), what).toBe(true)
      if (got.zlibTookOver) tookOver++
    }
    // Damage mostly decodes to other bytes (a dynamic Huffman code reads any bits), which the
    // Adler-32 check finds; some breaks a block, where zlib takes over.
    expect(tookOver).toBeGreaterThan(0)
  })

  it(
    'agrees with zlib on damaged stored, fixed and dynamic blocks and on random data',
    () => {
      // Every answer (bytes out, status, message) equals zlib's alone, and nothing traps: a read
      // or write out of bounds in the WebAssembly would throw a RuntimeError here.
      const plain = records(200_000)
      const streams = [
        new Uint8Array(deflateSync(plain, { level: 0 })),
        new Uint8Array(deflateSync(plain, { strategy: constants.Z_FIXED })),
        new Uint8Array(deflateSync(plain, { level: 1 })),
        // Tiny blocks with incomplete codes: damage there reaches the code-building edge cases.
        ...CRAFTED.map((h) => Uint8Array.from(Buffer.from(h, 'hex'))),
      ]
      for (const z of streams) {
        for (let i = 0; i < FUZZ_ROUNDS; i++) {
          const bad = z.slice()
          for (let k = 0; k < 1 + (i % 4); k++)
            flip(bad, 2 + Math.floor(r() * (bad.length - 2)), 1 << Math.floor(r() * 8))
          const split = [997, 65_536, bad.length][i % 3] ?? 997
          const got = inflate(bad, split)
          const oracle = inflate(bad, split, true)
          expect([got.status, got.message], `stream ${z.length}, round ${i}`).toEqual([
            oracle.status,
            oracle.message,
          ])
          expect(Buffer.from(got.out).equals(Buffer.from(oracle.out))).toBe(true)
        }
      }
      // A valid header, then noise.
      for (let i = 0; i < 5 * FUZZ_ROUNDS; i++) {
        const noise = Uint8Array.of(0x78, 0x9c, ...random(1 + Math.floor(r() * 3000)))
        const got = inflate(noise, 1 + (i % 700))
        const oracle = inflate(noise, 1 + (i % 700), true)
        expect([got.status, got.message, got.out.length], `noise ${i}`).toEqual([
          oracle.status,
          oracle.message,
          oracle.out.length,
        ])
        expect(Buffer.from(got.out).equals(Buffer.from(oracle.out))).toBe(true)
      }
    },
    10_000 + 50 * FUZZ_ROUNDS,
  )

  it('refuses the incomplete codes zlib refuses, with the same answer', () => {
    for (const h of CRAFTED) {
      const z = Uint8Array.from(Buffer.from(h, 'hex'))
      const got = inflate(z, 7)
      const oracle = inflate(z, 7, true)
      expect([got.status, got.message, [...got.out]], h).toEqual([
        oracle.status,
        oracle.message,
        [...oracle.out],
      ])
    }
    expect(inflate(Uint8Array.from(Buffer.from(CRAFTED[0] ?? '', 'hex')))).toMatchObject({
      status: 'error',
      message: 'invalid distance code',
    })
  })

  it('decodes a long block that comes in small pieces about twice, not once per piece', () => {
    // One fixed block of 2 M random literals (2.2 MB) in 16 KiB pieces: tried at 128 KiB of
    // input, then each time the input has doubled. Tried again at every piece, it was 130 tries
    // of up to 2.2 MB (an 8 MB block in 16 KiB pieces took 6 s).
    const plain = random(2_000_000)
    const b = new Bits()
    b.put(1, 1)
    b.put(1, 2)
    for (const byte of plain) literal(b, byte)
    b.code(0, 7)
    const z = zlibOf(b.end(), plain)
    const got = inflate(z, 16 * 1024)
    expect(got.status, got.message).toBe('end')
    expect(got.zlibTookOver).toBe(false)
    expect(Buffer.from(got.out).equals(Buffer.from(plain))).toBe(true)
    expect(got.tries).toBeLessThanOrEqual(8)
    expect(got.tries).toBeGreaterThanOrEqual(2)
  })

  it('checks the header and the Adler-32 trailer', () => {
    const plain = text(10_000)
    const z = new Uint8Array(deflateSync(plain))
    const header = z.slice()
    flip(header, 1, 1)
    expect(inflate(header)).toMatchObject({ status: 'error', message: 'incorrect header check' })
    const method = Uint8Array.of(0x77, 0x85, ...z.subarray(2))
    expect(inflate(method)).toMatchObject({
      status: 'error',
      message: 'unknown compression method',
    })
    const dict = new Uint8Array(deflateSync(plain, { dictionary: Buffer.from('abc') }))
    expect(inflate(dict)).toMatchObject({
      status: 'error',
      message: 'a preset dictionary is not supported',
    })
    const check = z.slice()
    flip(check, check.length - 1, 0x40)
    const got = inflate(check)
    expect(got).toMatchObject({ status: 'error', message: 'incorrect data check' })
    expect(got.out).toEqual(plain)
  })

  it('lets a caller take the output in pieces larger than the buffer, in zlib as in libdeflate', () => {
    // The output buffer starts at 1 MiB; a caller taking 3 MiB pieces leaves more untaken.
    const plain = records(6_000_000)
    const z = new Uint8Array(deflateSync(plain))
    for (const zlibOnly of [false, true]) {
      const got = inflate(z, 64 * 1024, zlibOnly, 3 * 1024 * 1024)
      expect(got.status, `${zlibOnly}: ${got.message}`).toBe('end')
      expect(Buffer.from(got.out).equals(Buffer.from(plain))).toBe(true)
    }
  })

  it('leaves the bytes after the stream unread', () => {
    const plain = text(1_000)
    const z = new Uint8Array(deflateSync(plain))
    const got = inflate(Uint8Array.of(...z, 9, 9, 9))
    expect(got).toMatchObject({ status: 'end', left: 3 })
    expect(got.out).toEqual(plain)
  })

  it('inflates a block larger than any zlib writes: the input buffer grows', () => {
    // One fixed-Huffman block of 1.5 M random literals (1.6 MB compressed, past the 512 KiB
    // input buffer): libdeflate still decodes it, once the buffer holds the whole block.
    const plain = random(1_500_000)
    const b = new Bits()
    b.put(1, 1) // BFINAL
    b.put(1, 2) // fixed Huffman
    for (const byte of plain) literal(b, byte)
    b.code(0, 7) // end of block (256)
    const z = zlibOf(b.end(), plain)
    const got = inflate(z, 256 * 1024)
    expect(got.status, got.message).toBe('end')
    expect(got.zlibTookOver).toBe(false)
    expect(Buffer.from(got.out).equals(Buffer.from(plain))).toBe(true)
  })

  it('hands a block whose output outgrows the buffers to zlib, and still inflates it', () => {
    // A literal, then 100,000 matches of 258 bytes at distance 1: one block of 25.8 MB, more
    // than the 10 MiB output buffer may grow to; then a second block after it, decoded by zlib.
    const matches = 100_000
    const plain = new Uint8Array(1 + matches * 258 + 3)
    plain.fill(7, 0, 1 + matches * 258)
    plain.set([1, 2, 3], 1 + matches * 258)
    const b = new Bits()
    b.put(0, 1)
    b.put(1, 2)
    literal(b, 7)
    for (let i = 0; i < matches; i++) {
      b.code(0xc5, 8) // length code 285: 258 bytes
      b.code(0, 5) // distance code 0: 1
    }
    b.code(0, 7)
    b.put(1, 1)
    b.put(1, 2)
    for (const byte of [1, 2, 3]) literal(b, byte)
    b.code(0, 7)
    const got = inflate(zlibOf(b.end(), plain))
    expect(got.status, got.message).toBe('end')
    expect(got.zlibTookOver).toBe(true)
    expect(Buffer.from(got.out).equals(Buffer.from(plain))).toBe(true)
  })

  it('resumes a stream whose blocks end inside a byte, in zlib as in libdeflate', () => {
    // Fixed blocks of 3 to 40 literals each: every block boundary falls at another bit.
    const plain = text(50_000)
    const b = new Bits()
    for (let at = 0; at < plain.length; ) {
      const n = Math.min(3 + (at % 38), plain.length - at)
      b.put(at + n === plain.length ? 1 : 0, 1)
      b.put(1, 2)
      for (let i = at; i < at + n; i++) literal(b, plain[i] ?? 0)
      b.code(0, 7)
      at += n
    }
    const z = zlibOf(b.end(), plain)
    for (const split of [1, 13, 100_000]) {
      const got = inflate(z, split)
      expect(got.status).toBe('end')
      expect(got.out).toEqual(plain)
    }
    // Cut near the end: zlib takes over at a block that starts inside a byte.
    const cut = z.subarray(0, z.length - 40)
    const got = inflate(cut)
    expect(got).toMatchObject({ status: 'truncated', zlibTookOver: true })
    const oracle = inflateSync(cut, { finishFlush: constants.Z_SYNC_FLUSH })
    expect(Buffer.from(got.out).equals(oracle)).toBe(true)
    expect(got.out.length).toBeGreaterThan(40_000)
  })
})
