import { describe, expect, it } from 'vitest'
import {
  HistoryTooCostlyError,
  MAX_SPAN_DAYS,
  READ_BUDGET,
  readSeries,
} from '../../../src/checks/history'
import { prepareConfig } from '../../../src/checks/prepare-config'
import type { CheckStore, StoredRound } from '../../../src/checks/records'
import { aggregate, withoutAcc } from '../../../src/checks/rollup'
import { rollupDay, rollupHour } from '../../../src/checks/scheduler'
import { memoryStore } from './memory-store'

const budgets = { subrequests: 50, webhookReserve: 2, tickWritesPerDay: 950 }
// README "Capacity and KV arithmetic": pings = 20, step = 300 s.
const stored = prepareConfig(
  { targets: { name: '', probe: 'tcp', pings: 20, children: [{ name: 'a', host: 'a.example' }] } },
  budgets,
  0,
)
const target = (() => {
  const t = stored.resolved[0]
  if (!t) throw new Error('the config resolves to one target')
  return t
})()

const HOUR_MS = 3600_000
const DAY_MS = 86_400_000
const MIDNIGHT = Date.UTC(2026, 10, 25)

/** An empty store (no rollup written: every recent period must be rebuilt) that counts its reads. */
function countingStore(): { store: CheckStore; reads: string[] } {
  const inner = memoryStore()
  const reads: string[] = []
  const store: CheckStore = {
    ...inner,
    getTick: (m) => {
      reads.push(`tick:${m}`)
      return inner.getTick(m)
    },
    getHour: (h) => {
      reads.push(`hour:${h}`)
      return inner.getHour(h)
    },
    getDay: (d) => {
      reads.push(`day:${d}`)
      return inner.getDay(d)
    },
  }
  return { store, reads }
}

// Times of day where the newest periods cost most: just before and after midnight and the hour.
const NOWS = [
  MIDNIGHT - 1000,
  MIDNIGHT,
  MIDNIGHT + 30_000,
  MIDNIGHT + 23 * HOUR_MS + 59 * 60_000 + 30_000,
  MIDNIGHT + 12 * HOUR_MS + 30_000,
  MIDNIGHT + 12 * HOUR_MS + 59 * 60_000 + 59_000,
]

// The graph ranges and their budgets as README states them.
const GRAPHS = [
  { range: '3h', ms: 3 * HOUR_MS, resolution: 'raw', bound: 40 },
  { range: '30h', ms: 30 * HOUR_MS, resolution: 'raw', bound: 67 },
  { range: '10d', ms: 10 * DAY_MS, resolution: 'hour', bound: 95 },
  { range: '400d', ms: 400 * DAY_MS, resolution: 'day', bound: 490 },
] as const

async function readsFor(
  ms: number,
  resolution: 'raw' | 'hour' | 'day',
  endMs: number,
  nowMs: number,
): Promise<string[]> {
  const { store, reads } = countingStore()
  await readSeries(stored, store, target, endMs - ms, endMs, resolution, nowMs)
  return reads
}

/** The time a read key stands for, in epoch ms. */
const keyTime = (key: string) => Number(key.split(':')[1]) * 60_000

