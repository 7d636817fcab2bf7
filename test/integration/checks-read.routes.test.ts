import {
  createExecutionContext,
  createScheduledController,
  waitOnExecutionContext,
} from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import { beforeAll, describe, expect, inject, it } from 'vitest'
import worker from '../../src/index'
import { call, problemOf } from './helpers'

const TCP_PORT = inject('checksTcpPort')
const REFUSED_PORT = inject('checksRefusedPort')
const HTTP = inject('checksHttpUrl')

const TARGETS = `probe = TCPPing
menu = Top
title = Loopback checks
pings = 5

+ local
menu = Local

++ tcp
title = Local TCP
port = ${TCP_PORT}
host = 127.0.0.1

++ web
probe = Curl
urlformat = ${HTTP}/ok
host = 127.0.0.1

++ down
port = ${REFUSED_PORT}
host = 127.0.0.1
`

beforeAll(async () => {
  const res = await call('/targets', {
    method: 'PUT',
    token: true,
    headers: { 'content-type': 'text/plain' },
    body: TARGETS,
  })
  expect(res.status).toBe(200)
  // Pretend the config was stored an hour ago, at a step boundary, and run the hour of cron
  // ticks since then: 12 or 13 of them run rounds.
  const now = Math.floor(Date.now() / 60_000)
  const start = Math.floor((now - 60) / 5) * 5
  const stored = await env.EDGEPING_KV.get<{ since: number }>('checks:v1:config', 'json')
  await env.EDGEPING_KV.put('checks:v1:config', JSON.stringify({ ...stored, since: start }))
  for (let m = start; m <= now; m++) {
    const ctx = createExecutionContext()
    await worker.scheduled(
      createScheduledController({ scheduledTime: m * 60_000, cron: '* * * * *' }),
      env,
      ctx,
    )
    await waitOnExecutionContext(ctx)
  }
}, 60_000)

describe('GET /checks', () => {
  it("shows the tree with each target's last round and status", async () => {
    const res = await call('/checks')
    expect(res.status).toBe(200)
    const body = (await res.json()) as {
      tree: {
        children: {
          id: string
          children: {
            id: string
            title: string
            target: { status: string; last: { median: number | null; loss: number } }
          }[]
        }[]
      }
    }
    const local = body.tree.children[0]
    expect(local?.id).toBe('local')
    const byId = Object.fromEntries((local?.children ?? []).map((c) => [c.id, c]))
    expect(byId['local.tcp']?.title).toBe('Local TCP')
    expect(byId['local.tcp']?.target.status).toBe('up')
    expect(byId['local.tcp']?.target.last.median).toBeGreaterThanOrEqual(0)
    expect(byId['local.web']?.target.status).toBe('up')
    expect(byId['local.down']?.target).toMatchObject({
      status: 'down',
      last: { loss: 5, median: null },
    })
  })
})

describe('GET /checks/{id}/rounds', () => {
  it('gives the raw rounds as JSON with the smoke', async () => {
    const res = await call('/checks/local.tcp/rounds')
    expect(res.status).toBe(200)
    const body = (await res.json()) as {
      resolution: string
      rounds: { status: string; smoke: unknown[] }[]
    }
    expect(body.resolution).toBe('raw')
    expect(body.rounds.length).toBeGreaterThanOrEqual(12)
    expect(body.rounds.every((r) => r.status === 'ok' && r.smoke.length === 5)).toBe(true)
  })

  it('gives CSV with one row per round', async () => {
    const res = await call('/checks/local.down/rounds?format=csv')
    expect(res.headers.get('content-type')).toContain('text/csv')
    const lines = (await res.text()).trim().split('\n')
    expect(lines[0]).toBe(
      'time,status,pings,loss,median,min,max,mean,stddev,jitter,ping1,ping2,ping3,ping4,ping5,reason',
    )
    expect(lines.length).toBeGreaterThanOrEqual(13)
    expect(lines[1]).toMatch(/^\d{4}-.*Z,ok,5,5,,,,,,,,,,,,$/)
  })

  it('gives hourly aggregates from the newest ticks before any rollup exists', async () => {
    const from = new Date(Date.now() - 3 * 86_400_000).toISOString()
    const res = await call(`/checks/local.tcp/rounds?resolution=hour&from=${from}`)
    const body = (await res.json()) as { points: { n: number; pings: number; smoke: unknown[] }[] }
    expect(body.points.length).toBeGreaterThanOrEqual(1)
    expect(body.points.reduce((a, p) => a + p.n, 0)).toBeGreaterThanOrEqual(12)
  })

  it('answers 422 for a span too long for the resolution and 404 for an unknown target', async () => {
    const from = new Date(Date.now() - 30 * 86_400_000).toISOString()
    const long = await call(`/checks/local.tcp/rounds?resolution=raw&from=${from}`)
    expect(long.status).toBe(422)
    expect((await problemOf(long)).detail).toContain('at most 8 days')
    expect((await call('/checks/nope/rounds')).status).toBe(404)
    expect((await call('/checks/bad..id/rounds')).status).toBe(422)
  })
})

