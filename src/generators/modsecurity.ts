import { z } from 'zod'
import { absFilePath, duplicateIssues, hostname } from './fields'
import { commentLines, defineGenerator } from './generator'
import { MAX_RULE_ID, REFERER_TERM, renderRefererRules } from './modsecurity-rules'

/** The referer block-list input shared by the ModSecurity, nginx and mod_rewrite generators. */
export const refererTerms = z
  .array(
    z
      .string()
      .regex(
        REFERER_TERM,
        'may contain only letters, digits and . _ ~ : / ? = & + @ * - (1 to 100 characters, not starting with -)',
      ),
  )
  .min(1)
  .max(1000)
  // Every output matches case-insensitively, so `Porn` after `porn` is the same rule twice.
  .superRefine((terms, ctx) => {
    const key = (t: string) => t.toLowerCase()
    for (const issue of duplicateIssues(terms, ['terms'], key, ' (matching ignores case)'))
      ctx.addIssue({ ...issue, path: issue.path.slice(1) })
  })
  .describe('Words or host names to block in the Referer header (matched as substrings)')

const schema = z
  .object({
    terms: refererTerms,
    baseId: z
      .number()
      .int()
      .min(1)
      .max(MAX_RULE_ID, `ModSecurity takes rule ids up to ${MAX_RULE_ID}`)
      .default(1_000_100)
      .describe(`Id of the first rule; the next ones count up, the last at most ${MAX_RULE_ID}`),
    phase: z
      .union([z.literal(1), z.literal(2)])
      .default(1)
      .describe('1 = request headers (earliest)'),
    status: z.number().int().min(400).max(599).default(403),
    caseMode: z
      .enum(['lowercase', 'regex-i'])
      .default('lowercase')
      .describe('lowercase: t:lowercase with a lowercase pattern; regex-i: PCRE (?i:...)'),
    rbl: hostname
      .optional()
      .describe('DNSBL zone for an @rbl rule on REMOTE_ADDR, e.g. zen.spamhaus.org'),
    debugLog: absFilePath
      .optional()
      .describe('Path for SecDebugLog (adds SecDebugLog and SecDebugLogLevel)'),
    debugLogLevel: z
      .number()
      .int()
      .min(0)
      .max(9)
      .default(3)
      .describe('0 none, 3 rule matches, 9 everything'),
  })
  .superRefine((m, ctx) => {
    // One id per term, plus one for the @rbl rule; each must stay a signed 32-bit number.
    const last = m.baseId + m.terms.length - 1 + (m.rbl ? 1 : 0)
    if (last > MAX_RULE_ID && m.baseId <= MAX_RULE_ID) {
      ctx.addIssue({
        code: 'custom',
        path: ['baseId'],
        message: `the last rule id would be ${last}; ModSecurity takes ids up to ${MAX_RULE_ID}, so baseId must be at most ${MAX_RULE_ID - (last - m.baseId)}`,
      })
    }
  })

/** ModSecurity 2: referer rules, an optional DNSBL rule and debug-log lines. */
export const modsecurity = defineGenerator({
  kind: 'modsecurity',
  title: 'ModSecurity referer block rules',
  purpose:
    'Include from the Apache config inside <IfModule security2_module> (SecRuleEngine On); then: apachectl configtest',
  comment: '#',
  filename: 'referer-rules.conf',
  schema,
  render(m) {
    const options = { baseId: m.baseId, phase: m.phase, status: m.status, caseMode: m.caseMode }
    const lines: string[] = []
    if (m.debugLog) {
      lines.push(`SecDebugLog ${m.debugLog}`, `SecDebugLogLevel ${m.debugLogLevel}`)
    }
    lines.push(renderRefererRules(m.terms, options).trimEnd())
    if (m.rbl) {
      // @rbl looks REMOTE_ADDR up in the DNSBL zone: one DNS query per request, so keep it in phase 1
      // and put a caching resolver next to the web server.
      lines.push(
        ...commentLines('#', [`DNSBL: deny clients listed in ${m.rbl}`]),
        `SecRule REMOTE_ADDR "@rbl ${m.rbl}" "id:${m.baseId + m.terms.length},phase:1,deny,status:${m.status},log,msg:'Client address listed in ${m.rbl}'"`,
      )
    }
    return lines.join('\n')
  },
})

const equivalentSchema = z.object({
  terms: refererTerms,
  status: z.number().int().min(400).max(599).default(403),
})

/**
 * The 4xx/5xx codes mod_rewrite's R flag takes: only those in httpd 2.4's status table (found by
 * running `apache2 -t` over 400-599; the others fail "invalid HTTP response code ... for flag 'R'").
 */
export const REWRITE_STATUSES = [
  400, 401, 402, 403, 404, 405, 406, 407, 408, 409, 410, 411, 412, 413, 414, 415, 416, 417, 421,
  422, 423, 424, 426, 428, 429, 431, 451, 500, 501, 502, 503, 504, 505, 506, 507, 508, 510, 511,
] as const

const rewriteSchema = z.object({
  terms: refererTerms,
  status: z
    .number()
    .int()
    .refine((n) => (REWRITE_STATUSES as readonly number[]).includes(n), {
      message:
        "must be a status in httpd's table: 400-417, 421-424, 426, 428, 429, 431, 451, 500-508, 510, 511",
    })
    .default(403)
    .describe(
      'HTTP status for the R flag: 400-417, 421-424, 426, 428, 429, 431, 451, 500-508, 510, 511',
    ),
})

function alternation(terms: readonly string[]): string {
  return terms.map((t) => t.replace(/[.?+*]/g, (c) => `\\${c}`)).join('|')
}

/** nginx: a `map $http_referer` (case-insensitive `~*`) plus the `if` that uses it. */
export const nginxRefererMap = defineGenerator({
  kind: 'nginx-referer-map',
  title: 'nginx referer block map',
  purpose:
    'Put the map in the http {} block and the if line in each server {} to protect; then: nginx -t',
  comment: '#',
  filename: 'referer-block.conf',
  schema: equivalentSchema,
  render(n) {
    return [
      'map $http_referer $edgeping_bad_referer {',
      '    default 0;',
      ...n.terms.map((t) => `    "~*${alternation([t])}" 1;`),
      '}',
      ...commentLines('#', [
        'in each server {} block:',
        `if ($edgeping_bad_referer) { return ${n.status}; }`,
      ]),
    ].join('\n')
  },
})

/** Apache mod_rewrite: RewriteCond per term, [NC] makes it case-insensitive. */
export const apacheRefererRewrite = defineGenerator({
  kind: 'apache-referer-rewrite',
  title: 'Apache mod_rewrite referer block',
  purpose:
    'Put in the VirtualHost (or .htaccess with AllowOverride FileInfo); needs mod_rewrite; then: apachectl configtest',
  comment: '#',
  filename: 'referer-rewrite.conf',
  schema: rewriteSchema,
  render(r) {
    const conds = r.terms.map(
      (t, i) =>
        `RewriteCond %{HTTP_REFERER} (${alternation([t])}) [NC${i < r.terms.length - 1 ? ',OR' : ''}]`,
    )
    // A status outside 300-399 drops the substitution and stops rewriting (mod_rewrite R flag).
    return ['RewriteEngine On', ...conds, `RewriteRule ^ - [R=${r.status},L]`].join('\n')
  },
})
