import type { FlowBatch, FlowField, FlowPredicate } from '../flow-batch'
import { formatIpv4 } from '../ipv4'

export const TOP_KEYS = ['srcaddr', 'dstaddr', 'srcport', 'dstport', 'prot', 'pair'] as const
export type TopKey = (typeof TOP_KEYS)[number]
export const TOP_SORTS = ['flows', 'octets', 'packets'] as const
export type TopSort = (typeof TOP_SORTS)[number]

/** flows, octets, packets per key. */
type Counters = [number, number, number]

export type TopTalkers = {
  maps: Map<TopKey, Map<number, Counters> | Map<number, Map<number, Counters>>>
  /** Distinct keys are capped per table; flows of keys beyond the cap are counted here. */
  overflow: Record<TopKey, number>
  maxKeys: number
}

export type TopRow = { key: string; flows: number; octets: number; packets: number }

export function createTopTalkers(maxKeys = 1_000_000): TopTalkers {
  const maps = new Map<TopKey, Map<number, Counters> | Map<number, Map<number, Counters>>>()
  for (const k of TOP_KEYS) maps.set(k, new Map())
  return {
    maps,
    overflow: { srcaddr: 0, dstaddr: 0, srcport: 0, dstport: 0, prot: 0, pair: 0 },
    maxKeys,
  }
}

function bump(
  m: Map<number, Counters>,
  key: number,
  f: number,
  o: number,
  p: number,
  t: TopTalkers,
  name: TopKey,
): void {
  const c = m.get(key)
  if (c) {
    c[0] += f
    c[1] += o
    c[2] += p
  } else if (m.size < t.maxKeys) m.set(key, [f, o, p])
  else t.overflow[name] += f
}

export function addToTopTalkers(t: TopTalkers, b: FlowBatch, keep: FlowPredicate): void {
  const c = b.cols
  const hasFlows = b.present.has('dflows')
  const singles: [TopKey, FlowField][] = (
    ['srcaddr', 'dstaddr', 'srcport', 'dstport', 'prot'] as const
  )
    .filter((k) => b.present.has(k))
    .map((k) => [k, k])
  const pairs = b.present.has('srcaddr') && b.present.has('dstaddr')
  for (let i = 0; i < b.length; i++) {
    if (!keep(b, i)) continue
    const f = hasFlows ? (c.dflows[i] as number) : 1
    const o = c.doctets[i] as number
    const p = c.dpkts[i] as number
    for (const [name, field] of singles) {
      bump(t.maps.get(name) as Map<number, Counters>, c[field][i] as number, f, o, p, t, name)
    }
    if (pairs) {
      const outer = t.maps.get('pair') as Map<number, Map<number, Counters>>
      const src = c.srcaddr[i] as number
      let inner = outer.get(src)
      if (!inner) {
        inner = new Map()
        outer.set(src, inner)
      }
      bump(inner, c.dstaddr[i] as number, f, o, p, t, 'pair')
    }
  }
}

const SORT_INDEX: Record<TopSort, 0 | 1 | 2> = { flows: 0, octets: 1, packets: 2 }

function label(key: TopKey, k: number): string {
  return key === 'srcaddr' || key === 'dstaddr' ? formatIpv4(k) : String(k)
}

/** The `n` biggest keys of one table, largest first; ties keep first-seen order. */
export function topRows(t: TopTalkers, key: TopKey, sort: TopSort, n: number): TopRow[] {
  const idx = SORT_INDEX[sort]
  const rows: { key: string; c: Counters }[] = []
  const m = t.maps.get(key)
  if (!m) return []
  if (key === 'pair') {
    for (const [src, inner] of m as Map<number, Map<number, Counters>>) {
      for (const [dst, c] of inner)
        rows.push({ key: `${formatIpv4(src)} -> ${formatIpv4(dst)}`, c })
    }
  } else {
    for (const [k, c] of m as Map<number, Counters>) rows.push({ key: label(key, k), c })
  }
  // Array.prototype.sort is stable, so ties stay in first-seen order.
  rows.sort((a, b) => b.c[idx] - a.c[idx])
  return rows
    .slice(0, n)
    .map((r) => ({ key: r.key, flows: r.c[0], octets: r.c[1], packets: r.c[2] }))
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
