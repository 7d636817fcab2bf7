import { type AlertEvent, evaluateAlerts } from './alerts'
import type { ProbePorts } from './kinds/ports'
import type { ResolvedTarget } from './kinds/resolved-target'
import type {
  CheckStore,
  DayRecord,
  StoredConfig,
  StoredRound,
  TargetHistory,
  TickRecord,
} from './records'
import { aggregate, type Rollup, withoutAcc } from './rollup'
import { runRounds } from './run-round'
import { isDue } from './schedule-plan'
import { webhookUrls } from './targets-model'

/** Ticks older than this many minutes are final: a missing record means the tick was lost. */
export const BACKFILL_FROM = 3
export const BACKFILL_TO = 7
/** Minute of the hour that rolls up the previous hour, and of the day for the previous day. */
export const HOUR_ROLLUP_MINUTE = 10
export const DAY_ROLLUP_MINUTE = 20

export type SchedulerPorts = {
  store: CheckStore
  probes: ProbePorts
  /** Delivers one webhook POST with all of a tick's events for that URL. */
  notify: (url: string, events: AlertEvent[]) => Promise<void>
  now: () => number
  /** Work that must not hold up the tick (backfills, rollups, webhooks): `ctx.waitUntil`. */
  background: (work: Promise<unknown>) => void
  log: (message: string) => void
}

export type TickOptions = {
  /** Epoch ms the cron was scheduled for (`controller.scheduledTime`). */
  scheduledTime: number
  /** Wall-clock ms the probes may take before the rest of the round is recorded as unknown. */
  deadlineMs: number
}

export type TickSummary = {
  minute: number
  ran: number
  unknown: number
  skipped?: string
  written: boolean
  events: number
}

/**
 * One cron tick: runs the rounds planned for this minute, evaluates alerts, writes one KV
 * record for all of them, then (in the background) records lost ticks as unknown and rolls up
 * finished hours and days.
 */
export async function runDueRounds(
  stored: StoredConfig | null,
  ports: SchedulerPorts,
  options: TickOptions,
): Promise<TickSummary> {
  const minute = Math.floor(options.scheduledTime / 60_000)
  const summary: TickSummary = { minute, ran: 0, unknown: 0, written: false, events: 0 }
  if (!stored) return { ...summary, skipped: 'no targets configured' }
  const due = plannedAt(stored, minute)
  const over = overBudgetAt(stored, minute)
  if (due.length + over.length > 0) {
    // A second invocation for the same minute (a retry, a duplicate) finds the record and stops.
    if (await ports.store.getTick(minute)) return { ...summary, skipped: 'tick already recorded' }
    const deadline = AbortSignal.timeout(options.deadlineMs)
    const rounds = await runRounds(due, ports.probes, {
      deadline,
      now: ports.now,
      // A plan stored before baseline requests were counted has no room for them.
      baselines: stored.plan.baselines === true,
    })
    const stamped: StoredRound[] = [
      ...rounds.map((r, i) => stamp(r, due[i]?.step ?? 300, minute)),
      ...over.map(({ target, reason }) => ({
        ...stamp(
          {
            id: target.id,
            t: minute * 60_000,
            status: 'unknown' as const,
            pings: target.pings,
            reason,
          },
          target.step,
          minute,
        ),
      })),
    ]
    const { hist, events } = await alertsFor(stored, stamped, ports.store, minute)
    const record: TickRecord = { v: 1, minute, rounds: stamped, hist }
    summary.ran = stamped.filter((r) => r.status === 'ok').length
    summary.unknown = stamped.length - summary.ran
    summary.events = events.length
    try {
      await ports.store.putTick(minute, record)
      summary.written = true
    } catch (err) {
      // A later tick finds no record and writes these rounds as unknown (backfill).
      ports.log(
        `tick ${minute}: KV write failed (${err instanceof Error ? err.message : String(err)})`,
      )
    }
    deliver(events, ports)
  }
  ports.background(backfill(stored, minute, ports))
  const hour = minute - (minute % 60) - 60
  let hourWork: Promise<void> = Promise.resolve()
  if (minute % 60 === HOUR_ROLLUP_MINUTE) hourWork = rollupHour(stored, hour, ports.store)
  else if (HOUR_ROLLUP_RETRIES.includes(minute % 60))
    hourWork = unlessStored(ports.store.getHour(hour), () => rollupHour(stored, hour, ports.store))
  ports.background(hourWork)
  // After this tick's hour work: at 00:20 the retry of a missed 23:00 hour lands in the day.
  const day = minute - (minute % 1440) - 1440
  const rollDay = () => rollupDay(day, ports.store)
  const afterHour = hourWork.catch(() => {})
  if (minute % 1440 === DAY_ROLLUP_MINUTE) ports.background(afterHour.then(rollDay))
  else if (DAY_ROLLUP_RETRIES.includes(minute % 1440))
    ports.background(afterHour.then(() => unlessStored(ports.store.getDay(day), rollDay)))
  return summary
}

