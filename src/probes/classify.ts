import type { ProbeOutcome } from './types'

/**
 * What the clean requests say about the site. "Blocked" is defined against this baseline, not as
 * "403": ModSecurity denies with whatever `status:` the rule names (500 in the classic trap), and
 * other sites redirect or serve an error page with 200.
 */
export type Baseline =
  | { usable: false; reason: string }
  | {
      usable: true
      status: number
      /** Null when the two clean requests got different bodies: compare statuses only. */
      fingerprint: string | null
      /**
       * The clean answer's redirect (status and Location), or null when it does not redirect or the
       * two clean requests redirect differently. A variant redirected elsewhere is treated
       * differently, even when both bodies are empty.
       */
      redirect: { status: number; location: string | null } | null
      /** 2xx/3xx: "same as the baseline" then means "allowed". */
      healthy: boolean
      note: string
    }

export type Classification = {
  class: 'blocked' | 'allowed' | 'unknown'
  reason: string
}

/**
 * Judges the two clean requests: one without the header, one with a benign value. Taking two also
 * tells whether the body is stable; a page that changes per request (a timestamp, a nonce) has no
 * usable fingerprint, and then only the status class counts.
 */
export function assessBaseline(
  plain: ProbeOutcome,
  benign: ProbeOutcome,
  blockedStatus: readonly number[],
): Baseline {
  if (plain.kind === 'failed') {
    return { usable: false, reason: `the request without the header failed (${describe(plain)})` }
  }
  if (benign.kind === 'failed') {
    return {
      usable: false,
      reason: `the request with the benign value failed (${describe(benign)})`,
    }
  }
  if (blockedStatus.includes(plain.status)) {
    return {
      usable: false,
      reason: `the clean request already answers ${plain.status}, which blockedStatus counts as blocked`,
    }
  }
  for (const [which, outcome] of [
    ['without the header', plain],
    ['with the benign value', benign],
  ] as const) {
    const throttled = throttleReason(outcome, blockedStatus)
    if (throttled) {
      return {
        usable: false,
        reason: `the clean request ${which} got ${throttled}: try again later`,
      }
    }
  }
  if (statusClass(plain.status) !== statusClass(benign.status)) {
    return {
      usable: false,
      reason: `the site answers ${plain.status} without the header but ${benign.status} with the benign value: it reacts to the header itself, so no variant can be judged`,
    }
  }
  // A fingerprint over a body the timeout cut is over whatever had arrived: it cannot stand for
  // the page, so a cut clean body leaves only the status class to compare.
  const cut = plain.partialBody === true || benign.partialBody === true
  const stable = !cut && plain.fingerprint === benign.fingerprint
  const healthy = plain.status < 400
  const notes = [
    cut
      ? 'the body of a clean request was cut by the timeout, so only the status class is compared'
      : stable
        ? 'body fingerprint is stable'
        : 'the body changed between the two clean requests, so only the status class is compared',
  ]
  let redirect: { status: number; location: string | null } | null = null
  if (statusClass(plain.status) === 3) {
    if (sameRedirect(plain, benign)) {
      redirect = { status: plain.status, location: plain.location ?? null }
    } else {
      notes.push('the two clean requests redirect differently, so the Location is not compared')
    }
  }
  if (!healthy) {
    notes.push(
      `the clean request itself answers ${plain.status}: a variant answering the same cannot be told apart from a block`,
    )
  }
  return {
    usable: true,
    status: plain.status,
    fingerprint: stable ? plain.fingerprint : null,
    redirect,
    healthy,
    note: notes.join('; '),
  }
}

/**
 * Classifies one variant's outcome against a usable baseline. `undefined` means the request was
 * never sent (the overall deadline came first).
 */
