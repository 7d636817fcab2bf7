// A `+` in a referer term, matched by a real Apache + ModSecurity after t:urlDecode.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { renderRefererRules } from '../../../src/generators/modsecurity-rules'
import { buildFix } from '../../../src/probes/fix'
import { type ApacheServer, startModsecApache } from './modsecurity-apache-server'

let server: ApacheServer

beforeAll(async () => {
  const fix = buildFix('e+f', 'case-sensitive-gap', 'Referer', 3001, {
    phase: 1,
    status: 403,
    caseMode: 'lowercase',
    urlDecode: true,
  })
  server = await startModsecApache(
    [
      renderRefererRules(['a+b'], { baseId: 1001, phase: 1, status: 403, caseMode: 'lowercase' }),
      renderRefererRules(['c+d'], { baseId: 2001, phase: 1, status: 403, caseMode: 'regex-i' }),
      `${fix?.rule ?? ''}\n`,
    ].join(''),
  )
}, 20_000)

afterAll(() => server?.stop())

async function statusWithReferer(referer: string): Promise<number> {
  const res = await fetch(`${server.url}/`, { headers: { Referer: referer } })
  await res.arrayBuffer()
  return res.status
}

describe('a term with + under t:urlDecode', () => {
  it.each([
    ['lowercase mode', 'a', 'b'],
    ['regex-i mode', 'c', 'd'],
    ['the probe fix (buildFix)', 'e', 'f'],
  ])('%s blocks x+y, a percent-encoded plus and X+Y, and nothing else', async (_, x, y) => {
    for (const q of [
      `${x}+${y}`,
      `${x}%2B${y}`,
      `${x}%2b${y}`,
      `${x.toUpperCase()}+${y.toUpperCase()}`,
    ]) {
      expect(await statusWithReferer(`http://x.example/?q=${q}`), q).toBe(403)
    }
    for (const q of [`${x}${y}`, `${x}-${y}`, `${x}++${y}`]) {
      expect(await statusWithReferer(`http://x.example/?q=${q}`), q).toBe(200)
    }
  })

  it('serves a control request', async () => {
    expect(await statusWithReferer('http://clean.example/')).toBe(200)
  })
})
