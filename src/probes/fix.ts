import { type RefererRuleOptions, renderRefererRules } from '../generators/modsecurity-rules'
import type { Verdict } from './verdict'

export type Fix = { rule: string; note: string } | { rule: null; note: string }

export type FixOptions = Omit<RefererRuleOptions, 'baseId'>

// Only gaps in an existing block get a rule: a value nothing blocks may be a control (a benign
// referer), and pasting `fixRules` must never start blocking it.
const NEEDS_FIX: ReadonlySet<Verdict> = new Set<Verdict>([
  'case-sensitive-gap',
  'encoding-gap',
  'partial',
])

/** Whether a verdict calls for a rule: some forms are blocked, others get through. */
export function needsFix(verdict: Verdict): boolean {
  return NEEDS_FIX.has(verdict)
}

/**
 * The ModSecurity rule that blocks `term` in every letter case, or null when nothing needs fixing.
 * The shared builder writes `REQUEST_HEADERS:Referer`; for another header (User-Agent) only that
 * variable name changes, and header names are RFC 9110 tokens, so swapping it is safe.
 */
export function buildFix(
  term: string,
  verdict: Verdict,
  header: string,
  id: number,
  options: FixOptions,
): Fix | null {
  if (!NEEDS_FIX.has(verdict)) return null
  let rule: string
  try {
    rule = renderRefererRules([term], { ...options, baseId: id })
  } catch (err) {
    return {
      rule: null,
      note: `no rule could be built: ${err instanceof Error ? err.message : String(err)}`,
    }
  }
  if (header.toLowerCase() !== 'referer') {
    rule = rule.replace(/^SecRule REQUEST_HEADERS:Referer /, `SecRule REQUEST_HEADERS:${header} `)
  }
  const how =
    options.caseMode === 'lowercase'
      ? 't:none,t:lowercase with a lower-case pattern matches every letter case'
      : '(?i:...) makes the PCRE match case-insensitive'
  const note =
    verdict === 'encoding-gap'
      ? `${how}; also add t:urlDecode before t:lowercase (t:none,t:urlDecode,t:lowercase) so percent-encoded letters are decoded first`
      : how
  return { rule, note }
}