describe('readSeries read plan', () => {
  it.each(GRAPHS)('keeps the $range graph within $bound reads ending now', async (g) => {
    for (const now of NOWS) {
      expect((await readsFor(g.ms, g.resolution, now, now)).length).toBeLessThanOrEqual(g.bound)
    }
  })

  it.each(GRAPHS)(
    'keeps the $range graph within $bound reads with its end a day in the future',
    async (g) => {
      for (const now of NOWS) {
        const reads = await readsFor(g.ms, g.resolution, now + DAY_MS, now)
        expect(reads.length).toBeLessThanOrEqual(g.bound)
      }
    },
  )

  it.each(['raw', 'hour', 'day'] as const)(
    "stays under KV's 1,000 operations for the longest %s span, ending up to a day ahead",
    async (resolution) => {
      for (const now of NOWS) {
        for (const end of [now, now + DAY_MS]) {
          const reads = await readsFor(MAX_SPAN_DAYS[resolution] * DAY_MS, resolution, end, now)
          expect(reads.length).toBeLessThan(1000)
        }
      }
    },
  )

  it('reads nothing after now, whatever the end', async () => {
    const now = MIDNIGHT + 12 * HOUR_MS + 30_000
    for (const end of [now + 60_000, now + DAY_MS, now + 10_000 * DAY_MS]) {
      for (const g of GRAPHS) {
        const reads = await readsFor(g.ms, g.resolution, end, now)
        expect(reads.filter((k) => keyTime(k) > now)).toEqual([])
      }
    }
  })

  it('reads nothing at all for a range wholly in the future', async () => {
    const now = MIDNIGHT + 12 * HOUR_MS
    const { store, reads } = countingStore()
    const series = await readSeries(
      stored,
      store,
      target,
      now + HOUR_MS,
      now + 2 * HOUR_MS,
      'raw',
      now,
    )
    expect(series).toEqual({ resolution: 'raw', rounds: [] })
    expect(reads).toEqual([])
  })

  it('reads each record once even when a day and its hours are both rebuilt', async () => {
    const now = MIDNIGHT + 23 * HOUR_MS
    const reads = await readsFor(400 * DAY_MS, 'day', now, now)
    expect(new Set(reads).size).toBe(reads.length)
  })

  it('still finds the rounds of the newest ticks', async () => {
    const now = MIDNIGHT + 12 * HOUR_MS + 30_000
    const store = memoryStore()
    // A planned minute of the target, a few minutes ago.
    const minute = Math.floor(now / 300_000) * 5 - 5 + (stored.plan.offsets.a ?? 0)
    const round = { id: 'a', t: minute * 60_000, status: 'unknown' as const, pings: 20 }
    await store.putTick(minute, {
      v: 1,
      minute,
      rounds: [{ ...round, b: 0, m: minute }],
      hist: {},
    })
    const raw = await readSeries(stored, store, target, now - 3 * HOUR_MS, now, 'raw', now)
    expect(raw.resolution === 'raw' && raw.rounds.map((r) => r.m)).toEqual([minute])
    const day = await readSeries(stored, store, target, now - 10 * DAY_MS, now + DAY_MS, 'day', now)
    expect(day.resolution === 'day' || day.resolution === 'hour' ? day.points : []).toHaveLength(1)
  })

  it('refuses a plan over the budget for a short-step target, before reading anything', async () => {
    // A 60 s step: five times the ticks of the newest hours; 900 days just before midnight
    // planned 1,129 reads before this check (KV allows 1,000 a request).
    const fast = prepareConfig(
      {
        targets: {
          name: '',
          probe: 'tcp',
          pings: 20,
          step: 60,
          children: [{ name: 'a', host: 'a.example' }],
        },
      },
      { subrequests: 10_000, webhookReserve: 2, tickWritesPerDay: 100_000 },
      0,
    )
    const t = fast.resolved[0]
    if (!t) throw new Error('one target')
    const now = MIDNIGHT - 60_000
    const { store, reads } = countingStore()
    const long = readSeries(fast, store, t, now - 900 * DAY_MS, now, 'day', now)
    await expect(long).rejects.toBeInstanceOf(HistoryTooCostlyError)
    await expect(long).rejects.toThrow(/at most 990/)
    expect(reads).toEqual([])
    // A span it can afford is read, within the budget.
    await readSeries(fast, store, t, now - 400 * DAY_MS, now, 'day', now)
    expect(reads.length).toBeGreaterThan(400)
    expect(reads.length).toBeLessThanOrEqual(READ_BUDGET)
  })

  it('gives a recent hour the same point whatever `to` cuts the request at', async () => {
    // Rounds at 10:10 and 10:40; now 11:10, the 10:00 hour not rolled up yet. Cut at 10:30, the
    // point once held the 10:10 round only, and changed when the rollup landed.
    const now = MIDNIGHT + 11 * HOUR_MS + 10 * 60_000
    const store = memoryStore()
    const offset = stored.plan.offsets.a ?? 0
    for (const [minute, median] of [
      [MIDNIGHT / 60_000 + 10 * 60 + 10 + offset, 10],
      [MIDNIGHT / 60_000 + 10 * 60 + 40 + offset, 50],
    ] as const) {
      const round = {
        id: 'a',
        t: minute * 60_000,
        status: 'ok' as const,
        pings: 20,
        loss: 0,
        median,
        min: median,
        max: median,
      }
      await store.putTick(minute, {
        v: 1,
        minute,
        rounds: [{ ...round, b: 0, m: minute }],
        hist: {},
      })
    }
    const hourOf = async (toMs: number) => {
      const s = await readSeries(stored, store, target, MIDNIGHT + 9 * HOUR_MS, toMs, 'hour', now)
      return s.resolution === 'hour'
        ? s.points.find((p) => p.t === MIDNIGHT + 10 * HOUR_MS)
        : undefined
    }
    const whole = await hourOf(now)
    expect(whole).toMatchObject({ n: 2, median: 30 })
    expect(await hourOf(MIDNIGHT + 10 * HOUR_MS + 30 * 60_000)).toEqual(whole)
  })

  it('keeps the hour holding `from`, as the day resolution keeps the day holding it', async () => {
    const now = MIDNIGHT + 11 * HOUR_MS + 10 * 60_000
    const store = memoryStore()
    const minute = MIDNIGHT / 60_000 + 10 * 60 + 10 + (stored.plan.offsets.a ?? 0)
    const round = { id: 'a', t: minute * 60_000, status: 'ok' as const, pings: 20, loss: 0 }
    await store.putTick(minute, {
      v: 1,
      minute,
      rounds: [{ ...round, median: 7, min: 7, max: 7, b: 0, m: minute }],
      hist: {},
    })
    // From 10:30: the 10:00 hour overlaps the range, and so does that day.
    const from = MIDNIGHT + 10 * HOUR_MS + 30 * 60_000
    const hours = await readSeries(stored, store, target, from, now, 'hour', now)
    expect(hours.resolution === 'hour' && hours.points.map((p) => p.t)).toEqual([
      MIDNIGHT + 10 * HOUR_MS,
    ])
    const days = await readSeries(stored, store, target, from, now, 'day', now)
    expect(days.resolution === 'day' && days.points.map((p) => p.t)).toEqual([MIDNIGHT])
  })
})

