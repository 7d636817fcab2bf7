// POST /probes/referer in workerd against a real Apache + ModSecurity on loopback
// (test/servers/apache-modsec, started by the global setup on ephemeral ports).
import { describe, expect, inject, it } from 'vitest'
import type { RefererProbeReport } from '../../src/probes'
import { call, problemOf } from './helpers'

const TRAP = inject('apacheTrapUrl')
const FIXED = inject('apacheFixedUrl')

async function probe(body: unknown): Promise<RefererProbeReport> {
  const res = await call('/probes/referer', {
    method: 'POST',
    token: true,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
  expect(res.status, await res.clone().text()).toBe(200)
  return (await res.json()) as RefererProbeReport
}

function byReferer(report: RefererProbeReport) {
  return Object.fromEntries(report.results.map((r) => [r.referer, r]))
}

describe('POST /probes/referer against Apache + ModSecurity', () => {
  it('finds the case-sensitive gap, the two fixed rules and the benign referer, with fix rules', async () => {
    const report = await probe({
      url: TRAP,
      referers: [
        'http://porn.example/',
        'http://fishingscum.example/',
        'http://casinospam.example/',
        'http://clean.example/',
      ],
    })
    expect(report.baseline).toMatchObject({ usable: true, fingerprintStable: true })
    expect(report.baseline.requests.map((r) => r.status)).toEqual([200, 200])
    const r = byReferer(report)

    const trap = r['http://porn.example/']
    expect(trap?.verdict).toBe('case-sensitive-gap')
    // Blocked exactly as written (rule 1001 answers 500), allowed in the other cases.
    expect(trap?.blocked.find((b) => b.label === 'exact')).toMatchObject({ status: 500 })
    expect(trap?.allowed.map((a) => a.label)).toEqual(
      expect.arrayContaining(['upper', 'capitalized', 'alternating']),
    )
    for (const a of trap?.allowed ?? []) {
      expect(a.status).toBe(200)
      expect(a.value).not.toContain('porn')
    }
    expect(trap?.fix?.rule).toBe(inject('apacheFixedRule'))

    for (const fixed of ['http://fishingscum.example/', 'http://casinospam.example/']) {
      expect(r[fixed]?.verdict, fixed).toBe('blocked-in-every-case')
      expect(r[fixed]?.allowed, fixed).toEqual([])
      expect(r[fixed]?.blocked.length, fixed).toBeGreaterThanOrEqual(5)
      expect(r[fixed]?.fix, fixed).toBeNull()
    }
    // Every variant blocked by its rule's status, none by a failed connection (the report is
    // shown whole if one was).
    for (const [fixed, status] of [
      ['http://fishingscum.example/', 500],
      ['http://casinospam.example/', 403],
    ] as const) {
      const blocked = r[fixed]?.blocked ?? []
      expect(
        blocked.map((b) => b.status),
        `${fixed}: ${JSON.stringify(blocked)}, requests ${JSON.stringify(report.requests)}`,
      ).toEqual(blocked.map(() => status))
    }

    expect(r['http://clean.example/']?.verdict).toBe('not-blocked')
    expect(r['http://clean.example/']?.blocked).toEqual([])

    expect(r['http://clean.example/']?.fix).toBeNull()
    expect(report.fixRules).toBe(inject('apacheFixedRule'))
    expect(report.requests.sent).toBe(report.requests.planned)
    expect(report.deadlineReached).toBe(false)
  })

  it('finds the encoding gap of the trap rule and none behind t:urlDecode', async () => {
    const report = await probe({
      url: TRAP,
      referers: ['http://example.test/?q=porn', 'http://example.test/?q=pillspam'],
      variants: 'none',
      encodings: true,
    })
    const r = byReferer(report)
    expect(r['http://example.test/?q=porn']?.verdict).toBe('encoding-gap')
    expect(r['http://example.test/?q=porn']?.fix?.rule).toContain('t:none,t:urlDecode,t:lowercase')
    expect(r['http://example.test/?q=pillspam']?.verdict).toBe('blocked-in-every-case')
  })

  it('confirms the suggested fix: the site running it blocks every case', async () => {
    const report = await probe({ url: FIXED, referers: ['http://porn.example/'], randomMixes: 8 })
    const [result] = report.results
    expect(result?.verdict).toBe('blocked-in-every-case')
    const blocked = result?.blocked ?? []
    expect(
      blocked.map((b) => b.status),
      `${JSON.stringify(blocked)}, requests ${JSON.stringify(report.requests)}`,
    ).toEqual(blocked.map(() => 403))
  })

  it('answers a terminal report with format=text', async () => {
    const res = await call('/probes/referer?format=text', {
      method: 'POST',
      token: true,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ url: TRAP, referers: ['http://porn.example/'] }),
    })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/)
    const text = await res.text()
    expect(text).toContain('http://porn.example/: CASE SENSITIVE GAP')
    expect(text.trimEnd().endsWith(inject('apacheFixedRule'))).toBe(true)
  })

  it('replays the same variants from the seed of a report', async () => {
    const first = await probe({ url: TRAP, referers: ['http://porn.example/'] })
    const again = await probe({ url: TRAP, referers: ['http://porn.example/'], seed: first.seed })
    const values = (rep: RefererProbeReport) =>
      rep.results.flatMap((x) => [...x.blocked, ...x.allowed].map((v) => v.value)).sort()
    expect(values(again)).toEqual(values(first))
  })

  it('tests another header the same way (User-Agent: nothing blocks it here)', async () => {
    const report = await probe({
      url: TRAP,
      header: 'User-Agent',
      referers: ['porn-crawler/1.0'],
      variants: 'none',
      method: 'HEAD',
    })
    expect(report.results[0]?.verdict).toBe('not-blocked')
    expect(report.header).toBe('User-Agent')
    expect(report.results[0]?.allowed.map((a) => a.status)).toEqual([200])
  })

  it('gives no verdict when every request fails (a closed port)', async () => {
    const closed = new URL(TRAP)
    closed.port = '9' // discard: nothing listens there on a test machine
    const report = await probe({ url: closed.href, referers: ['porn'], timeoutMs: 2000 })
    // In production fetch throws and the baseline is unusable; the test harness's outbound
    // service turns the refused connection into a 500, the "site that answers 500 to
    // everything" case. Either way: no verdict, and a 200 report rather than an error.
    expect(report.results[0]?.verdict).toBe('inconclusive')
    expect(report.results[0]?.blocked).toEqual([])
    expect(report.results[0]?.allowed).toEqual([])
  })
})

