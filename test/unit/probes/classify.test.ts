import { describe, expect, it } from 'vitest'
import { assessBaseline, classifyOutcome, throttledAnswer } from '../../../src/probes/classify'
import type { ProbeOutcome } from '../../../src/probes/types'

const ok = (status: number, fingerprint: string): ProbeOutcome => ({
  kind: 'response',
  status,
  elapsedMs: 3,
  fingerprint,
})
const failed = (reason: 'timeout' | 'network'): ProbeOutcome => ({
  kind: 'failed',
  reason,
  detail: 'boom',
  elapsedMs: 5,
})

function usable(plain: ProbeOutcome, benign: ProbeOutcome, blockedStatus: number[] = []) {
  const b = assessBaseline(plain, benign, blockedStatus)
  if (!b.usable) throw new Error(`baseline unusable: ${b.reason}`)
  return b
}

describe('assessBaseline', () => {
  it('keeps the fingerprint when both clean requests got the same body', () => {
    expect(usable(ok(200, 'a'), ok(200, 'a'))).toMatchObject({
      status: 200,
      fingerprint: 'a',
      healthy: true,
    })
  })

  it('drops the fingerprint of a body that changes per request', () => {
    const b = usable(ok(200, 'a'), ok(200, 'b'))
    expect(b.fingerprint).toBeNull()
    expect(b.note).toMatch(/only the status class/)
  })

  it('is unusable when a clean request fails, or the header itself changes the status class', () => {
    expect(assessBaseline(failed('timeout'), ok(200, 'a'), [])).toMatchObject({
      usable: false,
      reason: expect.stringMatching(/without the header failed/),
    })
    expect(assessBaseline(ok(200, 'a'), failed('network'), [])).toMatchObject({ usable: false })
    expect(assessBaseline(ok(200, 'a'), ok(403, 'x'), [])).toMatchObject({
      usable: false,
      reason: expect.stringMatching(/reacts to the header itself/),
    })
  })

  it('is unusable when the clean status is one the caller counts as blocked', () => {
    expect(assessBaseline(ok(500, 'e'), ok(500, 'e'), [500])).toMatchObject({ usable: false })
  })
})

describe('classifyOutcome', () => {
  const healthy = usable(ok(200, 'page'), ok(200, 'page'))

  it('calls a different status class blocked, whatever the status (500 from ModSecurity)', () => {
    expect(classifyOutcome(ok(500, 'err'), healthy, [])).toMatchObject({
      class: 'blocked',
      reason: 'status 500 where the baseline answers 200',
    })
    expect(classifyOutcome(ok(302, 'redir'), healthy, []).class).toBe('blocked')
  })

  it('calls the same status with another body blocked (an error page served with 200)', () => {
    expect(classifyOutcome(ok(200, 'denied-page'), healthy, [])).toMatchObject({
      class: 'blocked',
      reason: expect.stringMatching(/different body/),
    })
  })

  it('calls an identical answer allowed', () => {
    expect(classifyOutcome(ok(200, 'page'), healthy, []).class).toBe('allowed')
  })

  it('compares only statuses when the body changes per request', () => {
    const unstable = usable(ok(200, 't1'), ok(200, 't2'))
    expect(classifyOutcome(ok(200, 't3'), unstable, []).class).toBe('allowed')
    expect(classifyOutcome(ok(403, 't4'), unstable, []).class).toBe('blocked')
  })

  it('cannot tell a block from a site that answers 500 to everything', () => {
    const broken = usable(ok(500, 'oops'), ok(500, 'oops'))
    expect(broken.healthy).toBe(false)
    expect(classifyOutcome(ok(500, 'oops'), broken, [])).toMatchObject({
      class: 'unknown',
      reason: expect.stringMatching(/itself an error/),
    })
    // ...but a block that looks different is still seen.
    expect(classifyOutcome(ok(403, 'denied'), broken, []).class).toBe('blocked')
  })

  it('counts blockedStatus as blocked even in the same class', () => {
    const notFound = usable(ok(404, 'nf'), ok(404, 'x'))
    expect(classifyOutcome(ok(403, 'y'), notFound, [403])).toMatchObject({
      class: 'blocked',
      reason: 'status 403 is listed in blockedStatus',
    })
  })

  it('treats a closed connection as a block (ModSecurity drop) and a timeout as unknown', () => {
    expect(classifyOutcome(failed('network'), healthy, []).class).toBe('blocked')
    expect(classifyOutcome(failed('timeout'), healthy, []).class).toBe('unknown')
    expect(classifyOutcome(undefined, healthy, [])).toMatchObject({
      class: 'unknown',
      reason: expect.stringMatching(/deadline/),
    })
  })
})

