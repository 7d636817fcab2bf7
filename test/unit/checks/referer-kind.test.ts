import { describe, expect, it } from 'vitest'
import type { HttpPort, ProbePorts } from '../../../src/checks/kinds/ports'
import { variantFor } from '../../../src/checks/kinds/referer'
import { resolveTargets } from '../../../src/checks/resolve-targets'
import { runRounds } from '../../../src/checks/run-round'
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
    const referer = headers?.referer ?? ''
    seen.push(referer)
    return { ok: true, status: referer.includes('porn') ? 500 : 200, ms: 3 }
  }
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
      http: async () => ({ ok: true, status: 403, ms: 2 }),
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
    const ports: ProbePorts = { refuseHost: () => null, http: async () => answer }
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
      http: async () => ({ ok: true, status: 429, ms: 2 }),
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
