import { describe, expect, it } from 'vitest'
import type { AlertEvent } from '../../../src/checks/alerts'
import type { ProbePorts } from '../../../src/checks/kinds/ports'
import { prepareConfig } from '../../../src/checks/prepare-config'
import { runDueRounds, type SchedulerPorts } from '../../../src/checks/scheduler'
import { exportSmokepingText } from '../../../src/checks/smokeping-export'
import { parseSmokepingText } from '../../../src/checks/smokeping-parse'
import type { TargetsConfig } from '../../../src/checks/targets-model'
import { memoryStore } from './memory-store'

const config: TargetsConfig = {
  alerts: {
    // SmokePing's comma list: mail is kept but not delivered, each URL gets the events.
    to: 'https://hooks.example/a, ops@example.test,HTTPS://hooks.example/b',
    list: [
      { name: 'down', type: 'loss', pattern: '==100%', comment: 'all lost', edgetrigger: true },
    ],
  },
  targets: {
    name: '',
    probe: 'tcp',
    pings: 20,
    children: [
      { name: 'a', host: 'a.example' },
      { name: 'b', host: 'b.example', alerts: ['down'] },
      { name: 'c', host: 'c.example' },
      { name: 'big', host: 'big.example', pings: 60 },
    ],
  },
}
const budgets = { subrequests: 50, webhookReserve: 2, tickWritesPerDay: 950 }
const M = 9_999_960 // an hour boundary (a multiple of 60, so of 5)

function setup(connect: ProbePorts['connect']) {
  const stored = prepareConfig(config, budgets, 0)
  const store = memoryStore()
  const sent: { url: string; events: AlertEvent[] }[] = []
  const background: Promise<unknown>[] = []
  const ports: SchedulerPorts = {
    store,
    probes: { refuseHost: () => null, ...(connect ? { connect } : {}) },
    notify: async (url, events) => void sent.push({ url, events }),
    now: () => 0,
    background: (p) => void background.push(p),
    log: () => {},
  }
  const tick = async (minute: number, deadlineMs = 10_000) => {
    const s = await runDueRounds(stored, ports, { scheduledTime: minute * 60_000, deadlineMs })
    await Promise.all(background.splice(0))
    return s
  }
  return { stored, store, sent, tick }
}

describe('runDueRounds', () => {
  it('runs two 20-ping targets per tick on the free budget and records the 60-ping one as unknown', async () => {
    const { stored, store, tick } = setup(async (host) =>
      host === 'b.example' ? { ok: false, reason: 'refused' } : { ok: true, ms: 10 },
    )
    expect(stored.plan.offsets).toEqual({ a: 0, b: 0, c: 1 })
    const first = await tick(M)
    expect(first).toMatchObject({ ran: 2, unknown: 1, written: true })
    const rec = await store.getTick(M)
    expect(rec?.rounds.map((r) => [r.id, r.status, r.loss ?? r.reason])).toEqual([
      ['a', 'ok', 0],
      ['b', 'ok', 20],
      ['big', 'unknown', expect.stringContaining('60 pings exceed the 48 probes')],
    ])
    expect((await tick(M + 1)).ran).toBe(1) // c
    expect(await tick(M + 2)).toMatchObject({ ran: 0, written: false })
  })

  it('stops a duplicate invocation of a recorded minute', async () => {
    const { tick } = setup(async () => ({ ok: true, ms: 5 }))
    await tick(M)
    expect((await tick(M)).skipped).toBe('tick already recorded')
  })

  it('records rounds the deadline cut short as unknown', async () => {
    const { store, tick } = setup(
      (_h, _p, signal) =>
        new Promise((resolve) =>
          signal.addEventListener('abort', () => resolve({ ok: false, reason: 'aborted' })),
        ),
    )
    await tick(M, 20)
    const rec = await store.getTick(M)
    expect(
      rec?.rounds.filter((r) => r.id !== 'big').map((r) => [r.id, r.status, r.reason]),
    ).toEqual([
      ['a', 'unknown', expect.stringContaining('deadline')],
      ['b', 'unknown', expect.stringContaining('deadline')],
    ])
  })

  it('raises an alert once and clears it once, with history carried across ticks', async () => {
    let bDown = true
    const { sent, tick } = setup(async (host) =>
      host === 'b.example' && bDown ? { ok: false, reason: 'refused' } : { ok: true, ms: 3 },
    )
    await tick(M)
    await tick(M + 5)
    bDown = false
    await tick(M + 10)
    await tick(M + 15)
    expect(sent.flatMap((s) => s.events.map((e) => `${e.event}:${e.target}:${s.url}`))).toEqual([
      'raise:b:https://hooks.example/a',
      'raise:b:HTTPS://hooks.example/b',
      'clear:b:https://hooks.example/a',
      'clear:b:HTTPS://hooks.example/b',
    ])
  })

  it('backfills a tick that left no record, and rolls up the hour at minute 10 of the next', async () => {
    const { store, tick } = setup(async () => ({ ok: true, ms: 7 }))
    for (let m = M; m < M + 60; m++) if (m !== M + 20) await tick(m)
    expect(await store.getTick(M + 20)).toMatchObject({ backfilled: true })
    await tick(M + 70)
    const hour = await store.getHour(M)
    expect(hour?.targets.a?.rounds).toHaveLength(12)
    expect(hour?.targets.a?.agg).toMatchObject({ n: 11, unknown: 1, median: 7 })
  })
})

describe('a config change', () => {
  it('takes effect with the next bucket, so no bucket gets two rounds', async () => {
    const { stored, store, tick } = setup(async () => ({ ok: true, ms: 1 }))
    stored.since = M + 2 // stored during the bucket [M, M+5)
    expect((await tick(M + 1)).ran).toBe(0) // c's old-plan minute in that bucket: not in effect
    expect(await store.getTick(M + 1)).toBeNull()
    expect((await tick(M + 5)).ran).toBe(2)
  })

  it('counts every webhook URL of every recipient list against the reserve', () => {
    const lists: TargetsConfig = {
      ...config,
      alerts: {
        to: 'https://h.example/1, https://h.example/2',
        list: [
          { name: 'down', type: 'loss', pattern: '>0%', comment: 'c', to: 'https://h.example/3' },
        ],
      },
    }
    expect(() => prepareConfig(lists, budgets, 0)).toThrow('3 distinct alert webhook URLs')
    const bad: TargetsConfig = {
      ...lists,
      alerts: { list: lists.alerts?.list ?? [], to: 'https://h.example/1, |mail.sh' },
    }
    expect(() => prepareConfig(bad, budgets, 0)).toThrow("alert recipient '|mail.sh'")
  })

  it('stores empty sections as the SmokePing export reads them back: not at all', () => {
    const targets = { name: '', probe: 'tcp', children: [{ name: 'a', host: 'a.example' }] }
    const empty: TargetsConfig = { database: {}, probes: [], alerts: { list: [] }, targets }
    const stored = prepareConfig(empty, budgets, 0).config
    expect(stored).toEqual({ targets })
    expect(parseSmokepingText(exportSmokepingText(stored)).config).toEqual(stored)
    // An alerts section with only a `to` is kept, and reads back as such.
    const onlyTo: TargetsConfig = { targets, alerts: { to: 'ops@example.test', list: [] } }
    const kept = prepareConfig(onlyTo, budgets, 0).config
    expect(kept.alerts).toEqual({ to: 'ops@example.test', list: [] })
    expect(parseSmokepingText(exportSmokepingText(kept)).config).toEqual(kept)
  })
})
