import type { Action, CompareOp, PrimitiveNode, Rule } from './ast'
import { TABLE_MAX } from './primitive-rules'
import { prefixMask } from './scalar-values'

/** A compiled primitive: does a field value pass? */
export type ValueTest = (v: number) => boolean

const pass = (a: Action) => a === 'permit'

/**
 * Compiles a primitive to a test on one value, with its lookup structure built once (tables,
 * sets, sorted prefixes), so evaluating a row allocates nothing.
 */
export function compilePrimitive(p: PrimitiveNode, random: () => number): ValueTest {
  const dflt = pass(p.defaultAction)
  switch (p.primType) {
    case 'ip-address':
    case 'tag':
      return hashTest(p.rules, dflt)
    case 'ip-address-mask':
    case 'tag-mask':
      return maskTest(p.rules, dflt)
    case 'ip-address-prefix':
      return prefixTest(p.rules, dflt)
    case 'counter':
    case 'double':
    case 'time':
    case 'time-date':
      return compareTest(p.rules, dflt)
    case 'rate':
      return rateTest(p.rules, dflt, random)
    default: {
      const table = lookupTable(p)
      const mask = p.mask
      const d = dflt ? 1 : 0
      // ip-tos and ip-tcp-flags look up `field & mask` (flow-nfilter(1) `mask`).
      if (mask !== 0xff) return (v) => table[v & mask] === 1
      return (v) => (table[v] ?? d) === 1
    }
  }
}

/**
 * The 0/1 table of a lookup primitive: every value starts at the default, each line marks its
 * values in file order, so a value listed twice takes the last line's action (quirk 2).
 */
export function lookupTable(p: PrimitiveNode): Uint8Array {
  const max = TABLE_MAX[p.primType] ?? 0
  const table = new Uint8Array(max + 1).fill(pass(p.defaultAction) ? 1 : 0)
  for (const r of p.rules) {
    if (r.kind !== 'values') continue
    for (const it of r.items) table.fill(pass(it.action) ? 1 : 0, it.lo, it.hi + 1)
  }
  return table
}

function hashTest(rules: Rule[], dflt: boolean): ValueTest {
  const actions = new Map<number, boolean>()
  for (const r of rules) {
    if (r.kind !== 'values') continue
    for (const it of r.items) for (let v = it.lo; v <= it.hi; v++) actions.set(v, pass(it.action))
  }
  if ([...actions.values()].every((a) => a !== dflt)) {
    const set = new Set(actions.keys())
    if (set.size === 1) {
      const only = [...set][0]
      return dflt ? (v) => v !== only : (v) => v === only
    }
    return dflt ? (v) => !set.has(v) : (v) => set.has(v)
  }
  return (v) => actions.get(v) ?? dflt
}

function maskTest(rules: Rule[], dflt: boolean): ValueTest {
  const list = rules.flatMap((r) => (r.kind === 'mask' ? [r] : []))
  const values = Uint32Array.from(list, (r) => r.value)
  const masks = Uint32Array.from(list, (r) => r.mask)
  const acts = list.map((r) => pass(r.action))
  const n = list.length
  // First match in file order decides (flow-tools.md §5.3).
  return (v) => {
    for (let k = 0; k < n; k++)
      if ((v & (masks[k] ?? 0)) >>> 0 === values[k]) return acts[k] ?? dflt
    return dflt
  }
}

/**
 * Longest-prefix match, as flow-tools' radix trie does it. flow-tools does not clear host bits
 * (quirk 5): `189.22.36.165/24` is stored as is and only an exact lookup of .165 finds it, so
 * such an entry matches that one address, ahead of any prefix.
 */
function prefixTest(rules: Rule[], dflt: boolean): ValueTest {
  const byKey = new Map<string, { addr: number; len: number; action: boolean }>()
  for (const r of rules) {
    if (r.kind === 'prefix')
      byKey.set(`${r.addr}/${r.len}`, { addr: r.addr, len: r.len, action: pass(r.action) })
  }
  const entries = [...byKey.values()]
  const exact = entries.filter((e) => (e.addr & ~prefixMask(e.len)) >>> 0 !== 0 || e.len === 32)
  const nets = entries.filter((e) => !exact.includes(e)).sort((a, b) => b.len - a.len)
  const exactMap = new Map(exact.map((e) => [e.addr, e.action]))
  const addrs = Uint32Array.from(nets, (e) => e.addr)
  const masks = Uint32Array.from(nets, (e) => prefixMask(e.len))
  const acts = nets.map((e) => e.action)
  const n = nets.length
  return (v) => {
    const hit = exactMap.get(v)
    if (hit !== undefined) return hit
    for (let k = 0; k < n; k++) if ((v & (masks[k] ?? 0)) >>> 0 === addrs[k]) return acts[k] ?? dflt
    return dflt
  }
}

const COMPARE: Record<CompareOp, (a: number, b: number) => boolean> = {
  lt: (a, b) => a < b,
  gt: (a, b) => a > b,
  eq: (a, b) => a === b,
  ne: (a, b) => a !== b,
  le: (a, b) => a <= b,
  ge: (a, b) => a >= b,
}

function compareTest(rules: Rule[], dflt: boolean): ValueTest {
  const list = rules.flatMap((r) => (r.kind === 'compare' ? [r] : []))
  const first = list[0]
  if (list.length === 1 && first) {
    const cmp = COMPARE[first.op]
    const value = first.value
    const yes = pass(first.action)
    return (v) => (cmp(v, value) ? yes : dflt)
  }
  const ops = list.map((r) => COMPARE[r.op])
  const values = list.map((r) => r.value)
  const acts = list.map((r) => pass(r.action))
  const n = list.length
  // First true line decides, in file order (`deny gt 100` + `permit gt 10` ≠ the reverse).
  return (v) => {
    for (let k = 0; k < n; k++) {
      const op = ops[k]
      if (op?.(v, values[k] ?? 0)) return acts[k] ?? dflt
    }
    return dflt
  }
}

function rateTest(rules: Rule[], dflt: boolean, random: () => number): ValueTest {
  const r = rules.find((x) => x.kind === 'rate')
  if (r?.kind !== 'rate') return () => dflt
  const p = 1 / r.rate
  const yes = pass(r.action)
  // flow-nfilter's random-sample: one flow in N, chosen at random, gets the line's action.
  return () => (random() < p ? yes : dflt)
}
