import { type Baseline, sameRedirect, statusClass, throttleReason } from './classify'
import type { ProbeOutcome } from './types'

type UsableBaseline = Extract<Baseline, { usable: true }>

/**
 * The baseline as it stands after the request without the header was sent once more, after the
 * variants. Two clean requests sent together cannot see a page that changes over seconds (a
 * clock): they match, the variants sent later differ, and every variant looks blocked. The
 * request sent last catches that: if it differs from the first, the comparison the variants were
 * judged by did not hold for the whole run.
 */
export type Recheck =
  /** Still comparable: the baseline to judge by (maybe reduced to status classes, noted). */
  | { usable: true; baseline: UsableBaseline }
  /** The site itself changed status during the run: no variant can be judged. */
  | { usable: false; reason: string }

/**
 * Judges the request sent after the variants (`again`; undefined when the deadline came first)
 * against the baseline taken before them, with the comparison `classifyOutcome` uses: the status
 * class, the body fingerprint and the redirect.
 */
export function assessRecheck(
  baseline: UsableBaseline,
  again: ProbeOutcome | undefined,
  blockedStatus: readonly number[],
): Recheck {
  const before = `answered ${baseline.status} before the variants`
  if (!again) {
    const note =
      'the request without the header could not be sent again after the variants (deadline), so a change over time was not ruled out'
    return { usable: true, baseline: { ...baseline, note: `${baseline.note}; ${note}` } }
  }
  // A timeout says the site was slow, not that it changed: the recheck runs last, on what is left
  // of the deadline (often less than timeoutMs), and a variant that times out is only unknown.
  // A network failure (after its retries) is a site that now refuses connections.
  if (again.kind === 'failed' && again.reason === 'timeout') {
    const note = `the request without the header, sent again after the variants, timed out (${again.detail}), so a change over time was not ruled out`
    return { usable: true, baseline: { ...baseline, note: `${baseline.note}; ${note}` } }
  }
  if (again.kind === 'failed') {
    return {
      usable: false,
      reason: `the request without the header ${before} but failed after them (${again.reason}: ${again.detail}): the site changed during the run, so no variant can be judged`,
    }
  }
  const throttled = throttleReason(again, blockedStatus)
  if (
    throttled ||
    blockedStatus.includes(again.status) ||
    statusClass(again.status) !== statusClass(baseline.status)
  ) {
    return {
      usable: false,
      reason: `the request without the header ${before} but ${throttled ?? `status ${again.status}`} after them: the site changed during the run (rate limiting or an outage), so no variant can be judged`,
    }
  }
  // A recheck body cut by the timeout cannot show the page stayed the same: the fingerprints the
  // variants were judged by are then not trusted, and only the status class is compared.
  const bodyCut = baseline.fingerprint !== null && again.partialBody === true
  const bodyChanged = baseline.fingerprint !== null && again.fingerprint !== baseline.fingerprint
  const redirectChanged = baseline.redirect !== null && !sameRedirect(again, baseline.redirect)
  if (!bodyCut && !bodyChanged && !redirectChanged) return { usable: true, baseline }
  const what = bodyCut
    ? 'a body cut by the timeout'
    : bodyChanged
      ? 'another body'
      : `another redirect (${again.location ?? 'no Location'})`
  const note = `but the request without the header, sent again after the variants, got ${what}: the page changes over time, so only the status class is compared`
  return {
    usable: true,
    baseline: {
      ...baseline,
      fingerprint: null,
      redirect: null,
      note: `${baseline.note}; ${note}`,
    },
  }
}