describe('readSeries rollups: RRD xff per data source', () => {
  const offset = stored.plan.offsets.a ?? 0
  const dayMinute = MIDNIGHT / 60_000
  /** Round k of the day: 2 of 3 lose all 20 pings in the first 6 hours, half are unknown in hour 7; others lose 0 or 1 ping. */
  const roundAt = (k: number): StoredRound => {
    const minute = dayMinute + offset + 5 * k
    const hour = Math.floor(k / 12)
    const base = { id: 'a', t: minute * 60_000, pings: 20, b: minute / 5, m: minute }
    if (hour < 6 && k % 3 !== 0)
      return {
        ...base,
        status: 'ok',
        loss: 20,
        median: null,
        min: null,
        max: null,
        smoke: Array(20).fill(null),
      }
    if (hour === 7 && k % 2 === 0) return { ...base, status: 'unknown' }
    const rtt = 10 + (k % 7)
    const lost = k % 12 < 4 ? 1 : 0
    return {
      ...base,
      status: 'ok',
      loss: lost,
      median: rtt,
      min: rtt - 1,
      max: rtt + 1,
      smoke: [...Array(lost).fill(null), ...Array(20 - lost).fill(rtt)],
    }
  }
  const rounds = Array.from({ length: 288 }, (_, k) => roundAt(k))

  async function storeDay(rollups: boolean): Promise<CheckStore> {
    const store = memoryStore()
    for (const r of rounds) await store.putTick(r.m, { v: 1, minute: r.m, rounds: [r], hist: {} })
    if (rollups) {
      for (let h = 0; h < 24; h++) await rollupHour(stored, dayMinute + h * 60, store)
      await rollupDay(dayMinute, store)
    }
    return store
  }

  it('shows an hour where most rounds lost everything with its loss and no median', async () => {
    const now = MIDNIGHT + 2 * HOUR_MS
    const store = await storeDay(false)
    const s = await readSeries(stored, store, target, MIDNIGHT, now, 'hour', now)
    const first = s.resolution === 'hour' ? s.points[0] : undefined
    // 8 rounds lost 20 pings, 4 lost 1 or none: loss (8 × 20 + 1 + 1) / 12, median unknown
    expect(first).toMatchObject({ n: 12, unknown: 0, loss: 13.5, median: null, min: null })
    expect(first?.smoke.every((v) => v === null)).toBe(true)
    // the accumulators stay in the records: the API shows the aggregate only
    expect(first).not.toHaveProperty('acc')
  })

  it('rolls a day up from its hour records as from its rounds (per data source PDPs)', async () => {
    const now = MIDNIGHT + 3 * DAY_MS
    const store = await storeDay(true)
    const s = await readSeries(stored, store, target, MIDNIGHT, MIDNIGHT + DAY_MS, 'day', now)
    const fromRounds = withoutAcc(aggregate(MIDNIGHT, rounds))
    expect(s.resolution === 'day' && s.points).toEqual([fromRounds])
    // the six lossy hours are a quarter of the day's PDPs: the day keeps a median
    expect(fromRounds.median).not.toBeNull()
    const hours = await readSeries(stored, store, target, MIDNIGHT, MIDNIGHT + DAY_MS, 'hour', now)
    const points = hours.resolution === 'hour' ? hours.points : []
    expect(points.slice(0, 6).map((p) => p.median)).toEqual(Array(6).fill(null))
    expect(points[7]).toMatchObject({ n: 6, unknown: 6 })
    expect(points[7]?.median).not.toBeNull()
  })
})
