import { describe, expect, it } from 'vitest'
import type { Classification } from '../../../src/probes/classify'
import type { VariantLabel } from '../../../src/probes/types'
import { decideVerdict, type JudgedVariant } from '../../../src/probes/verdict'

function v(label: VariantLabel, value: string, cls: Classification['class']): JudgedVariant {
  return {
    label,
    value,
    classification: { class: cls, reason: cls === 'unknown' ? 'no answer in time' : cls },
  }
}

describe('decideVerdict', () => {
  it('names a case-sensitive gap when another case of a blocked value is allowed', () => {
    const r = decideVerdict([
      v('exact', 'porn', 'blocked'),
      v('upper', 'PORN', 'allowed'),
      v('capitalized', 'Porn', 'allowed'),
    ])
    expect(r.verdict).toBe('case-sensitive-gap')
    expect(r.summary).toBe("blocks 'porn' but not 'PORN', 'Porn': the match is case-sensitive")
  })

  it('names an encoding gap when only percent-encoded forms get through', () => {
    const r = decideVerdict([
      v('exact', 'porn', 'blocked'),
      v('upper', 'PORN', 'blocked'),
      v('encoded-all', '%70%6F%72%6E', 'allowed'),
    ])
    expect(r.verdict).toBe('encoding-gap')
    expect(r.summary).toMatch(/t:urlDecode/)
  })

  it('says blocked in every case, not blocked, or partial', () => {
    expect(decideVerdict([v('exact', 'x', 'blocked'), v('upper', 'X', 'blocked')]).verdict).toBe(
      'blocked-in-every-case',
    )
    expect(decideVerdict([v('exact', 'x', 'allowed'), v('upper', 'X', 'allowed')]).verdict).toBe(
      'not-blocked',
    )
    expect(
      decideVerdict([v('exact', 'spam', 'blocked'), v('custom', 'sp4m', 'allowed')]).verdict,
    ).toBe('partial')
  })

  it('is inconclusive when nothing or only one side could be judged', () => {
    expect(decideVerdict([v('exact', 'x', 'unknown')]).verdict).toBe('inconclusive')
    expect(decideVerdict([v('exact', 'x', 'blocked'), v('upper', 'X', 'unknown')]).verdict).toBe(
      'inconclusive',
    )
  })
})

describe('decideVerdict summary', () => {
  it('names at most three values of each side', () => {
    const r = decideVerdict([
      v('exact', 'porn', 'blocked'),
      ...['PORN', 'Porn', 'pOrN', 'PoRn', 'pORN'].map((x) => v('random', x, 'allowed')),
    ])
    expect(r.summary).toBe(
      "blocks 'porn' but not 'PORN', 'Porn', 'pOrN' and 2 more: the match is case-sensitive",
    )
  })
})
