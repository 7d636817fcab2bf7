import type { ResolvedTarget } from './kinds/resolved-target'
import type { StoredRound } from './records'

type Family = {
  name: string
  help: string
  unit?: string
  value: (r: StoredRound, t: ResolvedTarget) => number | null | undefined
}

const FAMILIES: Family[] = [
  {
    name: 'edgeping_check_up',
    help: '1 when the last round got at least one answer',
    value: (r) => (r.status === 'ok' && (r.loss ?? r.pings) < r.pings ? 1 : 0),
  },
  {
    name: 'edgeping_check_round_known',
    help: '1 when the last round ran (0 = unknown round)',
    value: (r) => (r.status === 'ok' ? 1 : 0),
  },
  { name: 'edgeping_check_pings', help: 'Probes per round', value: (r) => r.pings },
  { name: 'edgeping_check_lost', help: 'Probes lost in the last round', value: (r) => r.loss },
  {
    name: 'edgeping_check_loss_ratio',
    help: 'Lost share of the last round (0-1)',
    unit: 'ratio',
    value: (r) => (r.loss === undefined ? null : r.loss / r.pings),
  },
  {
    name: 'edgeping_check_median_seconds',
    help: 'Median RTT of the last round',
    unit: 'seconds',
    value: (r) => sec(r.median),
  },
  {
    name: 'edgeping_check_min_seconds',
    help: 'Smallest RTT of the last round',
    unit: 'seconds',
    value: (r) => sec(r.min),
  },
  {
    name: 'edgeping_check_max_seconds',
    help: 'Largest RTT of the last round',
    unit: 'seconds',
    value: (r) => sec(r.max),
  },
  {
    name: 'edgeping_check_stddev_seconds',
    help: 'Standard deviation of the RTTs of the last round',
    unit: 'seconds',
    value: (r) => sec(r.stddev),
  },
  {
    name: 'edgeping_check_jitter_seconds',
    help: 'Mean absolute difference of consecutive RTTs of the last round',
    unit: 'seconds',
    value: (r) => sec(r.jitter),
  },
  {
    name: 'edgeping_check_step_seconds',
    help: 'Seconds between rounds',
    unit: 'seconds',
    value: (_r, t) => t.step,
  },
  {
    name: 'edgeping_check_last_round_timestamp_seconds',
    help: 'When the last round started',
    unit: 'seconds',
    value: (r) => Math.floor(r.t / 1000),
  },
]

function sec(ms: number | null | undefined): number | null {
  return ms == null ? null : ms / 1000
}

/**
 * OpenMetrics 1.0 text of each target's last round: gauges labelled with target, host and
 * probe; a missing value (nothing received) is left out rather than faked as 0.
 */
export function renderOpenMetrics(
  targets: readonly ResolvedTarget[],
  last: Map<string, StoredRound>,
): string {
  const out: string[] = []
  for (const f of FAMILIES) {
    out.push(`# TYPE ${f.name} gauge`)
    if (f.unit) out.push(`# UNIT ${f.name} ${f.unit}`)
    out.push(`# HELP ${f.name} ${f.help}`)
    for (const t of targets) {
      const r = last.get(t.id)
      if (!r) continue
      const v = f.value(r, t)
      if (v == null || Number.isNaN(v)) continue
      out.push(
        `${f.name}{target="${label(t.id)}",host="${label(t.host)}",probe="${label(t.kind)}"} ${v}`,
      )
    }
  }
  out.push('# EOF')
  return `${out.join('\n')}\n`
}

/** OpenMetrics label escaping: backslash, double quote and newline. */
function label(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')
}
