import { execFileSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { printfFixed } from '../../../src/lib/printf-fixed'

describe('printfFixed', () => {
  it('rounds an exact tie to even, as glibc does, and everything else as toFixed', () => {
    expect(printfFixed(25608.40625, 4)).toBe('25608.4062')
    expect(printfFixed(25608.40635, 4)).toBe((25608.40635).toFixed(4))
    expect(printfFixed(2.5, 0)).toBe('2')
    expect(printfFixed(3.5, 0)).toBe('4')
    expect(printfFixed(0.125, 2)).toBe('0.12')
    expect(printfFixed(0.375, 2)).toBe('0.38')
    expect(printfFixed(-0.125, 2)).toBe('-0.12')
    // 0.1 is not exactly representable: no tie, so toFixed's answer.
    expect(printfFixed(0.15, 1)).toBe('0.1')
    expect(printfFixed(1, 3)).toBe('1.000')
  })

  it('agrees with the system printf on ties and near-ties', () => {
    // Given as a hex float, printf reads exactly our double (a decimal string it would read into
    // a long double, another value).
    // Binary fractions with few bits are exact ties at some precision; their neighbours are not.
    const values: number[] = []
    for (let k = 0; k < 400; k++) {
      const tie = (Math.floor(k * 7919) % 100_000) / 2 ** ((k % 6) + 1) / 1000
      values.push(tie, Math.fround(tie), tie + 2 ** -40)
    }
    const digits = [0, 1, 2, 3, 4]
    // One printf per precision: it applies its format to every argument in turn.
    const expected = digits.flatMap((d) =>
      execFileSync('printf', [`%.${d}f\\n`, ...values.map(hexFloat)], { encoding: 'utf8' })
        .trimEnd()
        .split('\n'),
    )
    const ours = digits.flatMap((d) => values.map((v) => printfFixed(v, d)))
    expect(ours).toEqual(expected)
  })
})

/** A positive normal double as C's hex float literal, exactly (0x1.8p+1 = 3). */
function hexFloat(v: number): string {
  if (v === 0) return '0x0p+0'
  const view = new DataView(new ArrayBuffer(8))
  view.setFloat64(0, v)
  const hi = view.getUint32(0)
  const lo = view.getUint32(4)
  const exponent = ((hi >>> 20) & 0x7ff) - 1023
  const mantissa = (hi & 0xfffff).toString(16).padStart(5, '0') + lo.toString(16).padStart(8, '0')
  return `0x1.${mantissa}p${exponent >= 0 ? '+' : ''}${exponent}`
}