/**
 * Minutes of the hour (of the day) that roll up the previous hour (day) again if its record is
 * still missing: the cron can miss minute 10 (or 00:20), or the write can fail, and a missing
 * record reads as an empty hour once its ticks are no longer read (after 3 hours) and leaves it
 * out of the day. One read each; a write only when the record is missing.
 */
export const HOUR_ROLLUP_RETRIES: readonly number[] = [20, 30, 40, 50]
export const DAY_ROLLUP_RETRIES: readonly number[] = [80, 140, 200, 260]

async function unlessStored(found: Promise<unknown>, rollup: () => Promise<void>): Promise<void> {
  if ((await found) === null) await rollup()
}

/** The targets whose round for the current bucket is planned at `minute`. */
export function plannedAt(stored: StoredConfig, minute: number): ResolvedTarget[] {
  return stored.resolved.filter((t) => {
    const offset = stored.plan.offsets[t.id]
    return offset !== undefined && isDue(minute, t.step, offset) && inEffect(stored, t, minute)
  })
}

/**
 * A new config takes effect with each target's first bucket that starts after it was stored:
 * a new plan may move a target to another minute, and the bucket under way may already have
 * its round from the old plan (exactly once, across config changes too).
 */
function inEffect(stored: StoredConfig, target: ResolvedTarget, minute: number): boolean {
  const s = target.step / 60
  return Math.floor(minute / s) * s >= stored.since
}

/**
 * Targets the plan could not fit: recorded as unknown once per bucket, at the minute the plan
 * chose for it (one that writes anyway, or whose writes it counted), so they never cost KV
 * writes the budget has no room for. Plans stored before that choice record them at the start
 * of each bucket, but only in ticks that write anyway.
 */
function overBudgetAt(stored: StoredConfig, minute: number) {
  const chosen = stored.plan.unknownOffsets
  return stored.plan.unscheduled.flatMap(({ id, reason }) => {
    const target = stored.resolved.find((t) => t.id === id)
    if (!target || !inEffect(stored, target, minute)) return []
    const offset = chosen ? chosen[id] : 0
    if (offset === undefined || !isDue(minute, target.step, offset)) return []
    if (!chosen && plannedAt(stored, minute).length === 0) return []
    return [{ target, reason }]
  })
}

function stamp(
  round: StoredRound | Omit<StoredRound, 'b' | 'm'>,
  step: number,
  minute: number,
): StoredRound {
  return { ...round, b: Math.floor((minute * 60) / step), m: minute }
}

/**
 * Each target's history lives in the record of the tick that ran its previous round: the
 * same offset one step earlier (or two, three if those ticks were lost).
 */
async function alertsFor(
  stored: StoredConfig,
  rounds: StoredRound[],
  store: CheckStore,
  minute: number,
): Promise<{ hist: Record<string, TargetHistory>; events: AlertEvent[] }> {
  const defs = stored.config.alerts?.list ?? []
  const hist: Record<string, TargetHistory> = {}
  const events: AlertEvent[] = []
  const cache = new Map<number, Promise<TickRecord | null>>()
  const read = (m: number) => {
    let p = cache.get(m)
    if (!p) {
      p = store.getTick(m).catch(() => null)
      cache.set(m, p)
    }
    return p
  }
  for (const round of rounds) {
    const target = stored.resolved.find((t) => t.id === round.id)
    if (!target || target.alerts.length === 0 || defs.length === 0) continue
    let previous: TargetHistory | undefined
    for (let k = 1; k <= 3 && !previous; k++) {
      previous = (await read(minute - (k * target.step) / 60))?.hist[round.id]
    }
    const result = evaluateAlerts(target, previous, round, defs, stored.config.alerts?.to)
    hist[round.id] = result.history
    events.push(...result.events)
  }
  return { hist, events }
}

