// The first, Map-based top-talkers tables, kept as the oracle the typed-array tables are checked
// against (same keys, counts, ranking, ties and pruning).
import type { FlowBatch, FlowField, FlowPredicate } from '../../../src/flows/flow-batch'
import { formatIpv4 } from '../../../src/flows/ipv4'

export const TOP_KEYS = ['srcaddr', 'dstaddr', 'srcport', 'dstport', 'prot', 'pair'] as const
export type TopKey = (typeof TOP_KEYS)[number]
export const TOP_SORTS = ['flows', 'octets', 'packets'] as const
export type TopSort = (typeof TOP_SORTS)[number]

/** flows, octets, packets per key. */
type Counters = [number, number, number]

/**
 * Bounded heavy-hitter tables. Each table keeps at most `maxKeys` keys; when one fills, the half
 * with the smallest values of the sort metric is dropped (a Misra–Gries style prune). Exact while
 * no table overflowed; after that a key's total may be short by at most `evictedMax[table]`, and
 * the result says so. Memory stays bounded whatever the number of distinct addresses.
 */
export type TopTalkers = {
  maps: Record<TopKey, Map<number | string, Counters>>
  sort: 0 | 1 | 2
  maxKeys: number
  /** The largest metric value dropped from each table (0 = the table is exact). */
  evictedMax: Record<TopKey, number>
}

export type TopRow = { key: string; flows: number; octets: number; packets: number }

const SORT_INDEX: Record<TopSort, 0 | 1 | 2> = { flows: 0, octets: 1, packets: 2 }

export function createTopTalkers(sort: TopSort = 'octets', maxKeys = 50_000): TopTalkers {
  return {
    maps: {
      srcaddr: new Map(),
      dstaddr: new Map(),
      srcport: new Map(),
      dstport: new Map(),
      prot: new Map(),
      pair: new Map(),
    },
    sort: SORT_INDEX[sort],
    maxKeys,
    evictedMax: { srcaddr: 0, dstaddr: 0, srcport: 0, dstport: 0, prot: 0, pair: 0 },
  }
}

function prune(t: TopTalkers, name: TopKey): void {
  const m = t.maps[name]
  const values = [...m.values()].map((c) => c[t.sort]).sort((a, b) => b - a)
  const cut = values[Math.floor(t.maxKeys / 2)] ?? 0
  for (const [k, c] of m) {
    if (c[t.sort] <= cut) {
      if (c[t.sort] > t.evictedMax[name]) t.evictedMax[name] = c[t.sort]
      m.delete(k)
    }
  }
}

function bump(
  t: TopTalkers,
  name: TopKey,
  key: number | string,
  f: number,
  o: number,
  p: number,
): void {
  const m = t.maps[name]
  const c = m.get(key)
  if (c) {
    c[0] += f
    c[1] += o
    c[2] += p
    return
  }
  if (m.size >= t.maxKeys) prune(t, name)
  m.set(key, [f, o, p])
}

export function addToTopTalkers(t: TopTalkers, b: FlowBatch, keep: FlowPredicate): void {
  const c = b.cols
  const hasFlows = b.present.has('dflows')
  const singles = (['srcaddr', 'dstaddr', 'srcport', 'dstport', 'prot'] as const).filter((k) =>
    b.present.has(k),
  )
  const cols = singles.map((k) => c[k as FlowField])
  const pairs = b.present.has('srcaddr') && b.present.has('dstaddr')
  for (let i = 0; i < b.length; i++) {
    if (!keep(b, i)) continue
    const f = hasFlows ? (c.dflows[i] as number) : 1
    const o = c.doctets[i] as number
    const p = c.dpkts[i] as number
    for (let k = 0; k < singles.length; k++) {
      bump(t, singles[k] as TopKey, (cols[k] as Uint32Array)[i] as number, f, o, p)
    }
    if (pairs) bump(t, 'pair', `${c.srcaddr[i]}>${c.dstaddr[i]}`, f, o, p)
  }
}

function label(key: TopKey, k: number | string): string {
  if (key === 'pair') {
    const [s, d] = String(k).split('>')
    return `${formatIpv4(Number(s))} -> ${formatIpv4(Number(d))}`
  }
  return key === 'srcaddr' || key === 'dstaddr' ? formatIpv4(Number(k)) : String(k)
}

/** The `n` biggest keys of one table, largest first by `sort`; ties keep first-seen order. */
export function topRows(t: TopTalkers, key: TopKey, sort: TopSort, n: number): TopRow[] {
  const idx = SORT_INDEX[sort]
  const rows = [...t.maps[key]]
  // Array.prototype.sort is stable, so ties stay in first-seen order.
  rows.sort((a, b) => b[1][idx] - a[1][idx])
  return rows
    .slice(0, n)
    .map(([k, c]) => ({ key: label(key, k), flows: c[0], octets: c[1], packets: c[2] }))
}

/** Tables that overflowed: their counts may be short by at most the given amount. */
export function approximations(t: TopTalkers): Record<string, number> {
  const out: Record<string, number> = {}
  for (const k of TOP_KEYS) if (t.evictedMax[k] > 0) out[k] = t.evictedMax[k]
  return out
}

/** A plain-text table of top rows. */
export function renderTopRows(title: string, rows: readonly TopRow[]): string {
  const w = Math.max(20, ...rows.map((r) => r.key.length))
  let out = `# ${title}\n${'key'.padEnd(w)}  ${'flows'.padStart(12)}  ${'octets'.padStart(15)}  ${'packets'.padStart(12)}\n`
  for (const r of rows) {
    out += `${r.key.padEnd(w)}  ${String(r.flows).padStart(12)}  ${String(r.octets).padStart(15)}  ${String(r.packets).padStart(12)}\n`
  }
  return out
}
