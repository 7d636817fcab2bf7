import { describe, expect, it } from 'vitest'
import { formatRefererReport, type RefererProbeReport, runRefererProbe } from '../../../src/probes'
import { modsecLikeSite } from './fake-site'

async function report(): Promise<RefererProbeReport> {
  let clock = 0
  return runRefererProbe(
    { url: 'http://127.0.0.1:8081/', referers: ['porn', 'fishingscum'], randomMixes: 0, seed: 9 },
    {
      send: async (req) => modsecLikeSite(req),
      now: () => (clock += 5),
      newSeed: () => 1,
      refuseHost: () => null,
    },
  )
}

describe('formatRefererReport', () => {
  it('prints the baseline, one block per value and the fix rules last', async () => {
    const text = formatRefererReport(await report())
    const lines = text.split('\n')
    expect(lines[0]).toBe('GET http://127.0.0.1:8081/  header Referer  seed 9')
    expect(lines[1]).toMatch(
      /^baseline: 200 without the header, 200 with 'http:\/\/127\.0\.0\.1:8081\/', 200 without it after the variants; /,
    )
    expect(text).toContain('\nporn: CASE SENSITIVE GAP\n')
    expect(text).toContain('  blocked porn 500\n')
    expect(text).toContain('  allowed PORN 200, Porn 200, pOrN 200\n')
    expect(text).toContain('\nfishingscum: BLOCKED IN EVERY CASE\n')
    expect(text).toMatch(
      /# ModSecurity rules that close the gaps\nSecRule REQUEST_HEADERS:Referer "@rx porn" "id:10100,[^\n]*"\n$/,
    )
  })

  it('names a body the timeout cut', async () => {
    const text = formatRefererReport(
      await runRefererProbe(
        { url: 'http://127.0.0.1:8081/', referers: ['porn'], variants: 'none', seed: 9 },
        {
          send: async (req) => ({ ...modsecLikeSite(req), partialBody: true }),
          now: () => 0,
          newSeed: () => 1,
          refuseHost: () => null,
        },
      ),
    )
    expect(text).toContain('  blocked porn 500 (body cut by the timeout)\n')
  })
})
