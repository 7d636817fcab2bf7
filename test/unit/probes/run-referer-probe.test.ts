import { describe, expect, it } from 'vitest'
import {
  type ProbeOutcome,
  type ProbeRequest,
  RefererProbeError,
  type RefererProbePorts,
  runRefererProbe,
} from '../../../src/probes'
import { modsecLikeSite } from './fake-site'

function ports(site: (req: ProbeRequest) => ProbeOutcome, extra: Partial<RefererProbePorts> = {}) {
  const sent: ProbeRequest[] = []
  const p: RefererProbePorts = {
    send: async (req) => {
      sent.push(req)
      return site(req)
    },
    now: () => Date.now(),
    newSeed: () => 7,
    refuseHost: () => null,
    ...extra,
  }
  return { ports: p, sent }
}

const URL_ = 'http://127.0.0.1:8081/'

describe('runRefererProbe', () => {
  it('finds the case-sensitive gap and the fix, and blocked-in-every-case for the fixed rules', async () => {
    const { ports: p, sent } = ports(modsecLikeSite)
    const report = await runRefererProbe(
      {
        url: URL_,
        referers: [
          'http://porn.example/',
          'http://fishingscum.example/',
          'casinospam',
          'http://clean.example/',
        ],
      },
      p,
    )
    expect(report.seed).toBe(7)
    expect(report.baseline).toMatchObject({ usable: true, fingerprintStable: true })
    expect(sent[0]?.headers).toEqual({})
    expect(sent[1]?.headers).toEqual({ Referer: 'http://127.0.0.1:8081/' })
    const byReferer = Object.fromEntries(report.results.map((r) => [r.referer, r]))
    const porn = byReferer['http://porn.example/']
    expect(porn?.verdict).toBe('case-sensitive-gap')
    expect(porn?.blocked.map((b) => b.label)).toContain('exact')
    expect(porn?.allowed.map((a) => a.label)).toEqual(
      expect.arrayContaining(['upper', 'capitalized', 'alternating']),
    )
    expect(porn?.fix?.rule).toMatch(
      /^SecRule REQUEST_HEADERS:Referer "@rx http:\/\/porn\\\.example\/" "id:10100,.*,t:none,t:urlDecode,t:lowercase,msg:'Referer contains http:\/\/porn\.example\/'"$/,
    )
    expect(byReferer['http://fishingscum.example/']?.verdict).toBe('blocked-in-every-case')
    expect(byReferer['http://fishingscum.example/']?.fix).toBeNull()
    expect(byReferer.casinospam?.verdict).toBe('blocked-in-every-case')
    expect(byReferer['http://clean.example/']?.verdict).toBe('not-blocked')
    // A value nothing blocks may be a control: no rule that would start blocking it.
    expect(byReferer['http://clean.example/']?.fix).toBeNull()
    expect(report.fixRules).toBe(porn?.fix?.rule)
    expect(report.requests.sent).toBe(report.requests.planned)
    expect(sent).toHaveLength(report.requests.planned)
    // Every value goes out once; only the request without the header goes out again, last.
    expect(new Set(sent.map((s) => JSON.stringify(s.headers))).size).toBe(sent.length - 1)
    expect(sent.at(-1)?.headers).toEqual({})
    expect(report.baseline.recheck).toMatchObject({ label: 'without-header-after', status: 200 })
  })

  it('replays the same requests from the seed in the report', async () => {
    const a = ports(modsecLikeSite, { newSeed: () => 12345 })
    const first = await runRefererProbe(
      { url: URL_, referers: ['casinospam'], randomMixes: 4 },
      a.ports,
    )
    const b = ports(modsecLikeSite, { newSeed: () => 1 })
    await runRefererProbe(
      { url: URL_, referers: ['casinospam'], randomMixes: 4, seed: first.seed },
      b.ports,
    )
    expect(b.sent).toEqual(a.sent)
  })

  it('finds the encoding gap of a rule without t:urlDecode', async () => {
    const { ports: p } = ports(modsecLikeSite)
    const report = await runRefererProbe(
      { url: URL_, referers: ['porn'], variants: 'none', encodings: true },
      p,
    )
    expect(report.results[0]?.verdict).toBe('encoding-gap')
    expect(report.results[0]?.fix?.rule).toContain(',t:none,t:urlDecode,t:lowercase,')
    expect(report.results[0]?.fix?.note).toMatch(/t:urlDecode decodes/)
    const pill = await runRefererProbe({ url: URL_, referers: ['pillspam'], encodings: true }, p)
    expect(pill.results[0]?.verdict).toBe('blocked-in-every-case')
  })

  it('never has more than 6 requests in flight', async () => {
    let inFlight = 0
    let peak = 0
    const p: RefererProbePorts = {
      send: async (req) => {
        inFlight++
        peak = Math.max(peak, inFlight)
        await new Promise((r) => setTimeout(r, 2))
        inFlight--
        return modsecLikeSite(req)
      },
      now: () => Date.now(),
      newSeed: () => 1,
      refuseHost: () => null,
    }
    const report = await runRefererProbe(
      { url: URL_, referers: ['fishingscum', 'casinospam', 'porn'], randomMixes: 8 },
      p,
    )
    expect(report.requests.planned).toBeGreaterThan(20)
    expect(peak).toBe(6)
  })

  it('stops sending at the overall deadline and reports what it could not judge', async () => {
    let clock = 0
    const p: RefererProbePorts = {
      send: async (req) => {
        clock += 400 // each request takes 400 ms of a fake clock
        return modsecLikeSite(req)
      },
      now: () => clock,
      newSeed: () => 1,
      refuseHost: () => null,
    }
    const report = await runRefererProbe(
      { url: URL_, referers: ['porn', 'casinospam'], deadlineMs: 2000 },
      p,
    )
    expect(report.deadlineReached).toBe(true)
    expect(report.requests.skipped).toBeGreaterThan(0)
    expect(report.requests.sent + report.requests.skipped).toBe(report.requests.planned)
    const unknown = report.results.flatMap((r) => r.unknown)
    expect(unknown.length).toBeGreaterThan(0)
    expect(unknown[0]?.reason).toMatch(/deadline/)
  })

  it('gives no verdict for a site that answers 500 to everything (same page)', async () => {
    const { ports: p, sent } = ports(() => ({
      kind: 'response',
      status: 500,
      elapsedMs: 1,
      fingerprint: 'err',
    }))
    const report = await runRefererProbe({ url: URL_, referers: ['porn'] }, p)
    expect(report.baseline.usable).toBe(true)
    expect(report.results[0]?.verdict).toBe('inconclusive')
    expect(sent.length).toBe(report.requests.planned)
  })

  it('judges by status alone when the body changes per request', async () => {
    let n = 0
    const { ports: p } = ports((req) => {
      const o = modsecLikeSite(req)
      return o.kind === 'response' ? { ...o, fingerprint: `${o.fingerprint}-${n++}` } : o
    })
    const report = await runRefererProbe({ url: URL_, referers: ['porn'] }, p)
    expect(report.baseline.fingerprintStable).toBe(false)
    expect(report.results[0]?.verdict).toBe('case-sensitive-gap')
  })

  it('reports an unreachable site as inconclusive without sending variants', async () => {
    const { ports: p, sent } = ports(() => ({
      kind: 'failed',
      reason: 'network',
      detail: 'connection refused',
      elapsedMs: 1,
    }))
    const report = await runRefererProbe({ url: URL_, referers: ['porn'] }, p)
    expect(report.baseline.usable).toBe(false)
    expect(report.baseline.note).toMatch(/no verdict: .*connection refused/)
    expect(report.results[0]?.verdict).toBe('inconclusive')
    // The two baselines, each tried twice more after its failed connection; no variant.
    expect(sent).toHaveLength(6)
    expect(sent.every((r) => r.headers.Referer === undefined || r.headers.Referer === URL_)).toBe(
      true,
    )
    expect(report.requests.retried).toBe(4)
  })

  it('tests User-Agent the same way, with the rule on that header', async () => {
    const { ports: p, sent } = ports((req) => {
      const ua = req.headers['User-Agent'] ?? ''
      return {
        kind: 'response',
        status: ua.includes('sqlmap') ? 403 : 200,
        elapsedMs: 1,
        fingerprint: ua.includes('sqlmap') ? 'x' : 'ok',
      }
    })
    const report = await runRefererProbe(
      { url: URL_, referers: ['sqlmap/1.8'], header: 'User-Agent' },
      p,
    )
    expect(report.results[0]?.verdict).toBe('case-sensitive-gap')
    expect(report.results[0]?.fix?.rule).toMatch(
      /^SecRule REQUEST_HEADERS:User-Agent "@rx sqlmap\/1\\.8"/,
    )
    expect(report.results[0]?.fix?.rule).toContain("msg:'User-Agent contains sqlmap/1.8'")
    expect(sent[1]?.headers['User-Agent']).toMatch(/^Mozilla/)
  })

  it.each([
    [{ url: 'ftp://x/', referers: ['a'] }, 'bad_url', 'url'],
    [{ url: URL_, referers: [] }, 'bad_value', 'referers'],
    [{ url: URL_, referers: ['a\r\nX-Evil: 1'] }, 'bad_value', 'referers.0'],
    [{ url: URL_, referers: ['a'], header: 'Host' }, 'bad_header', 'header'],
    [{ url: URL_, referers: ['a'], header: 'Proxy-Authorization' }, 'bad_header', 'header'],
    [{ url: URL_, referers: ['a'], header: 'proxy-connection' }, 'bad_header', 'header'],
    [{ url: URL_, referers: ['a'], header: 'Bad Header' }, 'bad_header', 'header'],
    [{ url: URL_, referers: ['a'], header: "x'y" }, 'bad_header', 'header'],
    [
      { url: URL_, referers: ['a', 'b'], variants: ['A'] },
      'custom_variants_need_one_referer',
      'variants',
    ],
    [
      { url: URL_, referers: Array.from({ length: 11 }, (_, i) => `r${i}`) },
      'too_many_referers',
      'referers',
    ],
    [
      { url: URL_, referers: Array.from({ length: 8 }, (_, i) => `referer${i}`), randomMixes: 8 },
      'too_many_requests',
      'referers',
    ],
    [{ url: URL_, referers: ['a'], timeoutMs: 60_000 }, 'bad_limit', 'timeoutMs'],
    // fetch strips leading and trailing blanks: such a value would not be sent as given.
    [{ url: URL_, referers: ['porn '] }, 'bad_value', 'referers.0'],
    [{ url: URL_, referers: ['ok', '  porn'] }, 'bad_value', 'referers.1'],
    [{ url: URL_, referers: ['porn\t'] }, 'bad_value', 'referers.0'],
    [{ url: URL_, referers: ['porn'], variants: ['PORN', '\tPORN'] }, 'bad_value', 'variants.1'],
    [{ url: URL_, referers: ['porn'], benign: 'http://ok.example/ ' }, 'bad_value', 'benign'],
  ])('refuses bad input %#: %s', async (request, code, path) => {
    const { ports: p, sent } = ports(modsecLikeSite)
    const err = await runRefererProbe(request, p).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(RefererProbeError)
    expect(err).toMatchObject({ code, path })
    expect(sent).toHaveLength(0)
  })

  it('names the stripped blank in its message and still sends inner spaces as given', async () => {
    const { ports: p, sent } = ports(modsecLikeSite)
    await expect(runRefererProbe({ url: URL_, referers: ['porn '] }, p)).rejects.toThrow(
      /referers\.0 starts or ends with a space or tab/,
    )
    await runRefererProbe({ url: URL_, referers: ['a porn b'], variants: 'none' }, p)
    expect(sent.map((s) => s.headers.Referer)).toContain('a porn b')
  })

  it('refuses a host the no-open-proxy rule refuses, before sending anything', async () => {
    const { ports: p, sent } = ports(modsecLikeSite, {
      refuseHost: (h) => (h === '127.0.0.1' ? 'loopback' : null),
    })
    await expect(runRefererProbe({ url: URL_, referers: ['a'] }, p)).rejects.toMatchObject({
      code: 'target_refused',
    })
    expect(sent).toHaveLength(0)
  })
})

