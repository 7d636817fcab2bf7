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
 * For another header (User-Agent) the shared builder's output gets the variable name and the msg
 * swapped: fixed tokens it always writes; the name is letters, digits and hyphens (checked in
 * request.ts), so it needs no escaping. The builder always decodes percent-encoding first
 * (`t:none,t:urlDecode,...`), which also closes an encoding gap.
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
  const notes = [
    options.caseMode === 'lowercase'
      ? 't:none,t:lowercase with a lower-case pattern matches every letter case'
      : '(?i:...) makes the PCRE match case-insensitive',
  ]
  if (options.urlDecode) {
    // The shared builder always decodes first (t:none,t:urlDecode,...), closing this gap too.
    notes.push('t:urlDecode decodes percent-encoded letters before matching')
  }
  return { rule, note: notes.join('; ') }
}
