import type { Aggregate, StoredRound } from './records'

/**
 * The X-files factor of SmokePing's RRAs (Smokeping.pm, Database section: `AVERAGE 0.5 1`,
 * `AVERAGE 0.5 12`, `MIN 0.5 12`, `MAX 0.5 12`, `AVERAGE 0.5 144`, ...).
 */
export const XFF = 0.5

/**
 * One data source's known primary data points (PDPs) in a period: their sum (AVERAGE) or their
 * extreme (MIN, MAX), and how many there are.
 */
export type Acc = [value: number, known: number]

/**
 * What a rollup needs to consolidate further exactly as RRD would from the PDPs themselves: the
 * period's PDP count and, per data source, the known PDPs (also when too few of them left the
 * consolidated value unknown: they still count in a coarser period).
 */
export type Accumulators = {
  pdps: number
  loss: Acc
  median: Acc
  min: Acc
  max: Acc
  smoke: Acc[]
}

/** An aggregate as stored in the hour and day records: with its accumulators. */
export type Rollup = Aggregate & { acc?: Accumulators }

const NONE: Acc = [0, 0]

/**
 * A round as one PDP of each data source: a value is a known PDP, null (or `U`) an unknown one.
 * The loss count and the smoke slots (sorted ranks) only mean the same under one ping count:
 * a round of another count (the target's pings were edited) is unknown for them, as SmokePing
 * would need a new RRD.
 */
function roundAcc(r: StoredRound, pings: number): Accumulators {
  const ok = r.status === 'ok'
  const same = r.pings === pings
  const one = (v: number | null | undefined): Acc => (ok && v != null ? [v, 1] : NONE)
  return {
    pdps: 1,
    loss: same ? one(r.loss) : NONE,
    median: one(r.median),
    min: one(r.min),
    max: one(r.max),
    smoke: Array.from({ length: pings }, (_, k) => (same ? one(r.smoke?.[k]) : NONE)),
  }
}

/**
 * A finer aggregate's accumulators. Records written before they were stored only have the
 * consolidated values: each known value then stands for the aggregate's `n` known rounds, an
 * unknown one for none. An approximation: exact when every round was wholly known or unknown
 * and the aggregate itself was known; one the old rule left unknown (more unknown rounds than
 * known) adds its rounds as unknown PDPs only. Loss and smoke of another ping count are unknown
 * (see roundAcc).
 */
function aggregateAcc(a: Rollup, pings: number): Accumulators {
  const pdps = a.acc?.pdps ?? a.n + a.unknown
  const same = a.pings === pings
  const avg = (v: number | null | undefined, acc: Acc | undefined): Acc =>
    acc ?? (v != null && a.n > 0 ? [v * a.n, a.n] : NONE)
  const ext = (v: number | null | undefined, acc: Acc | undefined): Acc =>
    acc ?? (v != null && a.n > 0 ? [v, a.n] : NONE)
  return {
    pdps,
    loss: same ? avg(a.loss, a.acc?.loss) : NONE,
    median: avg(a.median, a.acc?.median),
    min: ext(a.min, a.acc?.min),
    max: ext(a.max, a.acc?.max),
    smoke: Array.from({ length: pings }, (_, k) =>
      same ? avg(a.smoke[k], a.acc?.smoke[k]) : NONE,
    ),
  }
}

const sum = (a: Acc, b: Acc): Acc => [a[0] + b[0], a[1] + b[1]]
const extreme =
  (pick: (x: number, y: number) => number) =>
  (a: Acc, b: Acc): Acc =>
    a[1] === 0 ? b : b[1] === 0 ? a : [pick(a[0], b[0]), a[1] + b[1]]
const lower = extreme(Math.min)
const upper = extreme(Math.max)

/** Sums kept to a nanosecond, so the stored JSON carries no float noise. */
const tidy = ([v, k]: Acc): Acc => [Math.round(v * 1e6) / 1e6, k]
const round3 = (v: number) => Math.round(v * 1000) / 1000

/**
 * Consolidates rounds (or finer aggregates) as SmokePing's RRAs do (`AVERAGE 0.5 12` and the
 * MIN/MAX beside it), each data source on its own: loss, median, min, max and every pingK is
 * unknown when more than half (xff 0.5) of the period's PDPs of that data source are unknown,
 * else the average (loss, median, pingK) or the extreme (min, max) of its known PDPs. So a
 * period where most rounds lost everything has a loss but no median, however well the other
 * rounds went. Finer aggregates contribute their known PDPs (their accumulators), so a day is
 * what RRD would consolidate from the rounds themselves, not an average of hourly averages.
 * `n` counts the known rounds, `unknown` the unknown ones (a round's status not ok).
 */
export function aggregate(t: number, items: readonly (StoredRound | Rollup)[]): Rollup {
  const pings = Math.max(0, ...items.map((r) => r.pings))
  let n = 0
  let unknown = 0
  let acc: Accumulators = {
    pdps: 0,
    loss: NONE,
    median: NONE,
    min: NONE,
    max: NONE,
    smoke: Array.from({ length: pings }, () => NONE),
  }
  for (const r of items) {
    let a: Accumulators
    if ('n' in r) {
      n += r.n
      unknown += r.unknown
      a = aggregateAcc(r, pings)
    } else {
      if (r.status === 'ok' && r.loss != null) n += 1
      else if (r.status !== 'ok') unknown += 1
      a = roundAcc(r, pings)
    }
    acc = {
      pdps: acc.pdps + a.pdps,
      loss: sum(acc.loss, a.loss),
      median: sum(acc.median, a.median),
      min: lower(acc.min, a.min),
      max: upper(acc.max, a.max),
      smoke: acc.smoke.map((s, k) => sum(s, a.smoke[k] ?? NONE)),
    }
  }
  // RRD (rrd_update.c): the CDP is unknown when its unknown PDPs exceed xff × its PDPs.
  const known = ([, k]: Acc) => k > 0 && acc.pdps - k <= XFF * acc.pdps
  const average = (a: Acc) => (known(a) ? round3(a[0] / a[1]) : null)
  const kept = (a: Acc) => (known(a) ? a[0] : null)
  return {
    t,
    n,
    unknown,
    pings,
    loss: average(acc.loss),
    median: average(acc.median),
    min: kept(acc.min),
    max: kept(acc.max),
    smoke: acc.smoke.map(average),
    acc: {
      pdps: acc.pdps,
      loss: tidy(acc.loss),
      median: tidy(acc.median),
      min: acc.min,
      max: acc.max,
      smoke: acc.smoke.map(tidy),
    },
  }
}

/** An aggregate as the API shows it: without the accumulators kept for further rollups. */
export function withoutAcc(a: Rollup): Aggregate {
  const { acc: _, ...rest } = a
  return rest
}
