import { createPrng } from './prng'
import type { Variant } from './types'

export type VariantMode = 'case' | 'none' | readonly string[]

export type VariantOptions = {
  /** `case`: letter-case variants; `none`: the term only; a list: the term plus these strings. */
  mode: VariantMode
  /** Adds percent-encoded letters (`p%6Frn`): a rule without `t:urlDecode` misses them. */
  encodings: boolean
  /** How many seeded-random case mixes `case` adds. */
  randomMixes: number
  seed: number
}

/**
 * The values to send for one term, the term itself first, without duplicates (a term without
 * letters has no case variants). Deterministic for a given seed, so a report can be replayed.
 *
 * @example
 * generateVariants('porn', { mode: 'case', encodings: false, randomMixes: 0, seed: 1 })
 * // exact porn, upper PORN, capitalized Porn, alternating pOrN  (lower equals exact: dropped)
 */
export function generateVariants(term: string, options: VariantOptions): Variant[] {
  const random = createPrng((options.seed ^ hashTerm(term)) >>> 0)
  const out: Variant[] = []
  const seen = new Set<string>()
  const add = (label: Variant['label'], value: string): boolean => {
    if (seen.has(value)) return false
    seen.add(value)
    out.push({ label, value })
    return true
  }
  add('exact', term)
  if (options.mode === 'case') {
    add(
      'lower',
      mapLetters(term, (c) => c.toLowerCase()),
    )
    add(
      'upper',
      mapLetters(term, (c) => c.toUpperCase()),
    )
    add('capitalized', capitalizeWords(term))
    let n = 0
    add(
      'alternating',
      mapLetters(term, (c) => (n++ % 2 === 0 ? c.toLowerCase() : c.toUpperCase())),
    )
    // A few attempts per mix: short terms have few distinct mixes (2^letters).
    for (
      let made = 0, tries = 0;
      made < options.randomMixes && tries < options.randomMixes * 8;
      tries++
    ) {
      const mix = mapLetters(term, (c) => (random() < 0.5 ? c.toLowerCase() : c.toUpperCase()))
      if (add('random', mix)) made++
    }
  } else if (options.mode !== 'none') {
    for (const value of options.mode) add('custom', value)
  }
  if (options.encodings && /[A-Za-z]/.test(term)) {
    add('encoded-all', mapLetters(term, percentEncode))
    let encodedOne = false
    const some = mapLetters(term, (c) => {
      if (random() < 0.5) return c
      encodedOne = true
      return percentEncode(c)
    })
    add('encoded-random', encodedOne ? some : mapLetters(term, percentEncode, 1))
  }
  return out
}

/** Applies `fn` to ASCII letters only (header values are ASCII), at most `limit` of them. */
function mapLetters(text: string, fn: (letter: string) => string, limit = Infinity): string {
  let done = 0
  return text.replace(/[A-Za-z]/g, (c) => (done++ < limit ? fn(c) : c))
}

/** Title case per word: a letter after a non-letter is upper-case, the others lower-case. */
function capitalizeWords(text: string): string {
  return text.replace(/[A-Za-z]+/g, (w) => w.charAt(0).toUpperCase() + w.slice(1).toLowerCase())
}

/** RFC 3986 §2.1 percent-encoding of one ASCII character, upper-case hex digits. */
function percentEncode(c: string): string {
  return `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`
}

/** FNV-1a, so each term gets its own random stream and term order does not change the mixes. */
function hashTerm(text: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  return h >>> 0
}
