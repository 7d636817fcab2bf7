// The referer probe's fetch port in workerd, against a Node site that misbehaves on purpose
// (test/servers/odd-http-site.ts): changing bodies, endless bodies, silence, redirects, and a block
// that answers 200 with another page.
import { describe, expect, inject, it } from 'vitest'
import type { RefererProbeReport } from '../../src/probes'
import { call } from './helpers'

const SITE = inject('oddSiteUrl')

async function probe(body: Record<string, unknown>): Promise<RefererProbeReport> {
  const res = await call('/probes/referer', {
    method: 'POST',
    token: true,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
  expect(res.status, await res.clone().text()).toBe(200)
  return (await res.json()) as RefererProbeReport
}

describe('the referer probe over fetch', () => {
  it('sees a block served with 200 by its body fingerprint (case-sensitive here)', async () => {
    const report = await probe({ url: `${SITE}/soft-block`, referers: ['casinospam'] })
    const [r] = report.results
    expect(report.baseline.fingerprintStable).toBe(true)
    expect(r?.verdict).toBe('case-sensitive-gap')
    expect(r?.blocked.find((b) => b.label === 'exact')).toMatchObject({ status: 200 })
    for (const b of r?.blocked ?? []) {
      expect(b.value).toContain('spam')
      expect(b.reason).toMatch(/different body/)
    }
    for (const a of r?.allowed ?? []) expect(a.value).not.toContain('spam')
    expect(r?.allowed.map((a) => a.label)).toContain('upper')
  })

  it('compares only statuses when the body changes per request', async () => {
    const report = await probe({ url: `${SITE}/changing`, referers: ['porn'] })
    expect(report.baseline.fingerprintStable).toBe(false)
    expect(report.results[0]?.verdict).toBe('not-blocked')
  })

  it('fingerprints only the first KiB, so a changing tail does not count', async () => {
    const report = await probe({ url: `${SITE}/big-tail`, referers: ['porn'], variants: 'none' })
    expect(report.baseline.fingerprintStable).toBe(true)
    expect(report.results[0]?.verdict).toBe('not-blocked')
  })

  it('reads one KiB of an endless body and moves on', async () => {
    const report = await probe({
      url: `${SITE}/endless`,
      referers: ['porn'],
      variants: 'none',
      timeoutMs: 3000,
    })
    expect(report.baseline.requests.map((r) => r.status)).toEqual([200, 200])
    expect(report.results[0]?.verdict).toBe('not-blocked')
  })

  it('gives up on a silent site after the per-request timeout: no verdict', async () => {
    const report = await probe({ url: `${SITE}/hang`, referers: ['porn'], timeoutMs: 300 })
    expect(report.baseline.usable).toBe(false)
    expect(report.baseline.requests[0]?.error).toMatch(/^timeout: no answer within 300 ms/)
    expect(report.results[0]?.verdict).toBe('inconclusive')
    expect(report.requests.sent).toBe(2)
  })

  it('does not follow redirects: the 302 is the answer compared', async () => {
    const report = await probe({ url: `${SITE}/redirect`, referers: ['porn'], variants: 'none' })
    expect(report.baseline.requests.map((r) => r.status)).toEqual([302, 302])
    expect(report.results[0]?.verdict).toBe('not-blocked')
    // The same target every time: the Location is recorded and compared.
    expect(report.baseline.requests[0]?.location).toBe('http://127.0.0.1:9/')
    expect(report.results[0]?.allowed[0]?.location).toBe('http://127.0.0.1:9/')
  })

  it('sends the request without the header again after the variants, and counts it', async () => {
    const report = await probe({ url: `${SITE}/soft-block`, referers: ['porn'], variants: 'none' })
    expect(report.baseline.recheck).toMatchObject({ label: 'without-header-after', status: 200 })
    expect(report.requests).toMatchObject({ planned: 4, sent: 4 })
    expect(report.results[0]?.verdict).toBe('not-blocked')
  })

  it('notes that HEAD compares only statuses and headers', async () => {
    const report = await probe({
      url: `${SITE}/soft-block`,
      referers: ['casinospam'],
      variants: 'none',
      method: 'HEAD',
    })
    expect(report.baseline.note).toMatch(/method HEAD: .*only status codes and headers/)
    // The 200 block page is invisible without a body.
    expect(report.results[0]?.verdict).toBe('not-blocked')
  })
})
