import { GeneratorInputError } from './generator'

/*
 * The ModSecurity 2 SecRule builder for referer block lists, shared with the referer probe (which
 * suggests these rules when it finds a case-sensitivity gap). See the reference notes: `@rx` is
 * case-sensitive, so rules either lower-case the header (`t:lowercase`, lowercase pattern) or use
 * PCRE's `(?i:...)`; `t:urlDecode` first closes the percent-encoding bypass (`p%6Frn`).
 */

export type RefererRuleOptions = {
  baseId: number
  phase: 1 | 2
  status: number
  caseMode: 'lowercase' | 'regex-i'
}

/**
 * Characters a referer term may hold: URL characters without quotes, backslash, whitespace,
 * `%` (decoded before matching), `#`, `;`, `$`, backtick, `!`, brackets and braces. Nothing here
 * can end the quoted pattern or action list, start a macro (`%{`), or be special at the start of a
 * mod_rewrite CondPattern (`!`, `<`, `>`, `=`, `-`).
 */
export const REFERER_TERM = /^[A-Za-z0-9._~:/?&+@*][A-Za-z0-9._~:/?=&+@*-]{0,99}$/

/**
 * The highest rule id ModSecurity 2 accepts: it reads ids as a signed 32-bit number, so
 * `apache2 -t` fails on 2147483648 ("Invalid value for action ID").
 */
export const MAX_RULE_ID = 2_147_483_647

/** Escapes the PCRE metacharacters a term can contain (`.`, `?`, `+`, `*`). */
export function escapeRegex(term: string): string {
  return term.replace(/[.?+*]/g, (c) => `\\${c}`)
}

/**
 * The pattern for a term matched after `t:urlDecode`. That transformation decodes `+` to a space
 * as form data does, so `a+b` arrives as `a b` and only `a%2Bb` still holds a `+`: a `\+` in the
 * pattern would miss the plain form (seen with ModSecurity 2.9.7). `[+\x20]` takes both; `\x20`
 * rather than a space keeps the quoted rule argument free of blanks.
 */
export function escapeRegexAfterUrlDecode(term: string): string {
  return escapeRegex(term).replaceAll('\\+', '[+\\x20]')
}

/** Checks terms and options; every problem names its field, as `terms.3` or `baseId`. */
export function checkRefererRules(
  terms: readonly string[],
  options: RefererRuleOptions,
  kind = 'modsecurity',
): void {
  const issues: { path: string; message: string }[] = []
  if (terms.length === 0) issues.push({ path: 'terms', message: 'needs at least one term' })
  if (terms.length > 1000) issues.push({ path: 'terms', message: 'at most 1000 terms' })
  const seen = new Map<string, number>()
  terms.forEach((term, i) => {
    if (!REFERER_TERM.test(term)) {
      issues.push({
        path: `terms.${i}`,
        message:
          'may contain only letters, digits and . _ ~ : / ? = & + @ * - (1 to 100 characters, not starting with -)',
      })
      return
    }
    const key = term.toLowerCase()
    const first = seen.get(key)
    if (first !== undefined) {
      issues.push({
        path: `terms.${i}`,
        message: `duplicates terms.${first} (matching ignores case)`,
      })
    }
    seen.set(key, i)
  })
  if (
    !Number.isInteger(options.baseId) ||
    options.baseId < 1 ||
    options.baseId + terms.length - 1 > MAX_RULE_ID
  ) {
    issues.push({
      path: 'baseId',
      message: `must be an integer from 1 such that the last rule id (baseId + term count - 1) is at most ${MAX_RULE_ID}`,
    })
  }
  if (options.phase !== 1 && options.phase !== 2)
    issues.push({ path: 'phase', message: 'must be 1 or 2' })
  if (!Number.isInteger(options.status) || options.status < 400 || options.status > 599) {
    issues.push({ path: 'status', message: 'must be an HTTP error status from 400 to 599' })
  }
  if (options.caseMode !== 'lowercase' && options.caseMode !== 'regex-i') {
    issues.push({ path: 'caseMode', message: "must be 'lowercase' or 'regex-i'" })
  }
  if (issues.length > 0) throw new GeneratorInputError(kind, issues)
}

/**
 * One `SecRule REQUEST_HEADERS:Referer` per term, ids `baseId`, `baseId + 1`, …, each denying with
 * `status`. Throws GeneratorInputError for a term or option that could not be rendered safely.
 *
 * @example
 * renderRefererRules(['porn'], { baseId: 1001, phase: 1, status: 403, caseMode: 'lowercase' })
 * // SecRule REQUEST_HEADERS:Referer "@rx porn" "id:1001,phase:1,deny,status:403,log,t:none,t:urlDecode,t:lowercase,msg:'Referer contains porn'"
 */
export function renderRefererRules(terms: readonly string[], options: RefererRuleOptions): string {
  checkRefererRules(terms, options)
  // t:lowercase only works with a lowercase pattern; (?i:...) needs no transformation.
  const transforms =
    options.caseMode === 'lowercase' ? 't:none,t:urlDecode,t:lowercase' : 't:none,t:urlDecode'
  // The pattern must describe the value as the transformations leave it.
  const escapeTerm = transforms.includes('t:urlDecode') ? escapeRegexAfterUrlDecode : escapeRegex
  const lines = terms.map((term, i) => {
    const escaped = escapeTerm(term)
    const pattern = options.caseMode === 'lowercase' ? escaped.toLowerCase() : `(?i:${escaped})`
    const actions = [
      `id:${options.baseId + i}`,
      `phase:${options.phase}`,
      'deny',
      `status:${options.status}`,
      'log',
      transforms,
      `msg:'Referer contains ${term}'`,
    ].join(',')
    return `SecRule REQUEST_HEADERS:Referer "@rx ${pattern}" "${actions}"`
  })
  return `${lines.join('\n')}\n`
}
