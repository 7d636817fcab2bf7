import { describe, expect, it } from 'vitest'
import { ByteOut } from '../../../src/flows/print/byte-out'

function text(write: (out: ByteOut) => void): string {
  const out = new ByteOut()
  write(out)
  return out.takeText()
}

describe('ByteOut printf conversions', () => {
  it('writes %-wlu, %wlu and %-w.ws of numbers across the uint32 range', () => {
    expect(text((o) => o.lu(0, 4))).toBe('0   ')
    expect(text((o) => o.lu(4294967295, 4))).toBe('4294967295')
    expect(text((o) => o.lu(1234567, 10))).toBe('1234567   ')
    expect(text((o) => o.ru(99, 5))).toBe('   99')
    expect(text((o) => o.ru(100000, 5))).toBe('100000')
    // flow-print passes some numbers through %-w.ws, which cuts them.
    expect(text((o) => o.su(65535, 4))).toBe('6553')
    expect(text((o) => o.su(7, 3))).toBe('7  ')
  })

  it('writes %w.wx, %-wx, %-2.2d and %-3.3lu', () => {
    expect(text((o) => o.x(6, 2))).toBe('06')
    expect(text((o) => o.x(0xabc, 2))).toBe('abc')
    expect(text((o) => o.x(0xffffffff, 4))).toBe('ffffffff')
    expect(text((o) => o.lx(0x1bd, 4))).toBe('1bd ')
    expect(text((o) => o.lx(0xecb1, 4))).toBe('ecb1')
    expect(text((o) => o.d2(7))).toBe('07')
    expect(text((o) => o.d3(7))).toBe('007')
    expect(text((o) => o.d3(42))).toBe('042')
    expect(text((o) => o.d3(999))).toBe('999')
  })

  it('writes addresses and prefixes padded or cut to the column', () => {
    expect(text((o) => o.ip(0xbd1624a5, 15))).toBe('189.22.36.165  ')
    expect(text((o) => o.ip(0xffffffff, 15))).toBe('255.255.255.255')
    expect(text((o) => o.ip(0, 15))).toBe('0.0.0.0        ')
    expect(text((o) => o.prefix(0x0a000000, 8, 18))).toBe(`10/8${' '.repeat(14)}`)
    expect(text((o) => o.prefix(0xac102300, 24, 18))).toBe(`172.16.35/24${' '.repeat(6)}`)
    expect(text((o) => o.prefix(0xac1023eb, 16, 5))).toBe('172.1')
    expect(text((o) => o.prefix(0, 0, 5))).toBe('0/0  ')
  })

  it('writes %-w.ws of text and ASCII literals', () => {
    expect(text((o) => o.s('microsoft-ds', 7))).toBe('microso')
    expect(text((o) => o.s('tcp', 4))).toBe('tcp ')
    expect(text((o) => o.lit('srcIP  '))).toBe('srcIP  ')
  })

  it('hands off chunks once a row starts past the chunk size, losing no byte', () => {
    const out = new ByteOut(16)
    let expected = ''
    for (let k = 0; k < 100; k++) {
      out.row()
      out.lu(k, 6)
      out.ch(10)
      expected += `${String(k).padEnd(6)}\n`
    }
    const chunks = out.take()
    expect(chunks.length).toBeGreaterThan(30)
    for (const c of chunks.slice(0, -1)) expect(c.length).toBeGreaterThanOrEqual(16)
    expect(new TextDecoder().decode(Buffer.concat(chunks))).toBe(expected)
    expect(out.pending).toBe(0)
    expect(out.take()).toEqual([])
  })

  it('keeps its buffer after a small take, and the taken bytes stay as they were', () => {
    const out = new ByteOut(64)
    const taken: Uint8Array[] = []
    let expected = ''
    // Takes after every row or two (a selective filter) and after full chunks alike.
    for (let k = 0; k < 200; k++) {
      out.row()
      out.lu(k, 4)
      out.ch(10)
      expected += `${String(k).padEnd(4)}\n`
      if (k % 3 === 0 || k > 150) taken.push(...out.take())
    }
    taken.push(...out.take())
    expect(new TextDecoder().decode(Buffer.concat(taken))).toBe(expected)
  })

  it('takes a header longer than a chunk whole', () => {
    const out = new ByteOut(16)
    out.lit('x'.repeat(5000))
    expect(out.takeText()).toBe('x'.repeat(5000))
  })
})
