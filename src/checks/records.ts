import type { HistoryValue } from './alert-pattern'
import type { ResolvedTarget } from './kinds/resolved-target'
import type { Rollup } from './rollup'
import type { RoundResult } from './run-round'
import type { Plan } from './schedule-plan'
import type { TargetsConfig } from './targets-model'

/** A round as stored: with its bucket (epoch seconds / step) and the minute that ran it. */
export type StoredRound = RoundResult & { b: number; m: number }

/** Per-target alert memory, carried from round to round inside the tick records. */
export type TargetHistory = {
  /** Bucket of the newest value. */
  b: number
  /**
   * The step (seconds) `b` counts in: buckets of another step are not comparable. Absent in
   * histories written before it was kept.
   */
  s?: number
  loss: HistoryValue[]
  rtt: HistoryValue[]
  /** Alerts currently raised (an episode: raised once, cleared once). */
  active: string[]
}

/** Everything one cron tick did, written once under its own immutable key. */
export type TickRecord = {
  v: 1
  minute: number
  rounds: StoredRound[]
  hist: Record<string, TargetHistory>
  /** Written by a later tick for a tick that left no record (missed, failed to write). */
  backfilled?: true
}

/** A SmokePing-style consolidated point (RRA AVERAGE with min/max) over several rounds. */
export type Aggregate = {
  /** Epoch ms of the period start. */
  t: number
  /** Known rounds in the period. */
  n: number
  /** Rounds in the period that were unknown. */
  unknown: number
  pings: number
  /** Average lost count (fractional, as in SmokePing's coarser archives). */
  loss: number | null
  median: number | null
  min: number | null
  max: number | null
  /** pingK averaged over the rounds: the K-th smallest, so old smoke approximates the spread. */
  smoke: (number | null)[]
}

export type HourRecord = {
  v: 1
  hour: number
  /** `agg` keeps its accumulators: the day is consolidated from them. */
  targets: Record<string, { rounds: StoredRound[]; agg: Rollup }>
}

export type DayRecord = {
  v: 1
  day: number
  targets: Record<string, { hours: Aggregate[]; agg: Aggregate }>
}

/** The stored targets configuration, with what the cron needs precomputed at PUT time. */
export type StoredConfig = {
  v: 1
  config: TargetsConfig
  resolved: ResolvedTarget[]
  multihost: { id: string; hosts: string[] }[]
  plan: Plan
  /**
   * First epoch minute after the config was stored: a target's new plan applies from its first
   * bucket starting at or after it (a bucket under way keeps the round the old plan gave it), and
   * there is no backfill before it.
   */
  since: number
  updatedAt: string
}

/** The KV records, injected (src/kv/checks-store.ts in the Worker, a Map in unit tests). */
export type CheckStore = {
  getTick: (minute: number) => Promise<TickRecord | null>
  putTick: (minute: number, record: TickRecord) => Promise<void>
  getHour: (hour: number) => Promise<HourRecord | null>
  putHour: (hour: number, record: HourRecord) => Promise<void>
  getDay: (day: number) => Promise<DayRecord | null>
  putDay: (day: number, record: DayRecord) => Promise<void>
}
