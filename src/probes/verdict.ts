import type { Classification } from './classify'
import type { Variant } from './types'

export type Verdict =
  | 'blocked-in-every-case'
  | 'case-sensitive-gap'
  | 'encoding-gap'
  | 'partial'
  | 'not-blocked'
  | 'inconclusive'

export type JudgedVariant = Variant & { classification: Classification }

/**
 * The verdict for one term from its judged variants. A gap is named by what the allowed variants
 * have in common with a blocked one: the same letters in another case (the rule needs
 * `t:lowercase` or `(?i:...)`), or the same text once percent-decoded (it needs `t:urlDecode`).
 */
export function decideVerdict(variants: readonly JudgedVariant[]): {
  verdict: Verdict
  summary: string
} {
  const blocked = variants.filter((v) => v.classification.class === 'blocked')
  const allowed = variants.filter((v) => v.classification.class === 'allowed')
  const unknown = variants.filter((v) => v.classification.class === 'unknown')
  // The report lists every variant; the summary names a few.
  const list = (vs: readonly JudgedVariant[]) =>
    vs
      .slice(0, 3)
      .map((v) => `'${v.value}'`)
      .join(', ') + (vs.length > 3 ? ` and ${vs.length - 3} more` : '')

  if (allowed.length === 0 && blocked.length > 0 && unknown.length === 0) {
    return {
      verdict: 'blocked-in-every-case',
      summary: `blocked in all ${blocked.length} tested forms`,
    }
  }
  if (blocked.length === 0 && allowed.length > 0 && unknown.length === 0) {
    return {
      verdict: 'not-blocked',
      summary: `not blocked in any of ${allowed.length} tested forms`,
    }
  }
  if (allowed.length === 0 || blocked.length === 0) {
    return {
      verdict: 'inconclusive',
      summary: `${unknown.length} of ${variants.length} forms could not be judged (${unknown[0]?.classification.reason ?? 'no data'})`,
    }
  }
  const caseKeys = new Set(blocked.map((v) => v.value.toLowerCase()))
  const decodedKeys = new Set(blocked.map((v) => decodedKey(v.value)))
  const caseGaps = allowed.filter((v) => caseKeys.has(v.value.toLowerCase()))
  const encodingGaps = allowed.filter(
    (v) => !caseKeys.has(v.value.toLowerCase()) && decodedKeys.has(decodedKey(v.value)),
  )
  const head = `blocks ${list(blocked)} but not ${list(allowed)}`
  if (caseGaps.length > 0) {
    const also = encodingGaps.length > 0 ? ', nor percent-encoded forms (no t:urlDecode)' : ''
    return { verdict: 'case-sensitive-gap', summary: `${head}: the match is case-sensitive${also}` }
  }
  if (encodingGaps.length > 0) {
    return {
      verdict: 'encoding-gap',
      summary: `${head}: percent-encoded letters slip through (no t:urlDecode)`,
    }
  }
  return { verdict: 'partial', summary: head }
}

/** Lower-case after percent-decoding, as `t:urlDecode,t:lowercase` would see the value. */
function decodedKey(value: string): string {
  try {
    return decodeURIComponent(value).toLowerCase()
  } catch {
    return value.toLowerCase()
  }
}
