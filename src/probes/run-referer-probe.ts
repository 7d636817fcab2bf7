import { mapLimit } from '../lib/map-limit'
import { assessBaseline, type Baseline, classifyOutcome } from './classify'
import { RefererProbeError } from './errors'
import { buildFix, type Fix, needsFix } from './fix'
import { REFERER_PROBE_LIMITS as L } from './limits'
import { assessRecheck } from './recheck'
import { type CheckedRequest, checkRequest, type RefererProbeRequest } from './request'
import type { ProbeOutcome, RefererProbePorts, Variant } from './types'
import { generateVariants } from './variants'
import { decideVerdict, type Verdict } from './verdict'

/** Tries of one request whose connection fails before it counts as a block (a drop). */
const MAX_ATTEMPTS = 3

/** Without the header and with the benign value before the variants, without it again after. */
const BASELINE_REQUESTS = 3

const HEAD_NOTE =
  'method HEAD: answers have no body, so only status codes and headers (redirect Location) are compared; a block page served with 200 cannot be seen (use GET for that)'

/** One sent (or skipped) request, as the report shows it. */
export type ProbeRecord = {
  label: string
  value: string | null
  status?: number
  elapsedMs?: number
  fingerprint?: string
  /** The Location of a redirect (compared with the baseline's, not followed). */
  location?: string
  /** The timeout cut the body: `fingerprint` is over the bytes read, and only the status counted. */
  partialBody?: true
  error?: string
}

export type VariantRecord = ProbeRecord & { reason: string }

export type RefererResult = {
  referer: string
  verdict: Verdict
  summary: string
  blocked: VariantRecord[]
  allowed: VariantRecord[]
  unknown: VariantRecord[]
  fix: Fix | null
}

export type RefererProbeReport = {
  url: string
  method: 'GET' | 'HEAD'
  header: string
  /** Send it back as `seed` to replay the same random case mixes. */
  seed: number
  baseline: {
    usable: boolean
    /** Why not usable, or how variants are compared. */
    note: string
    fingerprintStable: boolean
    requests: [ProbeRecord, ProbeRecord]
    /** The request without the header sent again after the variants, to see the site did not change. */
    recheck?: ProbeRecord
  }
  results: RefererResult[]
  /** Every fix rule, ready to paste into a ModSecurity config. */
  fixRules: string
  requests: {
    planned: number
    sent: number
    skipped: number
    /** Requests sent again after a failed connection (not counted in sent). */
    retried: number
    maxInFlight: number
  }
  elapsedMs: number
  deadlineReached: boolean
}

/**
 * Tests whether a site blocks some Referer (or other header) values in every letter case:
 * two clean baseline requests, then each value as given plus its variants, each judged against
 * the baseline, a verdict per value and the ModSecurity rule that closes any gap.
 *
 * The seam for scheduled checks: a check kind calls this with its stored request and ports built
 * from `env`, and alerts when a verdict changes. Throws RefererProbeError for bad input only; a
 * site that fails or times out is reported, never thrown.
 */