describe('failed connections', () => {
  const ok: ProbeOutcome = { kind: 'response', status: 200, elapsedMs: 1, fingerprint: 'page' }
  const reset: ProbeOutcome = {
    kind: 'failed',
    reason: 'network',
    detail: 'connection reset',
    elapsedMs: 1,
  }

  it.each([1, 2])(
    'sends a request again after a failed connection: a reset %i time(s) is not a block',
    async (resets) => {
      const failures = new Map<string, number>()
      const { ports: p, sent } = ports((req) => {
        const value = req.headers.Referer ?? ''
        const n = failures.get(value) ?? 0
        if (value.startsWith('http://spam') && n < resets) {
          failures.set(value, n + 1)
          return reset
        }
        return ok
      })
      const report = await runRefererProbe(
        { url: URL_, referers: ['http://spam.example/'], variants: 'none' },
        p,
      )
      expect(report.results[0]?.verdict).toBe('not-blocked')
      expect(report.requests.retried).toBe(resets)
      expect(report.requests.sent).toBe(report.requests.planned)
      expect(sent.length).toBe(report.requests.planned + resets)
    },
  )

  it('counts a connection that fails three times as a block (ModSecurity drop)', async () => {
    const { ports: p } = ports((req) =>
      (req.headers.Referer ?? '').startsWith('http://spam') ? reset : ok,
    )
    const report = await runRefererProbe(
      { url: URL_, referers: ['http://spam.example/'], variants: 'none' },
      p,
    )
    expect(report.results[0]?.verdict).toBe('blocked-in-every-case')
    expect(report.results[0]?.blocked[0]?.reason).toMatch(/connection failed/)
    expect(report.requests.retried).toBe(2)
  })
})

