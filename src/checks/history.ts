import type { ResolvedTarget } from './kinds/resolved-target'
import type { Aggregate, CheckStore, StoredConfig, StoredRound } from './records'
import { aggregate, withoutAcc } from './rollup'

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

type Reads = Pick<CheckStore, 'getTick' | 'getHour' | 'getDay'>

/** Memoised reads: a record needed twice in one request (a day, then its hours) costs one read. */
function memoReads(store: CheckStore): Reads {
  const memo = <T>(get: (key: number) => Promise<T>) => {
    const cache = new Map<number, Promise<T>>()
    return (key: number): Promise<T> => {
      let p = cache.get(key)
      if (!p) {
        p = get(key)
        cache.set(key, p)
      }
      return p
    }
  }
  return {
    getTick: memo((m) => store.getTick(m)),
    getHour: memo((h) => store.getHour(h)),
    getDay: memo((d) => store.getDay(d)),
  }
}

/**
 * Whether a period of `length` minutes starting at `start` began within the last `count`
 * periods, so its rollup may not be written yet. Strictly within: exactly `count` periods
 * qualify at any minute, which is what the README's read budgets count.
 */
function mayLackRollup(start: number, length: number, count: number, now: number): boolean {
  return start > now - count * length
}

/**
 * The minutes in [from, to) whose ticks may hold `target`'s rounds, oldest first: those of its
 * plan, and every minute before the config took effect (an older plan ran it then, at minutes
 * this config cannot tell; only in the recent hours of a change).
 */
