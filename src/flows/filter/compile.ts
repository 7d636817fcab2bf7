import type { FlowBatch, FlowField, FlowPredicate } from '../flow-batch'
import type { Expr, MatchNode, PrimitiveNode } from './ast'
import { fieldsRead, MATCH_INFO } from './match-types'
import { lowerTerm } from './nfdump-lowering'
import { compilePrimitive, lookupTable } from './primitive-test'
import { type TimeZone, UTC } from './time-zone'

export type CompileOptions = {
  /** Source of randomness for `random-sample` (injectable for tests). */
  random?: () => number
  /** Zone of `time` primitives (clock time of the flow's local day); UTC by default. */
  zone?: TimeZone
}

export type Compiled = { predicate: FlowPredicate; fields: Set<FlowField> }

/**
 * Compiles an expression to a closure `(batch, i) => boolean` that reads the batch's columns
 * directly. No `eval` or `new Function` (Workers forbid both): each node becomes a closure over
 * its children, with lookup tables and sets built once here.
 */
export function compileExpr(expr: Expr, opts: CompileOptions = {}): Compiled {
  const fields = new Set<FlowField>()
  const predicate = build(expr, fields, opts.random ?? Math.random, opts.zone ?? UTC, false)
  return { predicate, fields }
}

/** `inverted`: under an odd number of `not`s (nfdump's flags test depends on it: lowerTerm). */
function build(
  e: Expr,
  fields: Set<FlowField>,
  random: () => number,
  zone: TimeZone,
  inverted: boolean,
): FlowPredicate {
  switch (e.type) {
    case 'const': {
      const v = e.value
      return () => v
    }
    case 'not': {
      const p = build(e.item, fields, random, zone, !inverted)
      return (b, i) => !p(b, i)
    }
    case 'and':
    case 'or': {
      const pair = e.items.length === 2 ? bothSides(e.type, e.items, fields) : undefined
      if (pair) return pair
      const ps = e.items.map((x) => build(x, fields, random, zone, inverted))
      const [a, c] = ps
      if (ps.length === 1 && a) return a
      if (ps.length === 2 && a && c) {
        return e.type === 'and' ? (b, i) => a(b, i) && c(b, i) : (b, i) => a(b, i) || c(b, i)
      }
      const n = ps.length
      if (e.type === 'and') {
        return (b, i) => {
          for (let k = 0; k < n; k++) if (!ps[k]?.(b, i)) return false
          return true
        }
      }
      return (b, i) => {
        for (let k = 0; k < n; k++) if (ps[k]?.(b, i)) return true
        return false
      }
    }
    case 'term':
      return build(lowerTerm(e, inverted), fields, random, zone, inverted)
    case 'match':
      for (const f of fieldsRead(e.matchType)) fields.add(f)
      return buildMatch(e, random, zone)
  }
}

function buildMatch(m: MatchNode, random: () => number, zone: TimeZone): FlowPredicate {
  const value = MATCH_INFO[m.matchType].value
  const p = m.primitive
  switch (value.kind) {
    case 'column': {
      const f = value.field
      // The hot path: a plain lookup table on one column, inlined without a test closure.
      if (p.mask === 0xff && isPlainTable(p.primType)) {
        const table = lookupTable(p)
        const d = p.defaultAction === 'permit' ? 1 : 0
        return (b, i) => (table[b.cols[f][i] ?? 0] ?? d) === 1
      }
      const direct = directColumnTest(p, f)
      if (direct) return direct
      const test = compilePrimitive(p, random)
      return (b, i) => test(b.cols[f][i] ?? 0)
    }
    case 'start-secs':
    case 'end-secs': {
      const test = compilePrimitive(p, random)
      const edge = value.kind === 'start-secs' ? 'first' : 'last'
      // `time` compares the clock time of the flow's own local day, `time-date` the instant.
      const ofDay = p.primType === 'time'
      if (!ofDay) return (b, i) => test(Math.floor(flowMs(b, i, edge) / 1000))
      return (b, i) => {
        const s = Math.floor(flowMs(b, i, edge) / 1000)
        const local = s + zone.offsetAt(s)
        return test(((local % 86400) + 86400) % 86400)
      }
    }
    case 'duration': {
      const test = compilePrimitive(p, random)
      return (b, i) => test(durationMs(b, i))
    }
    case 'pps':
    case 'bps': {
      const test = compilePrimitive(p, random)
      const bits = value.kind === 'bps'
      return (b, i) => {
        const d = durationMs(b, i)
        const n = bits ? 8 * (b.cols.doctets[i] ?? 0) : (b.cols.dpkts[i] ?? 0)
        // flow-nfilter: rate = count / (duration / 1000.0), and 0 when the duration is 0.
        return test(d === 0 ? 0 : n / (d / 1000))
      }
    }
    case 'random': {
      const test = compilePrimitive(p, random)
      return () => test(0)
    }
  }
}

/**
 * `host A`, `port N`, `ip-addr`, `not-ip-port`: one primitive tested on two columns (source and
 * destination). Fused into one closure that reads both columns, the common case of every
 * investigation.
 */
