import type { Aggregate, StoredRound } from './records'

/**
 * Consolidates rounds (or finer aggregates) as an RRD AVERAGE archive with xff 0.5 would:
 * unknown when fewer than half the rounds are known; loss, median and each pingK averaged;
 * min and max kept as extremes.
 */
export function aggregate(t: number, items: readonly (StoredRound | Aggregate)[]): Aggregate {
  const known = items.filter((r) => ('n' in r ? r.n > 0 : r.status === 'ok') && r.loss != null)
  const weights = known.map((r) => ('n' in r ? r.n : 1))
  const total = weights.reduce((a, b) => a + b, 0)
  const unknown = items.reduce((a, r) => a + ('n' in r ? r.unknown : r.status === 'ok' ? 0 : 1), 0)
  const pings = Math.max(0, ...items.map((r) => r.pings))
  const empty: Aggregate = {
    t,
    n: total,
    unknown,
    pings,
    loss: null,
    median: null,
    min: null,
    max: null,
    smoke: [],
  }
  if (total === 0 || total < unknown) return empty
  const avg = (get: (r: StoredRound | Aggregate) => number | null | undefined): number | null => {
    let sum = 0
    let w = 0
    known.forEach((r, i) => {
      const v = get(r)
      if (v != null) {
        sum += v * (weights[i] ?? 1)
        w += weights[i] ?? 1
      }
    })
    return w === 0 ? null : Math.round((sum / w) * 1000) / 1000
  }
  const mins = known.map((r) => r.min).filter((v): v is number => v != null)
  const maxs = known.map((r) => r.max).filter((v): v is number => v != null)
  return {
    t,
    n: total,
    unknown,
    pings,
    loss: avg((r) => r.loss),
    median: avg((r) => r.median),
    min: mins.length ? Math.min(...mins) : null,
    max: maxs.length ? Math.max(...maxs) : null,
    smoke: Array.from({ length: pings }, (_, k) => avg((r) => r.smoke?.[k])),
  }
}
