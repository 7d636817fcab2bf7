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
 * Two edits of the shared builder's output, both on fixed tokens it always writes:
 * - another header (User-Agent) swaps the variable name and the msg; the name is letters, digits
 *   and hyphens (checked in request.ts), so it needs no escaping;
 * - when percent-encoded forms got through (`urlDecode`), `t:urlDecode` goes right after
 *   `t:none`, so the value is decoded before it is lower-cased and matched
 *   (reference/modsecurity.md: `t:none,t:urlDecode,t:lowercase`).
 */
export function buildFix(
  term: string,
  verdict: Verdict,
  header: string,
  id: number,
  options: FixOptions & { urlDecode: boolean },
): Fix | null {
  if (!NEEDS_FIX.has(verdict)) return null
  let rule: string
  try {
    const { urlDecode: _, ...ruleOptions } = options
    // One rule; the builder may end it with a newline.
    rule = renderRefererRules([term], { ...ruleOptions, baseId: id }).trimEnd()
  } catch (err) {
    return {
      rule: null,
      note: `no rule could be built: ${err instanceof Error ? err.message : String(err)}`,
    }
  }
  if (header.toLowerCase() !== 'referer') {
    rule = rule
      .replace(/^SecRule REQUEST_HEADERS:Referer /, `SecRule REQUEST_HEADERS:${header} `)
      .replace(/msg:'Referer /, `msg:'${header} `)
  }
  if (options.urlDecode && !rule.includes('t:urlDecode')) {
    // urlDecode turns `+` into a space: the pattern's `\+` (only the pattern holds a backslash)
    // must then take both, as the builder writes it when it decodes itself.
    rule = rule.replace(/,t:none(?=[,"])/, ',t:none,t:urlDecode').replaceAll('\\+', '[+\\x20]')
  }
  // The note explains the rule as written, whichever way the builder wrote it.
  const notes: string[] = []
  if (rule.includes('t:lowercase')) {
    notes.push('t:lowercase with a lower-case pattern matches every letter case')
  }
  if (rule.includes('(?i:')) notes.push('(?i:...) makes the PCRE match case-insensitive')
  if (rule.includes('t:urlDecode')) {
    notes.push('t:urlDecode decodes percent-encoded letters (p%6Frn) before matching')
  } else if (options.urlDecode) {
    notes.push('also add t:urlDecode after t:none, so percent-encoded letters are decoded first')
  }
  return { rule, note: notes.join('; ') }
}
