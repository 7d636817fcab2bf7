import { describe, expect, it } from 'vitest'
import type { HttpPort, ProbePorts } from '../../../src/checks/kinds/ports'
import { refererKind, variantFor } from '../../../src/checks/kinds/referer'
import { prepareConfig } from '../../../src/checks/prepare-config'
import { resolveTargets } from '../../../src/checks/resolve-targets'
import { roundRequests, runRounds } from '../../../src/checks/run-round'
import { parseSmokepingText } from '../../../src/checks/smokeping-parse'
import { TargetsConfigError } from '../../../src/checks/targets-error'

const TEXT = `*** Targets ***
probe = referer
menu = Top
title = WAF regressions

+ waf
menu = WAF
title = Spam referers at the web server
host = www.example.test
urlformat = https://%host%/
referer = http://porn.example/
pings = 5
`

/** A site whose rule blocks only the exact lower-case value, as ModSecurity's @rx does. */
function caseSensitiveSite(seen: string[]): HttpPort {
  return async (_url, { headers }) => {
    // the round's clean request (no Referer) is not a variant
    if (headers?.referer === undefined) return { ok: true, status: 200, ms: 3 }
    const referer = headers.referer
    seen.push(referer)
    return { ok: true, status: referer.includes('porn') ? 500 : 200, ms: 3 }
  }
}

/** A site that serves its page (200) to a request without a Referer, and `site` otherwise. */
function withCleanPage(site: HttpPort): HttpPort {
  return async (url, options) =>
    options.headers?.referer === undefined ? { ok: true, status: 200, ms: 1 } : site(url, options)
}

describe('the referer check kind', () => {
  it('parses from SmokePing text and sends one letter-case variant per ping', async () => {
    const { config, lines } = parseSmokepingText(TEXT)
    const { targets } = resolveTargets(config, lines)
    expect(targets[0]).toMatchObject({
      kind: 'referer',
      url: 'https://www.example.test/',
      referer: 'http://porn.example/',
    })
    const seen: string[] = []
    const ports: ProbePorts = { refuseHost: () => null, http: caseSensitiveSite(seen) }
    const [round] = await runRounds(targets, ports, {
      deadline: new AbortController().signal,
      now: () => 0,
    })
    expect(new Set(seen)).toEqual(
      new Set(
        [0, 1, 2, 3, 4].map((i) => variantFor({ referer: 'http://porn.example/', pings: 5 }, i)),
      ),
    )
    expect(seen).toContain('HTTP://PORN.EXAMPLE/')
    expect(new Set(seen).size).toBe(5)
    // the exact value is blocked (received); every other form got through (lost)
    expect(round).toMatchObject({ status: 'ok', pings: 5, loss: 4 })
  })

  it('counts nothing lost when every variant is blocked', async () => {
    const { config } = parseSmokepingText(TEXT)
    const { targets } = resolveTargets(config)
    const ports: ProbePorts = {
      refuseHost: () => null,
      http: withCleanPage(async () => ({ ok: true, status: 403, ms: 2 })),
    }
    const [round] = await runRounds(targets, ports, {
      deadline: new AbortController().signal,
      now: () => 0,
    })
    expect(round).toMatchObject({ status: 'ok', loss: 0 })
  })

  it.each([
    ['rate limits (429)', { ok: true as const, status: 429, ms: 2 }, /unknown: .*429/],
    ['is unavailable (503)', { ok: true as const, status: 503, ms: 2 }, /unknown: .*503/],
    [
      'asks to come back later',
      { ok: true as const, status: 403, ms: 2, retryAfter: '60' },
      /Retry-After: 60/,
    ],
  ])('counts every ping lost, not blocked, when the site %s', async (_, answer, reason) => {
    const { config } = parseSmokepingText(TEXT)
    const { targets } = resolveTargets(config)
    // `retryAfter` is not (yet) part of HttpOutcome: the kind reads it when a port passes it.
    // The clean request got the page: the throttling started with the variants.
    const ports: ProbePorts = { refuseHost: () => null, http: withCleanPage(async () => answer) }
    const [round] = await runRounds(targets, ports, {
      deadline: new AbortController().signal,
      now: () => 0,
    })
    expect(round).toMatchObject({ status: 'ok', loss: 5 })
    expect(Object.keys(round?.reasons ?? {}).every((r) => reason.test(r))).toBe(true)
  })

  it('still counts 429 as blocked when status names it on its own', async () => {
    const { config } = parseSmokepingText(`${TEXT}status = 403,429\n`)
    const { targets } = resolveTargets(config)
    const ports: ProbePorts = {
      refuseHost: () => null,
      http: withCleanPage(async () => ({ ok: true, status: 429, ms: 2 })),
    }
    const [round] = await runRounds(targets, ports, {
      deadline: new AbortController().signal,
      now: () => 0,
    })
    expect(round).toMatchObject({ status: 'ok', loss: 0 })
  })

  it('needs a referer value, names the line', () => {
    const { config, lines } = parseSmokepingText(
      TEXT.replace('referer = http://porn.example/\n', ''),
    )
    expect(() => resolveTargets(config, lines)).toThrow(TargetsConfigError)
    expect(() => resolveTargets(config, lines)).toThrow(/needs 'referer'/)
  })
})

