// The referer-block probe as a check kind, against the real Apache + ModSecurity: the
// case-sensitive rule loses every variant but the exact one; the fixed rule blocks them all.
import { describe, expect, inject, it } from 'vitest'
import { call } from './helpers'

const TRAP = inject('apacheTrapUrl')
const FIXED = inject('apacheFixedUrl')
/** Answers 503 to every request on /fail (test/servers/checks-servers.ts). */
const HTTP = inject('checksHttpUrl')

type Round = { status: string; loss: number; pings: number; reason?: string }

async function run(url: string): Promise<{ round: Round }> {
  const u = new URL(url)
  const res = await call('/checks/run', {
    method: 'POST',
    token: true,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      probe: 'referer',
      host: u.hostname,
      urlformat: `http://%host%:${u.port}${u.pathname}`,
      referer: 'http://porn.example/',
      pings: 5,
    }),
  })
  expect(res.status, await res.clone().text()).toBe(200)
  return (await res.json()) as { round: Round }
}

describe('referer check kind against Apache + ModSecurity', () => {
  it('loses the forms a case-sensitive rule lets through (a WAF gap is loss)', async () => {
    const { round } = await run(TRAP)
    expect(round).toMatchObject({ status: 'ok', pings: 5, loss: 4 })
  })

  it('loses nothing behind the fixed rule', async () => {
    const { round } = await run(FIXED)
    expect(round).toMatchObject({ status: 'ok', pings: 5, loss: 0 })
  })

  it('calls a round unknown, not "all blocked", when the clean request gets the same answer', async () => {
    const { round } = await run(`${HTTP}/fail`)
    expect(round.status).toBe('unknown')
    expect(round.reason).toMatch(/^the blocking cannot be judged: the clean request \(no Referer\)/)
  })
})
