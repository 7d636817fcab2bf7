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
  if (statusClass(plain.status) !== statusClass(benign.status)) {
    return {
      usable: false,
      reason: `the site answers ${plain.status} without the header but ${benign.status} with the benign value: it reacts to the header itself, so no variant can be judged`,
    }
  }
  const stable = plain.fingerprint === benign.fingerprint
  const healthy = plain.status < 400
  const notes = [
    stable
      ? 'body fingerprint is stable'
      : 'the body changed between the two clean requests, so only the status class is compared',
  ]
  if (!healthy) {
    notes.push(
      `the clean request itself answers ${plain.status}: a variant answering the same cannot be told apart from a block`,
    )
  }
  return {
    usable: true,
    status: plain.status,
    fingerprint: stable ? plain.fingerprint : null,
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
  if (statusClass(outcome.status) !== statusClass(baseline.status)) {
    return {
      class: 'blocked',
      reason: `status ${outcome.status} where the baseline answers ${baseline.status}`,
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

/** RFC 9110 §15: the first digit is the class of response. */
function statusClass(status: number): number {
  return Math.floor(status / 100)
}

function describe(outcome: Extract<ProbeOutcome, { kind: 'failed' }>): string {
  return `${outcome.reason} after ${outcome.elapsedMs} ms: ${outcome.detail}`
}
