import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { StoredRound } from '../../../src/checks/records'
import { aggregate, type Rollup, withoutAcc } from '../../../src/checks/rollup'
import { computeRoundStats, type Sample } from '../../../src/checks/round-stats'
import { rng } from '../../support/rng'

/*
 * edgeping's rollups against real RRD consolidation (perl RRDs, librrds-perl, which Debian's
 * smokeping pulls in: .ci/run installs it). The rounds are written into an RRD laid out as
 * SmokePing's (step 300, GAUGE data sources loss, median, ping1..pingN, heartbeat 2 × step;
 * RRAs with xff 0.5), plus min and max data sources read from MIN and MAX RRAs, and RRD's
 * consolidated rows are compared with edgeping's: the hour with `AVERAGE 0.5 12` (SmokePing's
 * second RRA) and the day, consolidated by edgeping from its hourly aggregates, with an
 * `AVERAGE 0.5 288` RRA consolidated by RRD from the 288 rounds themselves.
 *
 * Timing: a round of the bucket starting at T is written at T + 300, so its PDP is (T, T + 300]
 * and the hour (day) starting at H is RRD's CDP (H, H + 3600] (resp. 86400): RRD aligns CDPs to
 * multiples of their length since the epoch, as edgeping aligns hours and UTC days. RRDs::fetch
 * stamps a row with the end of its interval, so row i is the period starting at T0 + i × res.
 */

const hasRRDs = spawnSync('perl', ['-MRRDs', '-e1']).status === 0

const STEP = 300
const T0 = Date.UTC(2026, 10, 24) / 1000

const PERL = String.raw`
use strict; use warnings; use RRDs; use JSON::PP;
my ($rrd, $in) = @ARGV;
open my $fh, '<', $in or die "$in: $!"; my @l = <$fh>; close $fh; chomp @l;
my ($t0, $tend, @ds) = split / /, shift @l;
RRDs::create($rrd, '--start', $t0 - 300, '--step', 300,
  (map { "DS:$_:GAUGE:600:U:U" } @ds),
  (map { ("RRA:$_:0.5:12:200", "RRA:$_:0.5:288:20") } qw(AVERAGE MIN MAX)));
die RRDs::error if RRDs::error;
for (@l) { RRDs::update($rrd, '--template', join(':', @ds), $_); die RRDs::error if RRDs::error }
my %out;
for my $cf (qw(AVERAGE MIN MAX)) { for my $res (3600, 86400) {
  my ($s, $st, $names, $rows) = RRDs::fetch($rrd, $cf, '-r', $res, '-s', $t0, '-e', $tend - $res);
  die RRDs::error if RRDs::error;
  $out{"$cf $res"} = { start => $s, step => $st, names => $names, rows => $rows };
} }
print JSON::PP->new->canonical->encode(\%out);
`

type Fetched = { start: number; step: number; names: string[]; rows: (number | null)[][] }
type Point = {
  loss: number | null
  median: number | null
  min: number | null
  max: number | null
  smoke: (number | null)[]
}

/**
 * Writes `rounds` (consecutive 300 s buckets from T0, a whole number of days) into an RRD and
 * returns RRD's hourly and daily points: loss, median, pingK from AVERAGE, min from MIN, max from MAX.
 */
