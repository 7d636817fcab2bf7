import {
  createExecutionContext,
  createScheduledController,
  waitOnExecutionContext,
} from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import { describe, expect, inject, it } from 'vitest'
import type { StoredRound, TickRecord } from '../../src/checks/records'
import worker from '../../src/index'
import { hmacHex } from '../../src/ports/webhook'
import { call } from './helpers'

const TCP_PORT = inject('checksTcpPort')
const REFUSED_PORT = inject('checksRefusedPort')
const HTTP = inject('checksHttpUrl')
const SECRET = 'webhook-test-secret'

const TARGETS = `*** Alerts ***
to = ${HTTP}/hook

+ lossy
type = loss
pattern = >0%,>0%
comment = loss twice in a row
edgetrigger = yes

*** Targets ***
probe = TCPPing
menu = Top
title = Loopback checks
pings = 5

+ local
menu = Local

++ tcp
port = ${TCP_PORT}
host = 127.0.0.1

++ web
probe = Curl
urlformat = ${HTTP}/ok
host = 127.0.0.1

++ down
port = ${REFUSED_PORT}
alerts = lossy
host = 127.0.0.1
`

/** An hour boundary well after the config's `since`, so every tick here is in its future. */
const HOUR0 = (Math.floor(Date.now() / 3_600_000) + 2) * 60

async function tick(minute: number, over: Partial<Env> = {}): Promise<void> {
  const controller = createScheduledController({
    scheduledTime: minute * 60_000,
    cron: '* * * * *',
  })
  const ctx = createExecutionContext()
  await worker.scheduled(controller, { ...env, ALERT_WEBHOOK_SECRET: SECRET, ...over } as Env, ctx)
  await waitOnExecutionContext(ctx)
}

async function record(minute: number): Promise<TickRecord | null> {
  return env.EDGEPING_KV.get<TickRecord>(`checks:v1:tick:${minute}`, 'json')
}

async function allRounds(): Promise<StoredRound[]> {
  const list = await env.EDGEPING_KV.list({ prefix: 'checks:v1:tick:' })
  const records = await Promise.all(
    list.keys.map((k) => env.EDGEPING_KV.get<TickRecord>(k.name, 'json')),
  )
  return records.flatMap((r) => r?.rounds ?? [])
}

/** KV whose writes fail, as when the daily write quota is spent. */
function failingKv(): KVNamespace {
  return new Proxy(env.EDGEPING_KV, {
    get(target, prop) {
      if (prop === 'put')
        return async () => Promise.reject(new Error('KV put failed: daily write limit'))
      const value: unknown = Reflect.get(target, prop)
      return typeof value === 'function' ? value.bind(target) : value
    },
  })
}

describe('the cron handler', () => {
  it('does nothing without targets', async () => {
    await tick(HOUR0 - 30)
    expect(await record(HOUR0 - 30)).toBeNull()
  })

  it('runs due rounds once per step, records every round once, backfills lost ticks and rolls up the hour', async () => {
    const res = await call('/targets', {
      method: 'PUT',
      token: true,
      headers: { 'content-type': 'text/plain' },
      body: TARGETS,
    })
    expect(res.status, await res.clone().text()).toBe(200)
    expect(await res.json()).toMatchObject({
      targets: 3,
      plan: { writingTicksPerDay: 288, peakProbes: 15 },
    })

    // Several ticks: the three 5-ping targets share the minute at offset 0 of every 5.
    for (let m = HOUR0; m < HOUR0 + 6; m++) await tick(m)
    const first = await record(HOUR0)
    expect(first?.rounds.map((r) => [r.id, r.status, r.loss])).toEqual([
      ['local.tcp', 'ok', 0],
      ['local.web', 'ok', 0],
      ['local.down', 'ok', 5],
    ])
    for (let m = HOUR0 + 1; m < HOUR0 + 5; m++) expect(await record(m)).toBeNull() // no write
    const second = await record(HOUR0 + 5)
    expect(second?.rounds.map((r) => r.b)).toEqual((first?.rounds ?? []).map((r) => r.b + 1))

    // Overlapping ticks: the same minute twice at once, and the next minute alongside.
    await Promise.all([tick(HOUR0 + 10), tick(HOUR0 + 10), tick(HOUR0 + 11)])
    await tick(HOUR0 + 10) // a late duplicate finds the record and stops
    expect((await record(HOUR0 + 10))?.rounds).toHaveLength(3)

    // A KV write failure: the tick's record is lost, a later tick records its rounds as unknown.
    await tick(HOUR0 + 15, { EDGEPING_KV: failingKv() })
    expect(await record(HOUR0 + 15)).toBeNull()
    await tick(HOUR0 + 18)
    const filled = await record(HOUR0 + 15)
    expect(filled).toMatchObject({ backfilled: true })
    expect(filled?.rounds.map((r) => [r.id, r.status])).toEqual([
      ['local.tcp', 'unknown'],
      ['local.web', 'unknown'],
      ['local.down', 'unknown'],
    ])

    // Exactly once: one round per target and bucket over every record.
    const rounds = await allRounds()
    const keys = rounds.map((r) => `${r.id}@${r.b}`)
    expect(new Set(keys).size).toBe(keys.length)
    // HOUR0-5 lies after the config was stored but no tick ran then: the first tick backfilled it.
    expect((await record(HOUR0 - 5))?.backfilled).toBe(true)
    expect(rounds).toHaveLength(5 * 3)

    // The rollup minute of the next hour writes the hour record with the raw rounds.
    for (const m of [HOUR0 + 20, HOUR0 + 25]) await tick(m)
    await tick(HOUR0 + 70)
    const hour = await env.EDGEPING_KV.get<{
      targets: Record<string, { rounds: unknown[]; agg: { n: number; unknown: number } }>
    }>(`checks:v1:hour:${HOUR0}`, 'json')
    expect(hour?.targets['local.tcp']?.rounds).toHaveLength(6)
    expect(hour?.targets['local.tcp']?.agg).toMatchObject({ n: 5, unknown: 1 })
  })

  it('raises the loss alert once per episode by webhook, signed with HMAC-SHA256', async () => {
    const log = (await (await fetch(`${HTTP}/hook-log`)).json()) as {
      signature?: string
      body: string
    }[]
    const events = log.flatMap(
      (h) =>
        (JSON.parse(h.body) as { events: { event: string; alert: string; target: string }[] })
          .events,
    )
    expect(events[0]).toMatchObject({ event: 'raise', alert: 'lossy', target: 'local.down' })
    // An episode is raised once and cleared once (the unknown round from the failed write broke
    // the pattern, as a `U` does in SmokePing): raise and clear alternate, never repeat.
    expect(events.map((e) => e.event)).toEqual(
      events.map((_, i) => (i % 2 === 0 ? 'raise' : 'clear')),
    )
    for (const h of log) expect(h.signature).toBe(`sha256=${await hmacHex(SECRET, h.body)}`)
  })
})
