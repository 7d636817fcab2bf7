import type { FlowBatch, FlowField, FlowPredicate } from '../flow-batch'
import { formatIpv4 } from '../ipv4'
import { CountTable, DirectCountTable, type KeyCounts } from './count-table'

export const TOP_KEYS = ['srcaddr', 'dstaddr', 'srcport', 'dstport', 'prot', 'pair'] as const
export type TopKey = (typeof TOP_KEYS)[number]
export const TOP_SORTS = ['flows', 'octets', 'packets'] as const
export type TopSort = (typeof TOP_SORTS)[number]

/**
 * Bounded heavy-hitter tables. Each table keeps at most `maxKeys` keys; when one fills, the half
 * with the smallest values of the sort metric is dropped (a Misra–Gries style prune). Exact while
 * no table overflowed; after that a key's total may be short by at most `evictedMax[table]`, and
 * the result says so. Memory stays bounded whatever the number of distinct addresses.
 */
export type TopTalkers = {
  tables: Record<TopKey, KeyCounts>
  sort: 0 | 1 | 2
  maxKeys: number
  /** The largest metric value dropped from each table (0 = the table is exact). */
  evictedMax: Record<TopKey, number>
  /** The tables counted into (the others stay empty). */
  counted: readonly TopKey[]
}

export type TopRow = { key: string; flows: number; octets: number; packets: number }

const SORT_INDEX: Record<TopSort, 0 | 1 | 2> = { flows: 0, octets: 1, packets: 2 }

export function createTopTalkers(
  sort: TopSort = 'octets',
  maxKeys = 50_000,
  counted: readonly TopKey[] = TOP_KEYS,
): TopTalkers {
  const table = () => new CountTable(Math.min(1024, maxKeys * 2))
  // Ports and protocols are below 65,536: the key is the slot.
  return {
    tables: {
      srcaddr: table(),
      dstaddr: table(),
      srcport: new DirectCountTable(),
      dstport: new DirectCountTable(),
      prot: new DirectCountTable(),
      pair: table(),
    },
    sort: SORT_INDEX[sort],
    maxKeys,
    evictedMax: { srcaddr: 0, dstaddr: 0, srcport: 0, dstport: 0, prot: 0, pair: 0 },
    counted,
  }
}

/** Drops every key at or below the value ranked maxKeys/2 (largest first). */
function prune(t: TopTalkers, name: TopKey): void {
  const table = t.tables[name]
  const cut = table.valueRanked(t.sort, Math.floor(t.maxKeys / 2)) ?? 0
  const dropped = table.keepAbove(t.sort, cut)
  if (dropped > t.evictedMax[name]) t.evictedMax[name] = dropped
}

/** Counts one flow under a key; a new key that does not fit prunes the table first. */
function bump(
  t: TopTalkers,
  table: KeyCounts,
  name: TopKey,
  hi: number,
  lo: number,
  f: number,
  o: number,
  p: number,
): void {
  if (table.bump(hi, lo, f, o, p)) return
  if (table.size >= t.maxKeys) prune(t, name)
  table.insert(hi, lo, f, o, p)
}

/** The fields counting into `keys` reads (none for no tables). */
export function topTalkerFields(keys: readonly TopKey[]): FlowField[] {
  if (keys.length === 0) return []
  const fields: FlowField[] = ['dflows', 'doctets', 'dpkts']
  for (const k of keys)
    if (k === 'pair') fields.push('srcaddr', 'dstaddr')
    else fields.push(k)
  return [...new Set(fields)]
}

/** The fields addToTopTalkers reads when it counts every table. */
export const TOP_TALKER_FIELDS: readonly FlowField[] = topTalkerFields(TOP_KEYS)

export function addToTopTalkers(t: TopTalkers, b: FlowBatch, keep: FlowPredicate): void {
  if (t.counted.length === 0) return
  const c = b.cols
  const hasFlows = b.present.has('dflows')
  // Every counted table but the pair table is keyed by one column of the same name.
  const singles = t.counted.filter(
    (k): k is Exclude<TopKey, 'pair'> => k !== 'pair' && b.present.has(k),
  )
  // Resolved once a batch: looking a table up by a changing name per flow is slow in V8.
  const tables = singles.map((k) => t.tables[k])
  const cols = singles.map((k) => c[k as FlowField])
  const pairs = t.counted.includes('pair') && b.present.has('srcaddr') && b.present.has('dstaddr')
  const pairTable = t.tables.pair
  for (let i = 0; i < b.length; i++) {
    if (!keep(b, i)) continue
    const f = hasFlows ? (c.dflows[i] as number) : 1
    const o = c.doctets[i] as number
    const p = c.dpkts[i] as number
    for (let k = 0; k < singles.length; k++) {
      const lo = (cols[k] as Uint32Array)[i] as number
      bump(t, tables[k] as KeyCounts, singles[k] as TopKey, 0, lo, f, o, p)
    }
    if (pairs) bump(t, pairTable, 'pair', c.srcaddr[i] as number, c.dstaddr[i] as number, f, o, p)
  }
}

/**
 * A table's keys in first-seen order as [key, flows, octets, packets], the key as text: the
 * number, or "src>dst" for a pair (what archive partials store).
 */
export function topEntries(t: TopTalkers, key: TopKey): [string, number, number, number][] {
  const table = t.tables[key]
  return table
    .slots()
    .map((i) => [
      key === 'pair' ? `${table.keyHi(i)}>${table.keyLo(i)}` : String(table.keyLo(i)),
      table.count(i, 0),
      table.count(i, 1),
      table.count(i, 2),
    ])
}

/** Puts back an entry of topEntries (merging archive partials); adds to a key already there. */
export function addTopEntry(
  t: TopTalkers,
  key: TopKey,
  text: string,
  f: number,
  o: number,
  p: number,
): void {
  const [hi, lo] = key === 'pair' ? text.split('>').map(Number) : [0, Number(text)]
  bump(t, t.tables[key], key, hi ?? 0, lo ?? 0, f, o, p)
}

/** The `n` biggest keys of one table, largest first by `sort`; ties keep first-seen order. */
export function topRows(t: TopTalkers, key: TopKey, sort: TopSort, n: number): TopRow[] {
  const idx = SORT_INDEX[sort]
  const table = t.tables[key]
  // Slots come in first-seen order and Array.prototype.sort is stable: ties keep that order.
  const slots = table.slots().sort((a, b) => table.count(b, idx) - table.count(a, idx))
  return slots.slice(0, n).map((i) => ({
    key: label(key, table.keyHi(i), table.keyLo(i)),
    flows: table.count(i, 0),
    octets: table.count(i, 1),
    packets: table.count(i, 2),
  }))
}

function label(key: TopKey, hi: number, lo: number): string {
  if (key === 'pair') return `${formatIpv4(hi)} -> ${formatIpv4(lo)}`
  return key === 'srcaddr' || key === 'dstaddr' ? formatIpv4(lo) : String(lo)
}

/** Tables that overflowed: their counts may be short by at most the given amount. */
export function approximations(t: TopTalkers): Record<string, number> {
  const out: Record<string, number> = {}
  for (const k of t.counted) if (t.evictedMax[k] > 0) out[k] = t.evictedMax[k]
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