describe('rate limiting is not a block', () => {
  const healthy = usable(ok(200, 'page'), ok(200, 'page'))
  const withRetryAfter = (status: number): ProbeOutcome => ({
    kind: 'response',
    status,
    elapsedMs: 3,
    fingerprint: 'slow-down',
    retryAfter: '30',
  })

  it.each([
    ['429', ok(429, 'too-many')],
    ['503', ok(503, 'busy')],
    ['a 403 with Retry-After', withRetryAfter(403)],
  ])('calls %s unknown, naming why', (_, outcome) => {
    const c = classifyOutcome(outcome, healthy, [])
    expect(c.class).toBe('unknown')
    expect(c.reason).toMatch(/429|503|Retry-After/)
  })

  it('reads Retry-After on a 2xx or 3xx as pacing, not throttling (RFC 9110 §10.2.3)', () => {
    expect(classifyOutcome(withRetryAfter(200), healthy, []).class).not.toBe('unknown')
    expect(throttledAnswer(301, '0')).toBeNull()
    expect(throttledAnswer(200, '5')).toBeNull()
    expect(throttledAnswer(403, '5')).toBe('status 403 with Retry-After: 5')
    expect(throttledAnswer(429, undefined)).toMatch(/429/)
  })

  it('still counts 429 as blocked when the caller lists it in blockedStatus', () => {
    expect(classifyOutcome(ok(429, 'x'), healthy, [429]).class).toBe('blocked')
  })

  it('gives no usable baseline when a clean request is rate limited', () => {
    expect(assessBaseline(ok(429, 'x'), ok(429, 'x'), [])).toMatchObject({
      usable: false,
      reason: expect.stringMatching(/429 .*try again later/),
    })
    expect(assessBaseline(ok(200, 'a'), withRetryAfter(500), [])).toMatchObject({ usable: false })
    // A redirect that asks to be followed later is still a usable baseline.
    expect(assessBaseline(withRetryAfter(200), withRetryAfter(200), [])).toMatchObject({
      usable: true,
    })
  })
})

describe('redirects', () => {
  const redirect = (status: number, location?: string): ProbeOutcome => ({
    kind: 'response',
    status,
    elapsedMs: 3,
    fingerprint: 'empty',
    location,
  })
  const home = usable(redirect(301, '/home'), redirect(301, '/home'))

  it('records the baseline redirect', () => {
    expect(home.redirect).toEqual({ status: 301, location: '/home' })
  })

  it('calls another redirect status or target blocked, the same one allowed', () => {
    expect(classifyOutcome(redirect(302, '/blocked.html'), home, [])).toMatchObject({
      class: 'blocked',
      reason: 'redirected (302 to /blocked.html) where the baseline answers 301 to /home',
    })
    expect(classifyOutcome(redirect(301, '/blocked.html'), home, []).class).toBe('blocked')
    expect(classifyOutcome(redirect(302, '/home'), home, []).class).toBe('blocked')
    expect(classifyOutcome(redirect(301), home, []).class).toBe('blocked')
    expect(classifyOutcome(redirect(301, '/home'), home, []).class).toBe('allowed')
  })

  it('does not compare targets when the two clean requests redirect differently', () => {
    const varying = usable(redirect(302, '/s?id=1'), redirect(302, '/s?id=2'))
    expect(varying.redirect).toBeNull()
    expect(varying.note).toMatch(/redirect differently/)
    expect(classifyOutcome(redirect(302, '/s?id=3'), varying, []).class).toBe('allowed')
  })
})

describe('a body the timeout cut', () => {
  const cut = (status: number, fingerprint: string): ProbeOutcome => ({
    kind: 'response',
    status,
    elapsedMs: 2000,
    fingerprint,
    partialBody: true,
  })
  const healthy = usable(ok(200, 'page'), ok(200, 'page'))

  it('is compared by status only: another fingerprint is not a block', () => {
    expect(classifyOutcome(cut(200, 'first-3-bytes'), healthy, [])).toMatchObject({
      class: 'allowed',
      reason: expect.stringMatching(/body cut by the timeout/),
    })
  })

  it('still counts its status: another class is a block', () => {
    expect(classifyOutcome(cut(500, 'x'), healthy, []).class).toBe('blocked')
  })

  it('in a clean request leaves only the status class to compare', () => {
    const b = usable(cut(200, 'abc'), cut(200, 'abc'))
    expect(b.fingerprint).toBeNull()
    expect(b.note).toMatch(/cut by the timeout, so only the status class/)
    // a complete variant body is then not a block merely for differing from the cut one
    expect(classifyOutcome(ok(200, 'whole-page'), b, []).class).toBe('allowed')
  })
})