describe('failed connections and the subrequest budget', () => {
  it('never sends more than 50 requests, retries included', async () => {
    const reset: ProbeOutcome = { kind: 'failed', reason: 'network', detail: 'reset', elapsedMs: 1 }
    const ok: ProbeOutcome = { kind: 'response', status: 200, elapsedMs: 1, fingerprint: 'page' }
    // 46 variants + 2 baselines = 48 planned: 2 retries fit, the other resets count as blocks.
    const { ports: p, sent } = ports((req) => (req.headers.Referer?.startsWith('s') ? reset : ok))
    const referers = Array.from({ length: 10 }, (_, i) => `spam${i}`)
    const report = await runRefererProbe({ url: URL_, referers, randomMixes: 0 }, p)
    expect(report.requests.planned).toBeLessThanOrEqual(48)
    expect(sent.length).toBeLessThanOrEqual(50)
    expect(report.requests.planned + report.requests.retried).toBe(sent.length)
  })
})

describe('a site that rate limits some requests', () => {
  it('gives a control value no gap verdict and no fix when some forms get 429', async () => {
    // Upper-case forms hit a rate limit (429 with Retry-After); nothing blocks the value.
    const { ports: p } = ports((req) => {
      const value = req.headers.Referer ?? ''
      return /[A-Z]/.test(value) && value === value.toUpperCase()
        ? { kind: 'response', status: 429, elapsedMs: 1, fingerprint: 'slow', retryAfter: '5' }
        : { kind: 'response', status: 200, elapsedMs: 1, fingerprint: 'page' }
    })
    const report = await runRefererProbe({ url: URL_, referers: ['http://clean.example/'] }, p)
    const [r] = report.results
    expect(r?.verdict).toBe('inconclusive')
    expect(r?.blocked).toEqual([])
    expect(r?.unknown.map((u) => u.reason)).toEqual([expect.stringMatching(/429/)])
    expect(r?.fix).toBeNull()
    expect(report.fixRules).toBe('')
  })
})