export async function runRefererProbe(
  request: RefererProbeRequest,
  ports: RefererProbePorts,
): Promise<RefererProbeReport> {
  const req = checkRequest(request, ports.refuseHost)
  const seed = (request.seed ?? ports.newSeed()) >>> 0
  const perReferer = req.referers.map((referer) => {
    const variants = generateVariants(referer, {
      mode: req.variants,
      encodings: req.encodings,
      randomMixes: req.randomMixes,
      seed,
    })
    if (variants.length > L.maxVariants) {
      throw new RefererProbeError(
        'too_many_variants',
        'variants',
        `'${referer}' has ${variants.length} variants; the cap is ${L.maxVariants}`,
      )
    }
    return { referer, variants }
  })
  // One request per distinct value: overlapping variants of different referers are sent once.
  const values = [...new Set(perReferer.flatMap((r) => r.variants.map((v) => v.value)))]
  // Two clean baselines before the variants, and the one without the header again after them.
  const planned = values.length + BASELINE_REQUESTS
  if (planned > L.maxRequests) {
    throw new RefererProbeError(
      'too_many_requests',
      'referers',
      `this probe needs ${planned} requests (${BASELINE_REQUESTS} baseline requests + ${values.length} distinct values); the cap is ${L.maxRequests}: send fewer referers, fewer randomMixes or variants "none"`,
    )
  }

  const started = ports.now()
  const deadline = started + req.deadlineMs
  let sent = 0
  let retried = 0
  const send = async (value: string | null): Promise<ProbeOutcome | undefined> => {
    const left = deadline - ports.now()
    if (left <= 0) return undefined
    sent++
    const headers = value === null ? {} : { [req.header]: value }
    const request = { url: req.url.href, method: req.method, headers }
    let outcome = await ports.send(request, Math.min(req.timeoutMs, left))
    // A failed connection counts as a block (ModSecurity's drop), so it is tried again first, up
    // to twice: a server closing an idle kept-alive connection as it is reused fails the same
    // way, and the retry may be handed another such pooled connection (a CI run saw one block
    // without its 403 with a single retry).
    for (let attempt = 1; attempt < MAX_ATTEMPTS; attempt++) {
      const again = deadline - ports.now()
      if (outcome.kind !== 'failed' || outcome.reason !== 'network' || again <= 0) return outcome
      // Every planned request may still be sent: retries only use what is left of the budget.
      if (planned + retried >= L.maxSubrequests) return outcome
      retried++
      outcome = await ports.send(request, Math.min(req.timeoutMs, again))
    }
    return outcome
  }

  const [plain, benign] = await Promise.all([send(null), send(req.benign)])
  let baseline: Baseline =
    plain && benign
      ? assessBaseline(plain, benign, req.blockedStatus)
      : { usable: false, reason: 'the overall deadline was reached before the baseline' }
  const outcomes = new Map<string, ProbeOutcome | undefined>()
  let recheck: ProbeRecord | undefined
  if (baseline.usable) {
    const results = await mapLimit(values, L.maxInFlight, (value) => send(value))
    for (const [i, value] of values.entries()) outcomes.set(value, results[i])
    // Sent last, so a site that changed during the run (a clock on the page, a rate limit that
    // set in) shows up here instead of as blocked variants.
    const again = await send(null)
    recheck = record('without-header-after', null, again)
    const judged = assessRecheck(baseline, again, req.blockedStatus)
    baseline = judged.usable ? judged.baseline : { usable: false, reason: judged.reason }
  }

  let nextId = req.fixBaseId
  const results = perReferer.map(({ referer, variants }) =>
    judgeReferer(referer, variants, baseline, outcomes, req, () => nextId++),
  )
  const notes = [baseline.usable ? baseline.note : `no verdict: ${baseline.reason}`]
  // HEAD answers carry no body: every fingerprint is the empty one.
  if (req.method === 'HEAD') notes.push(HEAD_NOTE)
  return {
    url: req.url.href,
    method: req.method,
    header: req.header,
    seed,
    baseline: {
      usable: baseline.usable,
      note: notes.join('; '),
      fingerprintStable: baseline.usable && baseline.fingerprint !== null,
      requests: [record('without-header', null, plain), record('benign', req.benign, benign)],
      ...(recheck ? { recheck } : {}),
    },
    results,
    fixRules: results.flatMap((r) => (r.fix?.rule ? [r.fix.rule] : [])).join('\n'),
    requests: { planned, sent, skipped: planned - sent, retried, maxInFlight: L.maxInFlight },
    elapsedMs: Math.round(ports.now() - started),
    deadlineReached: ports.now() >= deadline,
  }
}

function judgeReferer(
  referer: string,
  variants: readonly Variant[],
  baseline: Baseline,
  outcomes: ReadonlyMap<string, ProbeOutcome | undefined>,
  req: CheckedRequest,
  takeId: () => number,
): RefererResult {
  if (!baseline.usable) {
    // Variants are sent only after a usable baseline; then only a site that changed during the
    // run takes it away, and their answers are shown, unjudged.
    const sent = variants.some((v) => outcomes.get(v.value) !== undefined)
    return {
      referer,
      verdict: 'inconclusive',
      summary: `${sent ? 'no verdict' : 'not tested'}: ${baseline.reason}`,
      blocked: [],
      allowed: [],
      unknown: variants.map((v) => {
        const outcome = outcomes.get(v.value)
        return {
          ...record(v.label, v.value, outcome),
          reason: outcome ? 'not judged: the site changed during the run' : 'not sent',
        }
      }),
      fix: null,
    }
  }
  const judged = variants.map((v) => ({
    ...v,
    outcome: outcomes.get(v.value),
    classification: classifyOutcome(outcomes.get(v.value), baseline, req.blockedStatus),
  }))
  const { verdict, summary } = decideVerdict(judged)
  const pick = (cls: 'blocked' | 'allowed' | 'unknown') =>
    judged
      .filter((j) => j.classification.class === cls)
      .map((j) => ({ ...record(j.label, j.value, j.outcome), reason: j.classification.reason }))
  return {
    referer,
    verdict,
    summary,
    blocked: pick('blocked'),
    allowed: pick('allowed'),
    unknown: pick('unknown'),
    // Ids are handed out only to terms that need a rule, so they stay consecutive.
    fix: needsFix(verdict)
      ? buildFix(referer, verdict, req.header, takeId(), {
          ...req.fix,
          urlDecode: judged.some(
            (j) => j.label.startsWith('encoded') && j.classification.class === 'allowed',
          ),
        })
      : null,
  }
}

function record(
  label: string,
  value: string | null,
  outcome: ProbeOutcome | undefined,
): ProbeRecord {
  if (!outcome) return { label, value, error: 'not sent' }
  if (outcome.kind === 'failed') {
    return {
      label,
      value,
      elapsedMs: outcome.elapsedMs,
      error: `${outcome.reason}: ${outcome.detail}`,
    }
  }
  return {
    label,
    value,
    status: outcome.status,
    elapsedMs: outcome.elapsedMs,
    fingerprint: outcome.fingerprint,
    ...(outcome.location !== undefined ? { location: outcome.location } : {}),
    ...(outcome.partialBody ? { partialBody: true as const } : {}),
  }
}
