import { describe, expect, it } from 'vitest'
import type { AlertEvent } from '../../../src/checks/alerts'
import { readSeries } from '../../../src/checks/history'
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

/** Ports where every host answers at once and nothing is sent or kept: `over` replaces parts. */
function livePorts(over: Partial<SchedulerPorts> = {}): SchedulerPorts {
  return {
    store: memoryStore(),
    probes: { refuseHost: () => null, connect: async () => ({ ok: true, ms: 1 }) },
    notify: async () => {},
    now: () => 0,
    background: () => {},
    log: () => {},
    ...over,
  }
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

describe('a config stored during a bucket', () => {
  it('leaves the bucket that started before it alone, even when stored in its first minute', async () => {
    // The tick of minute M ran a's round (old plan, offset 0) at M:00; the PUT came at M:30 and
    // planned c at minute M+1: the bucket [M, M+5) already has its rounds.
    const stored = prepareConfig(config, budgets, M * 60_000 + 30_000)
    const store = memoryStore()
    const ports = livePorts({ store })
    const tick = (m: number) =>
      runDueRounds(stored, ports, { scheduledTime: m * 60_000, deadlineMs: 10_000 })
    expect((await tick(M + 1)).ran).toBe(0)
    expect(await store.getTick(M + 1)).toBeNull()
    expect((await tick(M + 6)).ran).toBe(1)
  })
})

describe('targets the plan could not fit', () => {
  const mixed: TargetsConfig = {
    targets: {
      name: '',
      probe: 'tcp',
      pings: 20,
      children: [
        { name: 'web', host: 'web.example' },
        // 1,440 rounds a day: more writing minutes than the free KV budget has
        { name: 'fast', host: 'fast.example', step: 60 },
      ],
    },
  }

  it('never cost KV writes the budget kept them out for (a 60 s step on the free plan)', async () => {
    // stored just before M: no earlier tick to backfill
    const stored = prepareConfig(mixed, budgets, (M - 1) * 60_000)
    expect(stored.plan.unscheduled.map((u) => u.id)).toEqual(['fast'])
    expect(stored.plan.unscheduled[0]?.reason).toContain('not recorded as unknown either')
    const store = memoryStore()
    let writes = 0
    const ports = livePorts({
      store: {
        ...store,
        putTick: (m, r) => {
          writes++
          return store.putTick(m, r)
        },
      },
    })
    for (let m = M; m < M + 60; m++)
      await runDueRounds(stored, ports, { scheduledTime: m * 60_000, deadlineMs: 10_000 })
    // web's 12 rounds of the hour, nothing else: a tick per minute would be 1,440 writes a day
    expect(writes).toBe(12)
    expect(stored.plan.writingTicksPerDay).toBeLessThanOrEqual(budgets.tickWritesPerDay)
  })

  it('are recorded as unknown in ticks that write anyway', async () => {
    const stored = prepareConfig(
      {
        targets: {
          ...mixed.targets,
          children: [
            { name: 'web', host: 'web.example', pings: 20 },
            { name: 'big', host: 'big.example', pings: 60 },
          ],
        },
      },
      budgets,
      0,
    )
    expect(stored.plan.unknownOffsets).toEqual({ big: 0 })
    const store = memoryStore()
    const ports = livePorts({ store })
    await runDueRounds(stored, ports, { scheduledTime: M * 60_000, deadlineMs: 10_000 })
    expect((await store.getTick(M))?.rounds.map((r) => [r.id, r.status])).toEqual([
      ['web', 'ok'],
      ['big', 'unknown'],
    ])
  })
})

describe('the hour rollup across a config change', () => {
  it('keeps the rounds recorded before the change, in the hour record and in the raw history', async () => {
    const before = prepareConfig(config, budgets, (M - 1) * 60_000)
    // the tree stored again at M+29:30 with two targets more, packed before `a`: `a` moves to
    // minute 1 of its step
    const changed: TargetsConfig = {
      ...config,
      targets: {
        ...config.targets,
        children: [
          { name: '0a', host: 'f.example' },
          { name: '0b', host: 'g.example' },
          ...(config.targets.children ?? []),
        ],
      },
    }
    const after = prepareConfig(changed, budgets, (M + 29) * 60_000 + 30_000)
    expect(after.plan.offsets.a).not.toBe(before.plan.offsets.a)
    const store = memoryStore()
    const background: Promise<unknown>[] = []
    const ports = livePorts({
      store,
      probes: { refuseHost: () => null, connect: async () => ({ ok: true, ms: 4 }) },
      background: (p) => void background.push(p),
    })
    const run = async (from: number, to: number) => {
      for (let m = from; m <= to; m++) {
        await runDueRounds(m < M + 30 ? before : after, ports, {
          scheduledTime: m * 60_000,
          deadlineMs: 10_000,
        })
        await Promise.all(background.splice(0))
      }
    }
    await run(M, M + 40)
    const a = after.resolved.find((t) => t.id === 'a')
    if (!a) throw new Error('a is a target')
    const recent = await readSeries(
      after,
      store,
      a,
      M * 60_000,
      (M + 41) * 60_000,
      'raw',
      (M + 41) * 60_000,
    )
    expect(recent.resolution === 'raw' && recent.rounds.map((r) => r.m - M)).toEqual([
      0, 5, 10, 15, 20, 25, 31, 36,
    ])
    await run(M + 41, M + 70)
    const hour = await store.getHour(M)
    expect(hour?.targets.a?.rounds.map((r) => r.m - M)).toEqual([
      0, 5, 10, 15, 20, 25, 31, 36, 41, 46, 51, 56,
    ])
    expect(hour?.targets.a?.agg).toMatchObject({ n: 12, unknown: 0 })
  })
})

describe('a rollup the cron missed', () => {
  it('is made by a later tick of the hour when the record is still missing, and only then', async () => {
    const { store, tick } = setup(async () => ({ ok: true, ms: 7 }))
    let hourWrites = 0
    const putHour = store.putHour
    store.putHour = (h, r) => {
      if (h === M) hourWrites++
      return putHour(h, r)
    }
    for (let m = M; m < M + 60; m++) await tick(m)
    // no tick at M+60+10 (the cron missed it): the 20-minute tick rolls the hour up
    for (let m = M + 60; m <= M + 60 + 50; m++) if (m !== M + 70) await tick(m)
    expect(await store.getHour(M)).toMatchObject({ hour: M })
    expect((await store.getHour(M))?.targets.a?.rounds).toHaveLength(12)
    expect(hourWrites).toBe(1)
  })

  it('puts the 23:00 hour its retry rolls up at 00:20 into the day rolled up then', async () => {
    const { store, tick } = setup(async () => ({ ok: true, ms: 7 }))
    const D = 1440 * 7000 // a UTC midnight
    for (let m = D - 60; m < D; m++) await tick(m)
    // 00:10 missed; 00:20 retries the hour, then rolls up the day
    await tick(D + 20)
    const day = await store.getDay(D - 1440)
    // (the 22:00 hour holds what the backfill of the first ticks recorded as unknown)
    expect(day?.targets.a?.hours.at(-1)).toMatchObject({ t: (D - 60) * 60_000, n: 12, median: 7 })
  })

  it('rolls a missed day up at a later hour of the next day', async () => {
    const { store, tick } = setup(async () => ({ ok: true, ms: 7 }))
    const D = 1440 * 7000 // a UTC midnight
    await store.putHour(D + 60, {
      v: 1,
      hour: D + 60,
      targets: {
        a: {
          rounds: [],
          agg: {
            t: (D + 60) * 60_000,
            n: 12,
            unknown: 0,
            pings: 20,
            loss: 0,
            median: 5,
            min: 5,
            max: 5,
            smoke: [],
          },
        },
      },
    })
    // the 00:20 tick of the next day did not run; 01:20 did
    await tick(D + 1440 + 80)
    expect(await store.getDay(D)).toMatchObject({ day: D, targets: { a: { agg: { median: 5 } } } })
  })
})

describe('a referer check in a tick', () => {
  const waf: TargetsConfig = {
    targets: {
      name: '',
      probe: 'referer',
      pings: 24,
      children: [
        { name: 'w1', host: 'w1.example', referer: 'casino' },
        { name: 'w2', host: 'w2.example', referer: 'casino' },
      ],
    },
  }
  function run(stored: ReturnType<typeof prepareConfig>, minute: number) {
    let requests = 0
    const ports: SchedulerPorts = {
      store: memoryStore(),
      probes: {
        refuseHost: () => null,
        http: async (_u, { headers }) => {
          requests++
          return { ok: true, status: headers?.referer === undefined ? 200 : 403, ms: 2 }
        },
      },
      notify: async () => {},
      now: () => 0,
      background: () => {},
      log: () => {},
    }
    return runDueRounds(stored, ports, { scheduledTime: minute * 60_000, deadlineMs: 10_000 }).then(
      (s) => ({ ...s, requests }),
    )
  }

  it('sends pings + 2 per round, in ticks planned for it', async () => {
    const stored = prepareConfig(waf, budgets, (M - 1) * 60_000)
    // 26 + 26 > 48: one target per minute
    expect(stored.plan.offsets).toEqual({ w1: 0, w2: 1 })
    expect(await run(stored, M)).toMatchObject({ ran: 1, requests: 26 })
  })

  it('sends the pings only under a plan stored before baselines were counted', async () => {
    const stored = prepareConfig(waf, budgets, (M - 1) * 60_000)
    // such a plan packed both 24-ping targets into one tick: 48 of the 48 subrequests
    const { baselines: _, ...legacy } = { ...stored.plan, offsets: { w1: 0, w2: 0 } }
    expect(await run({ ...stored, plan: legacy }, M)).toMatchObject({ ran: 2, requests: 48 })
  })
})