function bothSides(
  type: 'and' | 'or',
  items: Expr[],
  fields: Set<FlowField>,
): FlowPredicate | undefined {
  const [x, y] = items
  if (x?.type !== 'match' || y?.type !== 'match' || x.primitive !== y.primitive) return undefined
  const vx = MATCH_INFO[x.matchType].value
  const vy = MATCH_INFO[y.matchType].value
  if (vx.kind !== 'column' || vy.kind !== 'column') return undefined
  const p = x.primitive
  const [f1, f2] = [vx.field, vy.field]
  let pred: FlowPredicate | undefined
  const items1 = p.rules.flatMap((r) => (r.kind === 'values' ? r.items : []))
  const single = items1[0]
  if (
    p.primType === 'ip-address' &&
    p.defaultAction === 'deny' &&
    items1.length === 1 &&
    single?.action === 'permit'
  ) {
    const a = single.lo
    pred =
      type === 'or'
        ? (b, i) => b.cols[f1][i] === a || b.cols[f2][i] === a
        : (b, i) => b.cols[f1][i] === a && b.cols[f2][i] === a
  } else if (p.mask === 0xff && isPlainTable(p.primType)) {
    const t = lookupTable(p)
    const d = p.defaultAction === 'permit' ? 1 : 0
    pred =
      type === 'or'
        ? (b, i) => (t[b.cols[f1][i] ?? 0] ?? d) === 1 || (t[b.cols[f2][i] ?? 0] ?? d) === 1
        : (b, i) => (t[b.cols[f1][i] ?? 0] ?? d) === 1 && (t[b.cols[f2][i] ?? 0] ?? d) === 1
  }
  if (pred) {
    fields.add(f1)
    fields.add(f2)
  }
  return pred
}

/**
 * The commonest leaves read their column without an intermediate test closure: one address
 * (`-v ADDR=...`), a small address set, one counter comparison (`packets > 1`).
 */
function directColumnTest(p: PrimitiveNode, f: FlowField): FlowPredicate | undefined {
  const yes = p.defaultAction !== 'permit'
  if (p.primType === 'ip-address' || p.primType === 'tag') {
    const items = p.rules.flatMap((r) => (r.kind === 'values' ? r.items : []))
    if (
      items.length === 0 ||
      items.some((it) => (it.action === 'permit') !== yes || it.lo !== it.hi)
    ) {
      return undefined
    }
    const only = items[0]?.lo ?? 0
    if (items.every((it) => it.lo === only)) {
      return yes ? (b, i) => b.cols[f][i] === only : (b, i) => b.cols[f][i] !== only
    }
    const set = new Set(items.map((it) => it.lo))
    return yes ? (b, i) => set.has(b.cols[f][i] ?? 0) : (b, i) => !set.has(b.cols[f][i] ?? 0)
  }
  const [rule, more] = p.rules
  if (p.primType === 'counter' && rule?.kind === 'compare' && !more) {
    const v = rule.value
    const hit = rule.action === 'permit'
    if (hit === (p.defaultAction === 'permit')) return () => hit
    const sign = hit ? 1 : -1
    switch (rule.op) {
      case 'gt':
        return sign > 0 ? (b, i) => (b.cols[f][i] ?? 0) > v : (b, i) => (b.cols[f][i] ?? 0) <= v
      case 'lt':
        return sign > 0 ? (b, i) => (b.cols[f][i] ?? 0) < v : (b, i) => (b.cols[f][i] ?? 0) >= v
      case 'ge':
        return sign > 0 ? (b, i) => (b.cols[f][i] ?? 0) >= v : (b, i) => (b.cols[f][i] ?? 0) < v
      case 'le':
        return sign > 0 ? (b, i) => (b.cols[f][i] ?? 0) <= v : (b, i) => (b.cols[f][i] ?? 0) > v
      case 'eq':
        return sign > 0 ? (b, i) => b.cols[f][i] === v : (b, i) => b.cols[f][i] !== v
      case 'ne':
        return sign > 0 ? (b, i) => b.cols[f][i] !== v : (b, i) => b.cols[f][i] === v
    }
  }
  return undefined
}

function isPlainTable(t: string): boolean {
  return (
    t === 'ip-port' ||
    t === 'ip-protocol' ||
    t === 'ifindex' ||
    t === 'engine' ||
    t === 'as' ||
    t === 'ip-address-prefix-len'
  )
}

/** flow-tools' duration: Last − First as uint32 ms (no uptime-wrap handling, quirk 13). */
function durationMs(b: FlowBatch, i: number): number {
  return ((b.cols.last[i] ?? 0) - (b.cols.first[i] ?? 0)) >>> 0
}

/** ftltime(): export time minus the uptime elapsed since First/Last, in ms. */
function flowMs(b: FlowBatch, i: number, edge: 'first' | 'last'): number {
  const c = b.cols
  return (
    (c.unix_secs[i] ?? 0) * 1000 +
    Math.floor((c.unix_nsecs[i] ?? 0) / 1e6) -
    (c.sysuptime[i] ?? 0) +
    (c[edge][i] ?? 0)
  )
}
