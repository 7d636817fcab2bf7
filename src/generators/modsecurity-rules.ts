/**
 * ModSecurity 2 `SecRule`s that deny requests whose Referer contains a term, in any letter case.
 * Shared by the ModSecurity config generator and the referer probe's fix.
 *
 * Why each rule looks the way it does (reference: ModSecurity 2 manual, "Operators" / "Actions"):
 * - `@rx` is a PCRE match and case-SENSITIVE; `"porn"` lets `Porn` through. Either the pattern
 *   carries `(?i:...)` or the rule lowercases the value first with `t:lowercase` (and then the
 *   pattern itself must be lowercase, or it never matches).
 * - `t:none` first drops transformations inherited from `SecDefaultAction`.
 * - Injection-proof by construction: the pattern holds only ASCII letters, digits, a few plain
 *   punctuation characters, backslash-escaped regex metacharacters and `\xHH` escapes; a quote,
 *   backslash, `%` (macro expansion `%{...}`), control character or non-ASCII byte in a term is
 *   written as `\xHH`, so nothing a caller sends can end the directive or the quoted argument.
 */

export type RefererRuleOptions = {
  baseId: number
  phase: 1 | 2
  status: number
  caseMode: 'lowercase' | 'regex-i'
}

export class ModsecRuleError extends Error {
  override name = 'ModsecRuleError'
  constructor(
    readonly code: 'empty_term' | 'term_too_long' | 'bad_id' | 'bad_status' | 'bad_phase',
    message: string,
  ) {
    super(message)
  }
}

/** Longest term accepted; ModSecurity has no hard limit, but a referer term is short. */
export const MAX_TERM_LENGTH = 512
/** ModSecurity rule ids are unsigned 32-bit; stay in the signed range to be safe everywhere. */
const MAX_ID = 2_147_483_647

/**
 * Renders one `SecRule REQUEST_HEADERS:Referer` per term, ids `baseId`, `baseId + 1`, ...
 *
 * @example
 * renderRefererRules(['porn'], { baseId: 10100, phase: 1, status: 403, caseMode: 'lowercase' })
 * // SecRule REQUEST_HEADERS:Referer "@rx porn" "id:10100,phase:1,deny,status:403,log,msg:'Referer contains porn',t:none,t:lowercase"
 */
export function renderRefererRules(terms: readonly string[], options: RefererRuleOptions): string {
  const { baseId, phase, status, caseMode } = options
  if (!Number.isInteger(baseId) || baseId < 1 || baseId + terms.length - 1 > MAX_ID) {
    throw new ModsecRuleError('bad_id', `baseId must be an integer from 1 to ${MAX_ID}`)
  }
  if (phase !== 1 && phase !== 2) throw new ModsecRuleError('bad_phase', 'phase must be 1 or 2')
  if (!Number.isInteger(status) || status < 100 || status > 599) {
    throw new ModsecRuleError('bad_status', 'status must be an HTTP status from 100 to 599')
  }
  return terms
    .map((term, i) => {
      if (term.length === 0) throw new ModsecRuleError('empty_term', `term ${i + 1} is empty`)
      if (term.length > MAX_TERM_LENGTH) {
        throw new ModsecRuleError(
          'term_too_long',
          `term ${i + 1} is longer than ${MAX_TERM_LENGTH} characters`,
        )
      }
      const pattern =
        caseMode === 'lowercase' ? escapePattern(asciiLower(term)) : `(?i:${escapePattern(term)})`
      const transforms = caseMode === 'lowercase' ? 't:none,t:lowercase' : 't:none'
      const msg = `Referer contains ${describeTerm(term)}`
      return `SecRule REQUEST_HEADERS:Referer "@rx ${pattern}" "id:${baseId + i},phase:${phase},deny,status:${status},log,msg:'${msg}',${transforms}"`
    })
    .join('\n')
}

// PCRE metacharacters outside a character class (pcre2pattern(3), "Characters and metacharacters").
const META = new Set(['.', '^', '$', '|', '?', '*', '+', '(', ')', '[', ']', '{', '}'])
// Written as themselves: harmless both to PCRE and to Apache's quoted-argument parser.
const PLAIN = /^[A-Za-z0-9 \-_/:,;=&@#~!<>]$/

/** Escapes a literal term as a PCRE pattern that is also safe inside a double-quoted argument. */
function escapePattern(term: string): string {
  let out = ''
  for (const ch of term) {
    if (PLAIN.test(ch)) out += ch
    else if (META.has(ch)) out += `\\${ch}`
    else for (const byte of new TextEncoder().encode(ch)) out += `\\x${hex(byte)}`
  }
  return out
}

/** What `t:lowercase` does: ASCII letters only (it uses C `tolower` byte by byte). */
function asciiLower(text: string): string {
  return text.replace(/[A-Z]/g, (c) => c.toLowerCase())
}

/** A log-friendly, quote-free and macro-free rendering of the term for `msg:'...'`. */
function describeTerm(term: string): string {
  const safe = term.replace(/[^A-Za-z0-9 .:/_-]/g, '_')
  return safe.length > 60 ? `${safe.slice(0, 60)}...` : safe
}

function hex(byte: number): string {
  return byte.toString(16).padStart(2, '0')
}