describe('a site that changes during the run', () => {
  /** A site whose answer depends on how many requests it has served (a clock, a rate limit). */
  function drifting(after: number, later: ProbeOutcome) {
    let served = 0
    return ports(() =>
      ++served <= after ? { kind: 'response', status: 200, elapsedMs: 1, fingerprint: 'A' } : later,
    )
  }

  it('falls back to status classes when the page changed over time: no random verdicts', async () => {
    // Both baselines and the first variant see page A; every later answer is page B.
    const { ports: p, sent } = drifting(3, {
      kind: 'response',
      status: 200,
      elapsedMs: 1,
      fingerprint: 'B',
    })
    const report = await runRefererProbe(
      { url: URL_, referers: ['http://clean.example/'], randomMixes: 0 },
      p,
    )
    expect(report.results[0]?.verdict).toBe('not-blocked')
    expect(report.fixRules).toBe('')
    expect(report.baseline).toMatchObject({ usable: true, fingerprintStable: false })
    expect(report.baseline.note).toMatch(/changes over time, so only the status class/)
    expect(report.baseline.recheck).toMatchObject({ status: 200, fingerprint: 'B' })
    // The recheck is the last request and counted: one more than the values and two baselines.
    expect(sent.at(-1)?.headers).toEqual({})
    expect(sent).toHaveLength(report.requests.planned)
  })

  it.each([
    ['answers 500', { kind: 'response', status: 500, elapsedMs: 1, fingerprint: 'E' }],
    ['answers 429', { kind: 'response', status: 429, elapsedMs: 1, fingerprint: 'R' }],
    ['drops connections', { kind: 'failed', reason: 'network', detail: 'reset', elapsedMs: 1 }],
  ] as const)(
    'gives no verdict and no fix for any value when the site then %s',
    async (_, later) => {
      const { ports: p } = drifting(3, later)
      const report = await runRefererProbe(
        { url: URL_, referers: ['http://clean.example/', 'porn'], randomMixes: 0 },
        p,
      )
      for (const r of report.results) {
        expect(r.verdict, r.referer).toBe('inconclusive')
        expect(r.fix).toBeNull()
        expect(r.blocked).toEqual([])
        expect(r.unknown[0]?.reason).toMatch(/site changed during the run/)
      }
      expect(report.fixRules).toBe('')
      expect(report.baseline.usable).toBe(false)
      expect(report.baseline.note).toMatch(
        /^no verdict: the request without the header answered 200 before the variants but .* after them/,
      )
    },
  )

  it('keeps the verdicts when only the recheck timed out (a slow site, not a changed one)', async () => {
    // Variants answer as a case-sensitive rule does; the recheck, sent last on what is left of
    // the deadline, times out: that is no sign the site changed, and the gap stays found.
    let served = 0
    const total = 2 + 5 + 1
    const { ports: p } = ports((req) =>
      ++served === total
        ? { kind: 'failed', reason: 'timeout', detail: 'no answer within 3500 ms', elapsedMs: 3500 }
        : modsecLikeSite(req),
    )
    const report = await runRefererProbe({ url: URL_, referers: ['porn'], randomMixes: 1 }, p)
    expect(report.requests.planned).toBe(total)
    expect(report.baseline.usable).toBe(true)
    expect(report.baseline.note).toMatch(/timed out .* a change over time was not ruled out/)
    expect(report.results[0]?.verdict).toBe('case-sensitive-gap')
    expect(report.fixRules).not.toBe('')
  })

  it('does not call variants blocked when the recheck body was cut by the timeout', async () => {
    // Complete page A for the baselines and the first variant, then answers whose body stalls:
    // their status (200) is whole, their fingerprint (the bytes that came) is not.
    const { ports: p } = drifting(2, {
      kind: 'response',
      status: 200,
      elapsedMs: 2000,
      fingerprint: 'first-bytes',
      partialBody: true,
    })
    const report = await runRefererProbe(
      { url: URL_, referers: ['http://clean.example/'], randomMixes: 0 },
      p,
    )
    expect(report.results[0]?.verdict).toBe('not-blocked')
    expect(report.results[0]?.allowed[0]).toMatchObject({ status: 200, partialBody: true })
    expect(report.baseline.recheck).toMatchObject({ status: 200, partialBody: true })
    expect(report.baseline.note).toMatch(/a body cut by the timeout/)
  })

  it('counts the recheck in the request cap', async () => {
    // 9 referers of 5 forms each (45 values) + 3 baseline requests = 48, the cap.
    const nine = Array.from({ length: 9 }, (_, i) => `abcdef${i}`)
    const { ports: p, sent } = ports(modsecLikeSite)
    const report = await runRefererProbe({ url: URL_, referers: nine, randomMixes: 1 }, p)
    expect(report.requests.planned).toBe(48)
    expect(sent).toHaveLength(48)
    const err = await runRefererProbe(
      { url: URL_, referers: [...nine, 'x1'], randomMixes: 1 },
      ports(modsecLikeSite).ports,
    ).catch((e: unknown) => e)
    expect(err).toMatchObject({ code: 'too_many_requests' })
    expect(String(err)).toMatch(/3 baseline requests/)
  })
})