function plannedMinutes(
  stored: StoredConfig,
  target: ResolvedTarget,
  from: number,
  to: number,
): number[] {
  const s = target.step / 60
  const minutes: number[] = []
  for (let m = lastPlannedMinute(stored, target, to - 1); m >= from; m -= s) {
    if (m >= stored.since) minutes.push(m)
  }
  for (let m = Math.min(to, stored.since) - 1; m >= from; m--) minutes.push(m)
  return minutes.reverse()
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
  const read = memoReads(store).getTick
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

/**
 * The range a history request reads, in epoch minutes: [from, to) with `to` never past the
 * current minute, and the `now` that tells which periods may still lack their rollup.
 */
type Span = { from: number; to: number; now: number }

/** Raw rounds of one target in [from, to): hour records, and ticks for the newest hours. */
async function rawRounds(
  stored: StoredConfig,
  reads: Reads,
  target: ResolvedTarget,
  { from, to, now }: Span,
): Promise<StoredRound[]> {
  const hours: number[] = []
  for (let h = Math.floor(from / HOUR) * HOUR; h < to; h += HOUR) hours.push(h)
  const parts = await Promise.all(
    hours.map(async (h) => {
      const rec = await reads.getHour(h)
      if (rec) return rec.targets[target.id]?.rounds ?? []
      if (!mayLackRollup(h, HOUR, RECENT_HOURS, now)) return []
      const minutes = plannedMinutes(stored, target, Math.max(h, from), Math.min(h + HOUR, to))
      const ticks = await Promise.all(minutes.map(reads.getTick))
      return ticks.flatMap((t) => t?.rounds.filter((r) => r.id === target.id) ?? [])
    }),
  )
  return parts.flat().filter((r) => r.m >= from && r.m < to)
}

/** Hourly aggregates of one target in [from, to): day records, and hours for the newest days. */
async function hourAggregates(
  stored: StoredConfig,
  reads: Reads,
  target: ResolvedTarget,
  { from, to, now }: Span,
): Promise<Aggregate[]> {
  const days: number[] = []
  for (let d = Math.floor(from / DAY) * DAY; d < to; d += DAY) days.push(d)
  const parts = await Promise.all(
    days.map(async (d) => {
      const rec = await reads.getDay(d)
      if (rec) return rec.targets[target.id]?.hours ?? []
      if (!mayLackRollup(d, DAY, RECENT_DAYS, now)) return []
      const hours = Array.from({ length: 24 }, (_, i) => d + i * HOUR).filter(
        (h) => h < to && h + HOUR > from,
      )
      const aggs = await Promise.all(
        hours.map(async (h) => {
          const hr = await reads.getHour(h)
          if (hr) return hr.targets[target.id]?.agg
          if (!mayLackRollup(h, HOUR, RECENT_HOURS, now)) return undefined
          // The whole hour so far, as its rollup will hold it: the point does not change when
          // the rollup lands, whatever `to` cut the request at.
          const hour = { from: h, to: Math.min(h + HOUR, now + 1), now }
          const rounds = await rawRounds(stored, reads, target, hour)
          return rounds.length ? aggregate(h * 60_000, rounds) : undefined
        }),
      )
      return aggs.filter((a): a is Aggregate => a !== undefined)
    }),
  )
  // Every hour that overlaps [from, to), the one holding `from` included, as the day resolution
  // keeps the day holding it (and as an RRD fetch returns the row holding its start).
  return parts.flat().filter((a) => a.t + HOUR * 60_000 > from * 60_000 && a.t < to * 60_000)
}

/** Daily aggregates of one target in [from, to): day records, and hours for the newest days. */
async function dayAggregates(
  stored: StoredConfig,
  reads: Reads,
  target: ResolvedTarget,
  { from, to, now }: Span,
): Promise<Aggregate[]> {
  const days: number[] = []
  for (let d = Math.floor(from / DAY) * DAY; d < to; d += DAY) days.push(d)
  const aggs = await Promise.all(
    days.map(async (d) => {
      const rec = await reads.getDay(d)
      if (rec) return rec.targets[target.id]?.agg
      if (!mayLackRollup(d, DAY, RECENT_DAYS, now)) return undefined
      // The whole day so far, as its rollup will hold it (see hourAggregates).
      const day = { from: d, to: Math.min(d + DAY, now + 1), now }
      const hours = await hourAggregates(stored, reads, target, day)
      return hours.length ? aggregate(d * 60_000, hours) : undefined
    }),
  )
  return aggs.filter((a): a is Aggregate => a !== undefined)
}

export type Series =
  | { resolution: 'raw'; rounds: StoredRound[] }
  | { resolution: 'hour' | 'day'; points: Aggregate[] }

/**
 * One target's history over [fromMs, toMs). Nothing after `nowMs` is read: the future has no
 * records, and planning reads for it would cost a dozen tick reads per future hour (a far end
 * once meant 100,000 reads). KV reads, each record at most once: raw = one per hour (+ ticks of
 * the last 3 hours), hour = one per day (+ hours of the last 2 days), day = one per day (+ the
 * same hours and ticks as hour for the last 2 days).
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
  const span: Span = {
    from: Math.floor(fromMs / 60_000),
    to: Math.ceil(Math.min(toMs, nowMs) / 60_000),
    now: Math.floor(nowMs / 60_000),
  }
  const read = async (reads: Reads): Promise<Series> => {
    if (resolution === 'raw') {
      const rounds = span.to > span.from ? await rawRounds(stored, reads, target, span) : []
      return { resolution, rounds }
    }
    const aggregates = resolution === 'hour' ? hourAggregates : dayAggregates
    const points = span.to > span.from ? await aggregates(stored, reads, target, span) : []
    // The accumulators stored with each aggregate serve the day rollup, not the API.
    return { resolution, points: points.map(withoutAcc) }
  }
  // The plan first, against a store with no records: every recent period then falls through to
  // its finer records, the most this request can read. The count depends on the target's step
  // (a 60 s step has five times the ticks of 300 s), which MAX_SPAN_DAYS cannot know.
  const worst = countingReads()
  await read(worst.reads)
  if (worst.count() > READ_BUDGET) throw new HistoryTooCostlyError(worst.count(), target.step)
  return read(memoReads(store))
}

/**
 * KV reads one history request may make: KV allows 1,000 operations per invocation, and the
 * stored config is read first.
 */
export const READ_BUDGET = 990

/** The request would read more than READ_BUDGET records (a long span of a short-step target). */
export class HistoryTooCostlyError extends Error {
  override name = 'HistoryTooCostlyError'
  constructor(
    readonly reads: number,
    readonly step: number,
  ) {
    super(
      `this range needs up to ${reads} KV reads for a target with a ${step} s step; one request may make at most ${READ_BUDGET}: ask a shorter range or a coarser resolution`,
    )
  }
}

/** Reads that find nothing and count the distinct records asked for. */
function countingReads(): { reads: Reads; count: () => number } {
  const ticks = new Set<number>()
  const hours = new Set<number>()
  const days = new Set<number>()
  return {
    reads: {
      getTick: async (m) => {
        ticks.add(m)
        return null
      },
      getHour: async (h) => {
        hours.add(h)
        return null
      },
      getDay: async (d) => {
        days.add(d)
        return null
      },
    },
    count: () => ticks.size + hours.size + days.size,
  }
}

/** The longest span each resolution may be asked for (KV allows 1,000 operations per call). */
export const MAX_SPAN_DAYS: Record<Resolution, number> = { raw: 8, hour: 400, day: 900 }

/**
 * How far past now a history request may end: room for clock skew between client and edge.
 * Later ends are refused rather than silently cut, since they are mistakes, not questions.
 */
export const MAX_FUTURE_MS = 86_400_000