function deliver(events: AlertEvent[], ports: SchedulerPorts): void {
  const byUrl = new Map<string, AlertEvent[]>()
  for (const e of events)
    for (const url of webhookUrls(e.to)) byUrl.set(url, [...(byUrl.get(url) ?? []), e])
  for (const [url, list] of byUrl) {
    ports.background(
      ports
        .notify(url, list)
        .catch((err) =>
          ports.log(`webhook ${url}: ${err instanceof Error ? err.message : String(err)}`),
        ),
    )
  }
}

/** Writes an unknown round for every planned round of a final tick that left no record. */
async function backfill(
  stored: StoredConfig,
  minute: number,
  ports: SchedulerPorts,
): Promise<void> {
  for (let m = minute - BACKFILL_TO; m <= minute - BACKFILL_FROM; m++) {
    if (m < stored.since) continue
    const due = plannedAt(stored, m)
    if (due.length === 0) continue
    if (await ports.store.getTick(m)) continue
    const rounds = due.map((t) =>
      stamp(
        {
          id: t.id,
          t: m * 60_000,
          status: 'unknown' as const,
          pings: t.pings,
          reason: 'the tick did not run or could not record its rounds',
        },
        t.step,
        m,
      ),
    )
    await ports.store.putTick(m, { v: 1, minute: m, rounds, hist: {}, backfilled: true })
    ports.log(`tick ${m}: no record found, ${rounds.length} rounds recorded as unknown`)
  }
}

/**
 * Rolls the ticks of the hour starting at `hour` (epoch minute) into one record. Minutes before
 * the config took effect ran an older plan, which this config cannot tell: each of them is read
 * (at most 60 reads, in the hour of a change), so the rounds recorded before a `PUT /targets`
 * stay in the hour's record.
 */
export async function rollupHour(
  stored: StoredConfig,
  hour: number,
  store: CheckStore,
): Promise<void> {
  const minutes = Array.from({ length: 60 }, (_, i) => hour + i).filter(
    (m) =>
      m < stored.since || plannedAt(stored, m).length > 0 || overBudgetAt(stored, m).length > 0,
  )
  const ticks = await Promise.all(minutes.map((m) => store.getTick(m)))
  const byTarget = new Map<string, StoredRound[]>()
  for (const tick of ticks)
    for (const r of tick?.rounds ?? []) byTarget.set(r.id, [...(byTarget.get(r.id) ?? []), r])
  const targets: Record<string, { rounds: StoredRound[]; agg: ReturnType<typeof aggregate> }> = {}
  for (const [id, rounds] of byTarget)
    targets[id] = { rounds, agg: aggregate(hour * 60_000, rounds) }
  await store.putHour(hour, { v: 1, hour, targets })
}

/** Rolls the 24 hour records of the day starting at `day` (epoch minute) into one record. */
export async function rollupDay(day: number, store: CheckStore): Promise<void> {
  const hours = await Promise.all(Array.from({ length: 24 }, (_, i) => store.getHour(day + i * 60)))
  const byTarget = new Map<string, Rollup[]>()
  for (const h of hours)
    for (const [id, v] of Object.entries(h?.targets ?? {}))
      byTarget.set(id, [...(byTarget.get(id) ?? []), v.agg])
  // Days are not rolled up further: their accumulators would only make the record larger.
  const targets: DayRecord['targets'] = {}
  for (const [id, aggs] of byTarget)
    targets[id] = {
      hours: aggs.map(withoutAcc),
      agg: withoutAcc(aggregate(day * 60_000, aggs)),
    }
  await store.putDay(day, { v: 1, day, targets })
}
