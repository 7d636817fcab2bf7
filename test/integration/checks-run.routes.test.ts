import { describe, expect, inject, it } from 'vitest'
import { call, problemOf } from './helpers'

const TCP_PORT = inject('checksTcpPort')
const REFUSED_PORT = inject('checksRefusedPort')
const HTTP = inject('checksHttpUrl')

type RunResponse = {
  round: {
    status: string
    pings: number
    loss: number
    median: number | null
    smoke: (number | null)[]
    reasons: Record<string, number>
  }
}

const run = async (body: object) => {
  const res = await call('/checks/run', {
    method: 'POST',
    token: true,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
  expect(res.status, await res.clone().text()).toBe(200)
  return ((await res.json()) as RunResponse).round
}

describe('POST /checks/run against real loopback servers', () => {
  it('needs the token', async () => {
    const res = await call('/checks/run', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ probe: 'tcp', host: '127.0.0.1', port: TCP_PORT }),
    })
    expect(res.status).toBe(401)
  })

  it('refuses a body over 64 KiB with 413', async () => {
    const res = await call('/checks/run', {
      method: 'POST',
      token: true,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ probe: 'tcp', host: '127.0.0.1', title: 'x'.repeat(70_000) }),
    })
    expect(res.status).toBe(413)
    expect(await problemOf(res)).toMatchObject({
      type: '/problems/body-too-large',
      detail: 'a check run body may be at most 65536 bytes',
    })
  })

  it('times TCP connects to a listening port', async () => {
    const round = await run({ probe: 'tcp', host: '127.0.0.1', port: TCP_PORT, pings: 5 })
    expect(round).toMatchObject({ status: 'ok', pings: 5, loss: 0 })
    expect(round.smoke).toHaveLength(5)
    expect(round.median).toBeGreaterThanOrEqual(0)
  })

  it('counts a refused port as loss with the reason', async () => {
    const round = await run({ probe: 'tcp', host: '127.0.0.1', port: REFUSED_PORT, pings: 3 })
    expect(round).toMatchObject({ status: 'ok', loss: 3, median: null })
    expect(Object.keys(round.reasons).join()).toMatch(/refused or blocked/)
  })

  it('times HTTP requests and checks status and keyword', async () => {
    const url = `${HTTP}/ok`
    expect(
      await run({ probe: 'http', host: '127.0.0.1', urlformat: url, expect: 'nominal' }),
    ).toMatchObject({ loss: 0 })
    const missing = await run({
      probe: 'http',
      host: '127.0.0.1',
      urlformat: url,
      expect: 'absent-word',
      pings: 3,
    })
    expect(missing.reasons).toEqual({ 'keyword missing': 3 })
  })

  it('counts a 503 and an unfollowed redirect against the expected status', async () => {
    const failing = await run({
      probe: 'http',
      host: '127.0.0.1',
      urlformat: `${HTTP}/fail`,
      pings: 3,
    })
    expect(failing.reasons).toEqual({ 'HTTP 503': 3 })
    const redirect = await run({
      probe: 'http',
      host: '127.0.0.1',
      urlformat: `${HTTP}/redirect`,
      status: '200',
      pings: 3,
    })
    expect(redirect.reasons).toEqual({ 'HTTP 302': 3 })
  })

  it('gives up on a slow path after the per-probe timeout', async () => {
    const round = await run({
      probe: 'http',
      host: '127.0.0.1',
      urlformat: `${HTTP}/slow`,
      timeout: 1,
      pings: 3,
    })
    expect(round.loss).toBe(3)
    expect(Object.keys(round.reasons).join()).toMatch(/timeout/)
  })

  it('times DoH queries at the local resolver', async () => {
    const round = await run({
      probe: 'dns',
      host: 'http://127.0.0.1:8054/dns-query',
      lookup: 'ns2.example.test',
      pings: 3,
    })
    expect(round).toMatchObject({ status: 'ok', loss: 0 })
  })

  it('answers 422 for an FPing-style request and a bad target, never 500', async () => {
    const res = await call('/checks/run', {
      method: 'POST',
      token: true,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ probe: 'dns', host: 'http://127.0.0.1:8054/dns-query' }),
    })
    expect(res.status).toBe(422)
    expect((await problemOf(res)).detail).toContain('lookup')
    const icmp = await call('/checks/run', {
      method: 'POST',
      token: true,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ probe: 'icmp', host: '127.0.0.1' }),
    })
    expect(icmp.status).toBe(422)
    const documentation = await call('/checks/run', {
      method: 'POST',
      token: true,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ probe: 'tcp', host: '192.0.2.1', port: 443 }),
    })
    expect((await problemOf(documentation)).detail).toContain('not reachable on the Internet')
  })
})