describe('the referer check kind: the clean baseline request', () => {
  async function roundAgainst(http: HttpPort, text = TEXT) {
    const { config } = parseSmokepingText(text)
    const { targets } = resolveTargets(config)
    const [round] = await runRounds(
      targets,
      { refuseHost: () => null, http },
      {
        deadline: new AbortController().signal,
        now: () => 0,
      },
    )
    return round
  }

  it('sends one request without a Referer before the variants', async () => {
    const seen: (string | undefined)[] = []
    const round = await roundAgainst(async (_url, { headers }) => {
      seen.push(headers?.referer)
      return { ok: true, status: headers?.referer?.includes('porn') ? 500 : 200, ms: 3 }
    })
    expect(seen).toHaveLength(7)
    expect(seen[0]).toBeUndefined()
    expect(seen.slice(1, 6).every((v) => v !== undefined)).toBe(true)
    expect(seen[6]).toBeUndefined()
    expect(round).toMatchObject({ status: 'ok', pings: 5, loss: 4 })
  })

  it.each([500, 403])(
    'makes the round unknown, not blocked, when the site answers %i to every request',
    async (code) => {
      const seen: (string | undefined)[] = []
      const round = await roundAgainst(async (_url, { headers }) => {
        seen.push(headers?.referer)
        return { ok: true, status: code, ms: 2 }
      })
      expect(round).toMatchObject({ status: 'unknown', pings: 5 })
      expect(round?.loss).toBeUndefined()
      expect(round?.reason).toMatch(/cannot be judged/)
      expect(round?.reason).toContain(`no Referer) also gets HTTP ${code}`)
      // nothing to learn from the variants: none is sent
      expect(seen).toEqual([undefined])
    },
  )

  it('judges against the configured status list', async () => {
    // a 404 for everything is an error, but status = 403,500 does not count it as blocked
    const round = await roundAgainst(
      async (_url, { headers }) => ({
        ok: true,
        status: headers?.referer === undefined ? 404 : 403,
        ms: 2,
      }),
      `${TEXT}status = 403,500\n`,
    )
    expect(round).toMatchObject({ status: 'ok', loss: 0 })
    const same = await roundAgainst(
      async () => ({ ok: true, status: 500, ms: 2 }),
      `${TEXT}status = 403,500\n`,
    )
    expect(same?.reason).toMatch(/HTTP 500, which status 403,500 counts as blocked/)
  })

  it.each([
    ['is rate limited', { ok: true as const, status: 429, ms: 1 }, /got status 429/],
    [
      'fails',
      { ok: false as const, reason: 'fetch failed (connection refused)' },
      /failed \(fetch failed/,
    ],
  ])('makes the round unknown when the clean request %s', async (_, answer, reason) => {
    const round = await roundAgainst(async () => answer)
    expect(round).toMatchObject({ status: 'unknown' })
    expect(round?.reason).toMatch(/cannot be judged/)
    expect(round?.reason).toMatch(reason)
  })

  it('makes the round unknown when the site starts refusing everything during it', async () => {
    let clean = 0
    const round = await roundAgainst(async (_url, { headers }) => {
      if (headers?.referer === undefined) clean++
      // The first clean request gets the page; by the second, everything is refused.
      return { ok: true, status: headers?.referer === undefined && clean === 1 ? 200 : 503, ms: 2 }
    })
    expect(round).toMatchObject({ status: 'unknown', pings: 5 })
    expect(round?.reason).toMatch(
      /^the blocking cannot be judged: .*\(the clean request sent again after the variants\)$/,
    )
  })

  it('counts both clean requests in the plan: pings + 2 subrequests a round', () => {
    const free = { subrequests: 50, webhookReserve: 2, tickWritesPerDay: 950 }
    const big = parseSmokepingText(TEXT.replace('pings = 5', 'pings = 48'))
    const plan = prepareConfig(big.config, free, 0, big.lines).plan
    expect(plan.offsets).toEqual({})
    expect(plan.unscheduled[0]?.reason).toContain(
      '50 requests (48 pings and 2 clean requests) exceed',
    )
    // two referer targets of 24 pings need 52 subrequests: not in one minute
    const two = parseSmokepingText(
      `${TEXT.replace('pings = 5', 'pings = 24')}\n+ waf2\nmenu = W2\ntitle = W2\nhost = www2.example.test\nreferer = casino\npings = 24\n`,
    )
    const plan2 = prepareConfig(two.config, free, 0, two.lines).plan
    expect(new Set(Object.values(plan2.offsets)).size).toBe(2)
    expect(plan2.peakProbes).toBe(26)
    expect(roundRequests({ kind: 'http', pings: 20 })).toBe(20)
    expect(roundRequests({ kind: 'referer', pings: 20 })).toBe(22)
  })

  it('names the clean request in the legend', () => {
    const { config } = parseSmokepingText(TEXT)
    const { targets } = resolveTargets(config)
    const t = targets[0]
    if (!t) throw new Error('no target')
    expect(refererKind.describe(t)).toMatch(/between two without it$/)
  })
})