describe('POST /probes/referer input', () => {
  const post = (body: unknown, token = true) =>
    call('/probes/referer', {
      method: 'POST',
      token,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    })

  it('needs the API token', async () => {
    const res = await post({ url: TRAP, referers: ['porn'] }, false)
    expect(res.status).toBe(401)
    expect((await problemOf(res)).type).toBe('/problems/unauthorized')
  })

  it.each([
    [{ url: TRAP }, 'json.referers'],
    [{ url: TRAP, referers: ['porn'], referrers: ['typo'] }, 'json'],
    [{ url: TRAP, referers: ['porn'], method: 'POST' }, 'json.method'],
    [{ url: TRAP, referers: ['porn'], randomMixes: 99 }, 'json.randomMixes'],
    [{ url: 'gopher://127.0.0.1/', referers: ['porn'] }, 'json.url'],
    [{ url: TRAP, referers: ['porn\r\nX-Injected: 1'] }, 'json.referers.0'],
    [{ url: TRAP, referers: ['porn'], header: 'Host' }, 'json.header'],
    [{ url: TRAP, referers: ['a', 'b'], variants: ['A'] }, 'json.variants'],
    [
      { url: TRAP, referers: Array.from({ length: 8 }, (_, i) => `term${i}`), randomMixes: 8 },
      'json.referers',
    ],
    // fetch strips leading and trailing blanks: the value would not be sent as given.
    [{ url: TRAP, referers: ['porn '] }, 'json.referers.0'],
    [{ url: TRAP, referers: ['ok', '\tporn'] }, 'json.referers.1'],
    [{ url: TRAP, referers: ['porn'], variants: ['PORN '] }, 'json.variants.0'],
  ])('answers 422 problem+json naming the field (%#)', async (body, path) => {
    const res = await post(body)
    expect(res.status).toBe(422)
    const p = await problemOf(res)
    const errors = p.errors as { path: string; message: string }[]
    expect(errors.map((e) => e.path)).toContain(path)
    expect(String(p.detail)).not.toBe('')
  })

  it('answers 413 problem+json for a body over 64 KiB, before reading it as a probe', async () => {
    const res = await post({ url: TRAP, referers: ['x'.repeat(70_000)] })
    expect(res.status).toBe(413)
    const p = await problemOf(res)
    expect(p.type).toBe('/problems/body-too-large')
    expect(String(p.detail)).toContain('65536')
  })

  it('takes the largest valid request under the cap (15 escaped 512-character variants)', async () => {
    const quoted = '"'.repeat(511)
    const res = await post({
      url: 'gopher://127.0.0.1/',
      referers: [`a${quoted}`],
      variants: Array.from({ length: 15 }, (_, i) => `${i}${quoted}`.slice(0, 512)),
      benign: `b${quoted}`,
    })
    // Refused for its url (422), not for its size.
    expect(res.status).toBe(422)
  })

  it('documents the 413 in the OpenAPI document', async () => {
    const res = await call('/openapi.json')
    const doc = (await res.json()) as {
      paths: Record<string, Record<string, { responses: Record<string, unknown> }>>
    }
    expect(Object.keys(doc.paths['/probes/referer']?.post?.responses ?? {})).toContain('413')
  })
})