describe('GET /checks/{id}/graph.svg', () => {
  it.each(['3h', '30h', '10d', '400d'])(
    'draws the %s graph with smoke, median and legend',
    async (range) => {
      const res = await call(`/checks/local.tcp/graph.svg?range=${range}`)
      expect(res.status).toBe(200)
      expect(res.headers.get('content-type')).toContain('image/svg+xml')
      const svg = await res.text()
      expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/)
      expect(svg).toContain('from Local TCP')
      expect(svg).toContain('id="median"')
      expect(svg).toMatch(/<path fill="#[0-9a-f]{6}" d="M/)
      expect(svg).toContain('5 TCP connects to port')
    },
  )

  it('draws no median for an all-lost target and reports 100 % loss', async () => {
    const svg = await (await call('/checks/local.down/graph.svg')).text()
    expect(svg).not.toContain('id="median"')
    expect(svg).toContain('packet loss: 100.00 % avg')
  })

  it('answers 422 for an unknown range', async () => {
    expect((await call('/checks/local.tcp/graph.svg?range=7d')).status).toBe(422)
  })
})

describe('history ends in the future', () => {
  const epochS = (ms: number) => Math.floor(ms / 1000)

  it('answers 422 problem+json naming `end` for a graph ending years ahead', async () => {
    // Once ~115,000 KV reads that stalled the whole worker.
    const res = await call('/checks/local.tcp/graph.svg?range=400d&end=4949294212')
    expect(res.status).toBe(422)
    const problem = await problemOf(res)
    expect(problem.detail).toContain('`end`')
    expect(problem.errors).toEqual([{ path: 'query.end', message: expect.any(String) }])
  })

  it('answers 422 problem+json naming `to` for rounds up to a month ahead', async () => {
    const now = Date.now()
    const res = await call(
      `/checks/local.tcp/rounds?resolution=hour&from=${epochS(now)}&to=${epochS(now + 30 * 86_400_000)}`,
    )
    expect(res.status).toBe(422)
    const problem = await problemOf(res)
    expect(problem.detail).toContain('`to`')
    expect(problem.errors).toEqual([{ path: 'query.to', message: expect.any(String) }])
  })

  it('still answers a few minutes of clock skew, with the rounds recorded so far', async () => {
    const ahead = epochS(Date.now() + 5 * 60_000)
    const graph = await call(`/checks/local.tcp/graph.svg?range=3h&end=${ahead}`)
    expect(graph.status).toBe(200)
    expect(await graph.text()).toContain('id="median"')
    const rounds = await call(`/checks/local.tcp/rounds?to=${ahead}`)
    expect(rounds.status).toBe(200)
    const body = (await rounds.json()) as { rounds: { status: string }[] }
    expect(body.rounds.length).toBeGreaterThanOrEqual(10)
    expect(body.rounds.every((r) => r.status === 'ok')).toBe(true)
  })
})

describe('GET /metrics', () => {
  it('serves OpenMetrics text of the last rounds', async () => {
    const res = await call('/metrics')
    expect(res.headers.get('content-type')).toContain('application/openmetrics-text')
    const text = await res.text()
    expect(text).toMatch(
      /^edgeping_check_median_seconds\{target="local.tcp",host="127.0.0.1",probe="tcp"\} [\d.e-]+$/m,
    )
    expect(text).toMatch(
      /^edgeping_check_up\{target="local.down",host="127.0.0.1",probe="tcp"\} 0$/m,
    )
    expect(text).toMatch(/^edgeping_check_lost\{target="local.down",.*\} 5$/m)
    expect(text).not.toMatch(/edgeping_check_median_seconds\{target="local.down"/)
    expect(text.endsWith('# EOF\n')).toBe(true)
  })
})
