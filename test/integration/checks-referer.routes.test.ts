// The referer-block probe as a check kind, against the real Apache + ModSecurity: the
// case-sensitive rule loses every variant but the exact one; the fixed rule blocks them all.
import { describe, expect, inject, it } from 'vitest'
import { call } from './helpers'

const TRAP = inject('apacheTrapUrl')
const FIXED = inject('apacheFixedUrl')

async function run(
  url: string,
): Promise<{ round: { status: string; loss: number; pings: number } }> {
  const u = new URL(url)
  const res = await call('/checks/run', {
    method: 'POST',
    token: true,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      probe: 'referer',
      host: u.hostname,
      urlformat: `http://%host%:${u.port}/`,
      referer: 'http://porn.example/',
      pings: 5,
    }),
  })
  expect(res.status, await res.clone().text()).toBe(200)
  return (await res.json()) as { round: { status: string; loss: number; pings: number } }
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
})