function rrdPoints(rounds: StoredRound[], pings: number): { hours: Point[]; days: Point[] } {
  const dir = mkdtempSync(join(tmpdir(), 'edgeping-rrd-'))
  try {
    const ds = [
      'loss',
      'median',
      'min',
      'max',
      ...Array.from({ length: pings }, (_, k) => `ping${k + 1}`),
    ]
    const u = (v: number | null | undefined) => (v == null ? 'U' : String(v))
    const lines = rounds.map((r, i) => {
      const values =
        r.status === 'ok'
          ? [
              r.loss,
              r.median,
              r.min,
              r.max,
              ...Array.from({ length: pings }, (_, k) => r.smoke?.[k]),
            ]
          : ds.map(() => null)
      return `${T0 + (i + 1) * STEP}:${values.map(u).join(':')}`
    })
    const tend = T0 + rounds.length * STEP
    writeFileSync(join(dir, 'in'), [[T0, tend, ...ds].join(' '), ...lines].join('\n'))
    const run = spawnSync('perl', ['-e', PERL, join(dir, 't.rrd'), join(dir, 'in')], {
      encoding: 'utf8',
    })
    if (run.status !== 0) throw new Error(run.stderr)
    const out = JSON.parse(run.stdout) as Record<string, Fetched>
    const points = (res: number): Point[] => {
      const get = (cf: string) => {
        const f = out[`${cf} ${res}`]
        if (!f || f.step !== res || f.start !== T0 + res)
          throw new Error(`RRD fetched ${JSON.stringify(f)}`)
        return (row: number, name: string) => f.rows[row]?.[f.names.indexOf(name)] ?? null
      }
      const [avg, min, max] = [get('AVERAGE'), get('MIN'), get('MAX')]
      return Array.from({ length: (tend - T0) / res }, (_, i) => ({
        loss: avg(i, 'loss'),
        median: avg(i, 'median'),
        min: min(i, 'min'),
        max: max(i, 'max'),
        smoke: Array.from({ length: pings }, (_, k) => avg(i, `ping${k + 1}`)),
      }))
    }
    return { hours: points(3600), days: points(86400) }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/** edgeping's hourly aggregates of the rounds, and its days rolled up from those hours. */
function edgepingPoints(rounds: StoredRound[]): { hours: Rollup[]; days: Rollup[] } {
  const hours: Rollup[] = []
  for (let i = 0; i < rounds.length; i += 12)
    hours.push(aggregate((T0 + i * STEP) * 1000, rounds.slice(i, i + 12)))
  const days: Rollup[] = []
  for (let i = 0; i < hours.length; i += 24)
    days.push(aggregate((T0 + i * 3600) * 1000, hours.slice(i, i + 24)))
  return { hours, days }
}

/**
 * Where edgeping's points differ from RRD's: known/unknown must agree exactly, values within
 * edgeping's microsecond rounding (RRD keeps doubles; Perl prints them with 15 digits).
 */
function differences(ours: Point[], rrd: Point[]): string[] {
  const out: string[] = []
  const unknown = (v: number | null | undefined) => v == null || Number.isNaN(v)
  const cmp = (
    i: number,
    name: string,
    a: number | null | undefined,
    b: number | null | undefined,
  ) => {
    const same =
      unknown(a) || unknown(b)
        ? unknown(a) === unknown(b)
        : Math.abs((a ?? 0) - (b ?? 0)) <= 0.0005 + 1e-9
    if (!same) out.push(`#${i} ${name}: edgeping ${a}, RRD ${b}`)
  }
  if (ours.length !== rrd.length) out.push(`${ours.length} points, RRD ${rrd.length}`)
  rrd.forEach((r, i) => {
    const o = ours[i]
    for (const k of ['loss', 'median', 'min', 'max'] as const) cmp(i, k, o?.[k], r[k])
    r.smoke.forEach((v, k) => {
      cmp(i, `ping${k + 1}`, o?.smoke[k], v)
    })
  })
  return out
}

const isUnknown = (v: number | null | undefined) => v == null || Number.isNaN(v)

function stored(i: number, pings: number, samples: Sample[] | null): StoredRound {
  const t = (T0 + i * STEP) * 1000
  if (!samples) return { id: 'x', t, status: 'unknown', pings, b: 0, m: 0 }
  return { id: 'x', t, status: 'ok', ...computeRoundStats(samples), b: 0, m: 0 }
}

/**
 * `days` days of random rounds. Each hour mixes unknown rounds, rounds that lost everything,
 * rounds that lost some pings and clean ones in random proportions, so hours (and data sources)
 * fall on both sides of xff, and on it (6 of 12).
 */
function randomRounds(seed: number, pings: number, days: number): StoredRound[] {
  const rnd = rng(seed)
  const int = (n: number) => Math.floor(rnd() * n)
  const rounds: StoredRound[] = []
  for (let h = 0; h < days * 24; h++) {
    const unknown = int(3) === 0 ? 4 + int(5) : int(3)
    const allLost = int(13 - unknown)
    const partial = int(13 - unknown - allLost)
    const kinds = [
      ...Array<string>(unknown).fill('unknown'),
      ...Array<string>(allLost).fill('all'),
      ...Array<string>(partial).fill('some'),
    ]
    while (kinds.length < 12) kinds.push('none')
    kinds.sort(() => rnd() - 0.5)
    for (const kind of kinds) {
      const lost = kind === 'all' ? pings : kind === 'some' ? 1 + int(pings - 1) : 0
      const lostAt = new Set<number>()
      while (lostAt.size < lost) lostAt.add(int(pings))
      const samples = Array.from(
        { length: pings },
        (_, k): Sample =>
          lostAt.has(k)
            ? { ok: false, reason: 'timeout' }
            : { ok: true, ms: Math.round((5 + rnd() * 45) * 1000) / 1000 },
      )
      rounds.push(stored(rounds.length, pings, kind === 'unknown' ? null : samples))
    }
  }
  return rounds
}

/** The audit's hour: 8 rounds lost all 20 pings, 2 lost one (ping1 U), 2 lost none (ping1 10 ms). */
function auditHour(): StoredRound[] {
  const round = (loss: number, median: number | null, smoke: (number | null)[]): StoredRound => ({
    id: 'x',
    t: 0,
    status: 'ok',
    pings: 20,
    loss,
    median,
    min: smoke.find((v) => v != null) ?? null,
    max: smoke.findLast((v) => v != null) ?? null,
    smoke,
    b: 0,
    m: 0,
  })
  const rounds = [
    ...Array.from({ length: 8 }, () => round(20, null, Array<null>(20).fill(null))),
    ...Array.from({ length: 2 }, () => round(1, 20, [null, ...Array<number>(19).fill(20)])),
    ...Array.from({ length: 2 }, () => round(0, 20, [10, ...Array<number>(19).fill(20)])),
  ]
  // A whole day for the RRD: the audit hour, then 23 hours of unknown rounds.
  return rounds.map((r, i) => ({ ...r, t: (T0 + i * STEP) * 1000 }))
}

describe('aggregate: RRD xff per data source', () => {
  it("gives the audit's hour RRD's answer: loss 13.5, median and ping1 unknown", () => {
    const a = aggregate(T0 * 1000, auditHour())
    expect(a).toMatchObject({ n: 12, unknown: 0, loss: 13.5, median: null, min: null, max: null })
    // ping1 known in 2 rounds of 12, ping2..ping20 in 4: all unknown (8 > 0.5 × 12)
    expect(a.smoke).toEqual(Array(20).fill(null))
  })
})

describe.skipIf(!hasRRDs)('aggregate against real RRD consolidation (perl RRDs)', () => {
  const day = (rounds: StoredRound[]) => {
    const padding = Array.from({ length: 288 - (rounds.length % 288 || 288) }, (_, i) =>
      stored(rounds.length + i, rounds[0]?.pings ?? 0, null),
    )
    return [...rounds, ...padding]
  }

  it("matches RRD on the audit's hour", () => {
    const rounds = day(auditHour())
    const rrd = rrdPoints(rounds, 20)
    const ours = edgepingPoints(rounds)
    const first = rrd.hours[0]
    expect(first?.loss).toBe(13.5)
    expect([first?.median, first?.min, first?.max, ...(first?.smoke ?? [])].every(isUnknown)).toBe(
      true,
    )
    expect(differences(ours.hours, rrd.hours)).toEqual([])
    expect(differences(ours.days, rrd.days)).toEqual([])
  })

  it.each([
    [1, 5],
    [2, 5],
    [3, 20],
    [4, 3],
    [5, 7],
  ])(
    'matches RRD hour by hour and day by day on random rounds (seed %i, %i pings)',
    (seed, pings) => {
      const rounds = randomRounds(seed, pings, 2)
      const rrd = rrdPoints(rounds, pings)
      const ours = edgepingPoints(rounds)
      expect(ours.hours).toHaveLength(48)
      expect(differences(ours.hours, rrd.hours)).toEqual([])
      expect(differences(ours.days, rrd.days)).toEqual([])
      // the cases cover what they are meant to: a known loss with an unknown median (the audit's
      // case), a known median with an unknown ping1, and an unknown loss (unknown rounds)
      const { hours } = rrd
      expect(hours.some((h) => !isUnknown(h.loss) && isUnknown(h.median))).toBe(true)
      expect(hours.some((h) => !isUnknown(h.median) && isUnknown(h.smoke[0] ?? null))).toBe(true)
      expect(hours.some((h) => isUnknown(h.loss))).toBe(true)
    },
  )
})

describe('aggregate: accumulators', () => {
  it('keeps them for the day rollup and drops them for the API', () => {
    const a = aggregate(0, auditHour())
    expect(a.acc).toMatchObject({ pdps: 12, loss: [162, 12], median: [80, 4], min: [10, 4] })
    expect(withoutAcc(a)).not.toHaveProperty('acc')
  })

  it('reads hourly aggregates stored before them: each known value stands for n rounds', () => {
    const old = {
      t: 0,
      n: 3,
      unknown: 1,
      pings: 1,
      loss: 0,
      median: 10,
      min: 9,
      max: 11,
      smoke: [10],
    }
    // 1 known round of 2, but its median unknown (lost everything): no PDP of median counted
    const worse = {
      ...old,
      n: 1,
      unknown: 1,
      loss: 20,
      median: null,
      min: null,
      max: null,
      smoke: [null],
    }
    expect(aggregate(0, [old, worse])).toMatchObject({
      n: 4,
      unknown: 2,
      loss: 5,
      median: 10,
      max: 11,
    })
    expect(aggregate(0, [old, worse, worse])).toMatchObject({
      n: 5,
      unknown: 3,
      loss: 8,
      median: null,
    })
  })
})
