import { throttledAnswer } from '../../probes/classify'
import { generateVariants } from '../../probes/variants'
import { httpKind, parseStatusRanges } from './http'
import type { ProbeKind } from './kind'
import type { ResolvedTarget } from './resolved-target'

/**
 * The referer-block probe as a scheduled check (edgeping's own kind, no SmokePing module): ping i
 * sends the i-th letter-case variant of `referer` (exact, lower, UPPER, Capitalized, aLtErNaTiNg,
 * then seeded mixes, cycling), and counts as received when the site blocks it, i.e. answers with
 * a status in `status` (default 400-599: ModSecurity denies with whatever status the rule says),
 * except 429, 503 and answers with Retry-After (rate limiting or an outage): those are lost,
 * with a reason starting `unknown:`, unless `status` names the code on its own.
 * A variant that gets through is a lost ping, so SmokePing's loss alerts (`>0%`) catch a WAF
 * regression, and the smoke graph shows the block page's response time.
 * Each round first sends one clean request (no Referer): when it already gets a status in
 * `status` (or fails, or is throttled), the round is `unknown` with the reason and no variant is
 * sent, rather than a round where every form looks blocked. The clean request goes again after
 * the variants (a site that began refusing everything mid-round makes the round unknown too).
 * The plan counts both: pings + 2 subrequests a round. The full baseline-and-fingerprint analysis stays with `POST /probes/referer`.
 */
export const refererKind: ProbeKind = {
  name: 'referer',
  smokepingModules: [],
  defaultTimeout: 10,
  // `expect` is Curl's keyword check; a block page's body is not checked.
  vars: ['referer', 'urlformat', 'status'],
  hostForm: 'address',
  prepare(target) {
    const referer = target.referer
    if (!referer) return "a referer check needs 'referer' (the block-listed value)"
    if (![...referer].every((ch) => ch >= ' ' && ch <= '~') || referer.length > 512) {
      return "'referer' must be 1-512 printable ASCII characters"
    }
    if (target.status !== undefined && parseStatusRanges(target.status) === null)
      return `status '${target.status}' is not a list of codes or ranges like 403,500-599`
    return httpKind.prepare(target)
  },
  contactHost: (t) => new URL(t.url ?? '').hostname,
  describe: (t) =>
    `${t.pings} requests to ${t.url ?? ''} with letter-case variants of Referer '${t.referer ?? ''}', between two without it`,
  // A ping "received" means the site answered with a status in `status`. A site that answers
  // every request so (500 to everything, a 403 for the Worker's addresses) made every round look
  // like a WAF blocking every form: the clean request tells the two apart, as the
  // `POST /probes/referer` baseline does.
  async baseline(target, ports, signal) {
    // Without a port or with a refused host the pings report that themselves, as lost.
    if (!ports.http) return null
    const url = target.url ?? ''
    if (ports.refuseHost(new URL(url).hostname)) return null
    const r = await ports.http(url, { signal })
    const cannot = 'the blocking cannot be judged'
    if (!r.ok) return `${cannot}: the clean request (no Referer) failed (${r.reason})`
    const ranges = target.status ?? '400-599'
    const blocked = parseStatusRanges(ranges) ?? []
    const throttled = throttleReason(r, blocked)
    if (throttled) return `${cannot}: the clean request (no Referer) got ${throttled}`
    if (blocked.some(([lo, hi]) => r.status >= lo && r.status <= hi)) {
      return `${cannot}: the clean request (no Referer) also gets HTTP ${r.status}, which status ${ranges} counts as blocked, so a blocked-looking answer says nothing about the Referer`
    }
    return null
  },
  async probe(target, ports, signal, index) {
    if (!ports.http) return { ok: false, reason: 'no HTTP port' }
    const url = target.url ?? ''
    const refused = ports.refuseHost(new URL(url).hostname)
    if (refused) return { ok: false, reason: refused }
    const value = variantFor(target, index)
    const r = await ports.http(url, { signal, headers: { referer: value } })
    if (!r.ok) return r
    const blocked = parseStatusRanges(target.status ?? '400-599') ?? []
    // Checked before `status`: the default 400-599 holds 429 and 503, and a site that is rate
    // limiting or down answered every variant so, which counted as a WAF blocking every form
    // (no loss, no alert) while nothing was known about the rule. Lost instead, with the reason.
    const throttled = throttleReason(r, blocked)
    if (throttled) {
      return {
        ok: false,
        reason: `unknown: '${value}' got ${throttled}, not an answer about the value`,
      }
    }
    if (blocked.some(([lo, hi]) => r.status >= lo && r.status <= hi)) return { ok: true, ms: r.ms }
    return { ok: false, reason: `'${value}' got through (HTTP ${r.status})` }
  },
}

/**
 * Why an answer means "come back later" rather than "blocked", or null, as `POST /probes/referer`
 * judges it (throttledAnswer). A code `status` names on its own (`status = 403,429`, not inside
 * a range like the default 400-599) is a block on the operator's word, like the probe's
 * `blockedStatus`.
 */
export function throttleReason(
  r: { status: number; retryAfter?: string },
  blocked: readonly (readonly [number, number])[],
): string | null {
  if (blocked.some(([lo, hi]) => lo === hi && lo === r.status)) return null
  return throttledAnswer(r.status, r.retryAfter)
}

/** The variant of ping `index`: the same list for every round (fixed seed), so graphs compare. */
export function variantFor(
  target: Pick<ResolvedTarget, 'referer' | 'pings'>,
  index: number,
): string {
  const variants = generateVariants(target.referer ?? '', {
    mode: 'case',
    encodings: false,
    // enough seeded mixes that a round of N pings sends N different forms where the value allows
    randomMixes: target.pings,
    seed: 1,
  })
  return variants[index % variants.length]?.value ?? target.referer ?? ''
}
