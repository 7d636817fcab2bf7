import { describe, expect, it } from 'vitest'
import { generateVariants, type VariantOptions } from '../../../src/probes/variants'

const CASE: VariantOptions = { mode: 'case', encodings: false, randomMixes: 0, seed: 42 }

describe('generateVariants', () => {
  it('gives the term, UPPER, Capitalized and aLtErNaTiNg, dropping lower when it equals the term', () => {
    expect(generateVariants('porn', CASE)).toEqual([
      { label: 'exact', value: 'porn' },
      { label: 'upper', value: 'PORN' },
      { label: 'capitalized', value: 'Porn' },
      { label: 'alternating', value: 'pOrN' },
    ])
  })

  it('capitalizes every word of a URL and keeps non-letters', () => {
    const v = generateVariants('http://PORN.example/', CASE)
    expect(v.map((x) => [x.label, x.value])).toEqual([
      ['exact', 'http://PORN.example/'],
      ['lower', 'http://porn.example/'],
      ['upper', 'HTTP://PORN.EXAMPLE/'],
      ['capitalized', 'Http://Porn.Example/'],
      ['alternating', 'hTtP://pOrN.eXaMpLe/'],
    ])
  })

  it('adds distinct seeded random mixes, the same for the same seed', () => {
    const a = generateVariants('fishingscum', { ...CASE, randomMixes: 3 })
    const b = generateVariants('fishingscum', { ...CASE, randomMixes: 3 })
    const c = generateVariants('fishingscum', { ...CASE, randomMixes: 3, seed: 43 })
    const randoms = a.filter((v) => v.label === 'random')
    expect(randoms).toHaveLength(3)
    expect(new Set(a.map((v) => v.value)).size).toBe(a.length)
    for (const r of randoms) expect(r.value.toLowerCase()).toBe('fishingscum')
    expect(b).toEqual(a)
    expect(c.filter((v) => v.label === 'random')).not.toEqual(randoms)
  })

  it('stops short when a short term has no more distinct mixes', () => {
    // 'ab' has 4 case forms in all; the fixed variants take them, random finds nothing new.
    const v = generateVariants('ab', { ...CASE, randomMixes: 8 })
    expect(v.map((x) => x.value).sort()).toEqual(['AB', 'Ab', 'aB', 'ab'])
  })

  it('has only the term when it has no letters', () => {
    expect(generateVariants('12345', { ...CASE, randomMixes: 3 })).toEqual([
      { label: 'exact', value: '12345' },
    ])
  })

  it('sends only the term with mode none, and the custom strings with a list', () => {
    expect(generateVariants('porn', { ...CASE, mode: 'none' })).toEqual([
      { label: 'exact', value: 'porn' },
    ])
    expect(generateVariants('porn', { ...CASE, mode: ['Porn', 'porn', 'PoRn'] })).toEqual([
      { label: 'exact', value: 'porn' },
      { label: 'custom', value: 'Porn' },
      { label: 'custom', value: 'PoRn' },
    ])
  })

  it('percent-encodes every letter, and a seeded random subset of them, with encodings', () => {
    const v = generateVariants('porn', { ...CASE, mode: 'none', encodings: true })
    expect(v[1]).toEqual({ label: 'encoded-all', value: '%70%6F%72%6E' })
    const some = v[2]
    expect(some?.label).toBe('encoded-random')
    expect(decodeURIComponent(some?.value ?? '')).toBe('porn')
    expect(some?.value).toMatch(/%[0-9A-F]{2}/)
    expect(some?.value).not.toBe('%70%6F%72%6E')
  })
})
