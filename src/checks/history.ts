import type { ResolvedTarget } from './kinds/resolved-target'
import type { Aggregate, CheckStore, StoredConfig, StoredRound, TickRecord } from './records'
import { aggregate } from './rollup'

export type Resolution = 'raw' | 'hour' | 'day'

/** Hours this recent may lack their rollup yet (it is written at minute 10 of the next hour). */
const RECENT_HOURS = 3
/** Days this recent may lack their rollup yet (written at 00:20 of the next day). */
const RECENT_DAYS = 2
const HOUR = 60
const DAY = 1440

/** The most recent minute ≤ `minute` at which `target`'s rounds are planned. */
function lastPlannedMinute(stored: StoredConfig, target: ResolvedTarget, minute: number): number {
  const s = target.step / 60
  const offset = stored.plan.offsets[target.id] ?? 0
  return minute - ((((minute - offset) % s) + s) % s)
}

/** A memo of tick reads, so several targets sharing a tick cost one read. */
function tickReader(store: CheckStore): (minute: number) => Promise<TickRecord | null> {
  const cache = new Map<number, Promise<TickRecord | null>>()
  return (m) => {
    let p = cache.get(m)
    if (!p) {
      p = store.getTick(m)
      cache.set(m, p)
    }
    return p
  }
}

/**
 * Each target's newest recorded round: found in the tick of its last planned minute (or up to
 * two steps earlier). Costs one read per distinct planned minute: a handful for step 300.
 */
export async function lastRounds(
  stored: StoredConfig,
  store: CheckStore,
  nowMs: number,
): Promise<Map<string, StoredRound>> {
  const read = tickReader(store)
  const minute = Math.floor(nowMs / 60_000)
  const out = new Map<string, StoredRound>()
  await Promise.all(
    stored.resolved.map(async (t) => {
      let m = lastPlannedMinute(stored, t, minute)
      for (let k = 0; k < 3; k++, m -= t.step / 60) {
        const found = (await read(m))?.rounds.find((r) => r.id === t.id)
        if (found) {
          out.set(t.id, found)
          return
        }
      }
    }),
  )
  return out
}

/** Raw rounds of one target in [from, to): hour records, and ticks for the newest hours. */
async function rawRounds(
  stored: StoredConfig,
  store: CheckStore,
  target: ResolvedTarget,
  from: number,
  to: number,
  nowMinute: number,
): Promise<StoredRound[]> {
  const read = tickReader(store)
  const hours: number[] = []
  for (let h = Math.floor(from / HOUR) * HOUR; h < to; h += HOUR) hours.push(h)
  const parts = await Promise.all(
    hours.map(async (h) => {
      const rec = await store.getHour(h)
      if (rec) return rec.targets[target.id]?.rounds ?? []
      if (h < nowMinute - RECENT_HOURS * HOUR) return []
      const minutes: number[] = []
      const s = target.step / 60
      for (let m = lastPlannedMinute(stored, target, h + HOUR - 1); m >= h; m -= s) minutes.push(m)
      const ticks = await Promise.all(minutes.reverse().map(read))
      return ticks.flatMap((t) => t?.rounds.filter((r) => r.id === target.id) ?? [])
    }),
  )
  return parts.flat().filter((r) => r.m >= from && r.m < to)
}

async function hourAggregates(
  stored: StoredConfig,
  store: CheckStore,
  target: ResolvedTarget,
  from: number,
  to: number,
  nowMinute: number,
): Promise<Aggregate[]> {
  const days: number[] = []
  for (let d = Math.floor(from / DAY) * DAY; d < to; d += DAY) days.push(d)
  const parts = await Promise.all(
    days.map(async (d) => {
      const rec = await store.getDay(d)
      if (rec) return rec.targets[target.id]?.hours ?? []
      if (d < nowMinute - RECENT_DAYS * DAY) return []
      const hours = Array.from({ length: 24 }, (_, i) => d + i * HOUR).filter(
        (h) => h < to && h + HOUR > from,
      )
      const aggs = await Promise.all(
        hours.map(async (h) => {
          const hr = await store.getHour(h)
          if (hr) return hr.targets[target.id]?.agg
          if (h < nowMinute - RECENT_HOURS * HOUR) return undefined
          const rounds = await rawRounds(stored, store, target, h, h + HOUR, nowMinute)
          return rounds.length ? aggregate(h * 60_000, rounds) : undefined
        }),
      )
      return aggs.filter((a): a is Aggregate => a !== undefined)
    }),
  )
  return parts.flat().filter((a) => a.t >= from * 60_000 && a.t < to * 60_000)
}

async function dayAggregates(
  stored: StoredConfig,
  store: CheckStore,
  target: ResolvedTarget,
  from: number,
  to: number,
  nowMinute: number,
): Promise<Aggregate[]> {
  const days: number[] = []
  for (let d = Math.floor(from / DAY) * DAY; d < to; d += DAY) days.push(d)
  const aggs = await Promise.all(
    days.map(async (d) => {
      const rec = await store.getDay(d)
      if (rec) return rec.targets[target.id]?.agg
      if (d < nowMinute - RECENT_DAYS * DAY) return undefined
      const hours = await hourAggregates(stored, store, target, d, d + DAY, nowMinute)
      return hours.length ? aggregate(d * 60_000, hours) : undefined
    }),
  )
  return aggs.filter((a): a is Aggregate => a !== undefined)
}

export type Series =
  | { resolution: 'raw'; rounds: StoredRound[] }
  | { resolution: 'hour' | 'day'; points: Aggregate[] }

/**
 * One target's history over [fromMs, toMs). KV reads: raw = one per hour (+ ticks of the last
 * 3 hours), hour = one per day (+ hours of the last 2 days), day = one per day.
 */
export async function readSeries(
  stored: StoredConfig,
  store: CheckStore,
  target: ResolvedTarget,
  fromMs: number,
  toMs: number,
  resolution: Resolution,
  nowMs: number,
): Promise<Series> {
  const from = Math.floor(fromMs / 60_000)
  const to = Math.ceil(toMs / 60_000)
  const now = Math.floor(nowMs / 60_000)
  if (resolution === 'raw')
    return { resolution, rounds: await rawRounds(stored, store, target, from, to, now) }
  if (resolution === 'hour')
    return { resolution, points: await hourAggregates(stored, store, target, from, to, now) }
  return { resolution, points: await dayAggregates(stored, store, target, from, to, now) }
}

/** The longest span each resolution may be asked for (KV allows 1,000 operations per call). */
export const MAX_SPAN_DAYS: Record<Resolution, number> = { raw: 8, hour: 400, day: 900 }