describe('a baseline that redirects', () => {
  it('sees a block that redirects elsewhere (both bodies empty)', async () => {
    const { ports: p } = ports((req) =>
      (req.headers.Referer ?? '').includes('spam')
        ? {
            kind: 'response',
            status: 302,
            elapsedMs: 1,
            fingerprint: 'empty',
            location: '/blocked.html',
          }
        : { kind: 'response', status: 301, elapsedMs: 1, fingerprint: 'empty', location: '/home' },
    )
    const report = await runRefererProbe({ url: URL_, referers: ['casinospam'] }, p)
    const [r] = report.results
    expect(r?.verdict).toBe('case-sensitive-gap')
    expect(r?.blocked.find((b) => b.label === 'exact')).toMatchObject({
      status: 302,
      location: '/blocked.html',
      reason: expect.stringMatching(/redirected \(302 to \/blocked\.html\)/),
    })
    expect(r?.allowed.map((a) => a.label)).toContain('upper')
  })
})

describe('method HEAD', () => {
  it('says in the report that only statuses and headers are compared', async () => {
    const head = await runRefererProbe(
      { url: URL_, referers: ['porn'], method: 'HEAD' },
      ports(modsecLikeSite).ports,
    )
    expect(head.baseline.note).toMatch(/method HEAD: .*only status codes and headers/)
    const get = await runRefererProbe(
      { url: URL_, referers: ['porn'] },
      ports(modsecLikeSite).ports,
    )
    expect(get.baseline.note).not.toMatch(/HEAD/)
  })
})