export function classifyOutcome(
  outcome: ProbeOutcome | undefined,
  baseline: Extract<Baseline, { usable: true }>,
  blockedStatus: readonly number[],
): Classification {
  if (!outcome) return { class: 'unknown', reason: 'not sent: the overall deadline was reached' }
  if (outcome.kind === 'failed') {
    // ModSecurity's `drop` action closes the connection: a refusal the baseline did not get is a
    // block. A timeout may just be a slow network, so it proves nothing.
    return outcome.reason === 'network'
      ? {
          class: 'blocked',
          reason: `connection failed (${outcome.detail}) while the baseline answered`,
        }
      : { class: 'unknown', reason: `no answer in time (${describe(outcome)})` }
  }
  if (blockedStatus.includes(outcome.status)) {
    return { class: 'blocked', reason: `status ${outcome.status} is listed in blockedStatus` }
  }
  // "Come back later" says how busy the site is, not what it thinks of the value: counted as a
  // block, a rate limit hit halfway through a probe made gaps out of values nothing blocks.
  const throttled = throttleReason(outcome, blockedStatus)
  if (throttled) {
    return { class: 'unknown', reason: `${throttled}, which says nothing about the value` }
  }
  if (statusClass(outcome.status) !== statusClass(baseline.status)) {
    return {
      class: 'blocked',
      reason: `status ${outcome.status} where the baseline answers ${baseline.status}`,
    }
  }
  const redirect = baseline.redirect
  if (redirect && !sameRedirect(outcome, redirect)) {
    return {
      class: 'blocked',
      reason: `redirected (${outcome.status} to ${outcome.location ?? 'no Location'}) where the baseline answers ${redirect.status} to ${redirect.location ?? 'no Location'}`,
    }
  }
  // A variant whose body the timeout cut is compared by status only (class and redirect, above),
  // not called unknown: its fingerprint covers only the bytes that arrived, so differing from a
  // complete baseline body proves nothing, while its status is a whole answer. A block page
  // served with the baseline's status and a stalled body is then missed, as with a page whose
  // body changes per request.
  if (outcome.partialBody) {
    if (!baseline.healthy) {
      return {
        class: 'unknown',
        reason: `answers like the baseline (${baseline.status}), which is itself an error; body cut by the timeout`,
      }
    }
    return {
      class: 'allowed',
      reason: `same status as the baseline (${outcome.status}); body cut by the timeout, so not compared`,
    }
  }
  if (baseline.fingerprint !== null && outcome.fingerprint !== baseline.fingerprint) {
    return {
      class: 'blocked',
      reason: `status ${outcome.status} like the baseline, but a different body`,
    }
  }
  if (!baseline.healthy) {
    return {
      class: 'unknown',
      reason: `answers like the baseline (${baseline.status}), which is itself an error`,
    }
  }
  return { class: 'allowed', reason: `same as the baseline (${outcome.status})` }
}

/**
 * Why an answer means "come back later", or null: 429 (RFC 6585 §4), 503 (RFC 9110 §15.6.4) or a
 * Retry-After header (RFC 9110 §10.2.3). A status the caller lists in blockedStatus is a block
 * on their word, even 429 or 503.
 */
export function throttleReason(
  outcome: Extract<ProbeOutcome, { kind: 'response' }>,
  blockedStatus: readonly number[],
): string | null {
  if (blockedStatus.includes(outcome.status)) return null
  return throttledAnswer(outcome.status, outcome.retryAfter)
}

/**
 * Why a status means "come back later" rather than an answer about the request: 429 (RFC 6585
 * §4), 503 (RFC 9110 §15.6.4), or another error status with Retry-After. On a 2xx or 3xx,
 * Retry-After only paces the client (a redirect to follow later, RFC 9110 §10.2.3): no throttle.
 * Shared by the probe and the scheduled referer check.
 */
export function throttledAnswer(status: number, retryAfter: string | undefined): string | null {
  if (status === 429) return 'status 429 (Too Many Requests: rate limited)'
  if (status === 503) return 'status 503 (Service Unavailable)'
  if (retryAfter !== undefined && status >= 400) {
    return `status ${status} with Retry-After: ${retryAfter}`
  }
  return null
}

/** The same redirect: status code and Location (both as sent). */
export function sameRedirect(
  a: { status: number; location?: string | null | undefined },
  b: { status: number; location?: string | null | undefined },
): boolean {
  return a.status === b.status && (a.location ?? null) === (b.location ?? null)
}

/** RFC 9110 §15: the first digit is the class of response. */
export function statusClass(status: number): number {
  return Math.floor(status / 100)
}

function describe(outcome: Extract<ProbeOutcome, { kind: 'failed' }>): string {
  return `${outcome.reason} after ${outcome.elapsedMs} ms: ${outcome.detail}`
}
