import type { FlowBatch, FlowField, FlowPredicate } from '../flow-batch'
import type { Expr, MatchNode } from './ast'
import { fieldsRead, MATCH_INFO } from './match-types'
import { lowerNegatedFlags, lowerTerm } from './nfdump-lowering'
import { compilePrimitive, lookupTable } from './primitive-test'

export type CompileOptions = {
  /** Source of randomness for `random-sample` (injectable for tests). */
  random?: () => number
}

export type Compiled = { predicate: FlowPredicate; fields: Set<FlowField> }

/**
 * Compiles an expression to a closure `(batch, i) => boolean` that reads the batch's columns
 * directly. No `eval` or `new Function` (Workers forbid both): each node becomes a closure over
 * its children, with lookup tables and sets built once here.
 */
export function compileExpr(expr: Expr, opts: CompileOptions = {}): Compiled {
  const fields = new Set<FlowField>()
  const predicate = build(expr, fields, opts.random ?? Math.random)
  return { predicate, fields }
}

function build(e: Expr, fields: Set<FlowField>, random: () => number): FlowPredicate {
  switch (e.type) {
    case 'const': {
      const v = e.value
      return () => v
    }
    case 'not': {
      const none = lowerNegatedFlags(e.item)
      if (none) return build(none, fields, random)
      const p = build(e.item, fields, random)
      return (b, i) => !p(b, i)
    }
    case 'and':
    case 'or': {
      const ps = e.items.map((x) => build(x, fields, random))
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
      return build(lowerTerm(e), fields, random)
    case 'match':
      for (const f of fieldsRead(e.matchType)) fields.add(f)
      return buildMatch(e, random)
  }
}

function buildMatch(m: MatchNode, random: () => number): FlowPredicate {
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
      const test = compilePrimitive(p, random)
      return (b, i) => test(b.cols[f][i] ?? 0)
    }
    case 'start-secs':
    case 'end-secs': {
      const test = compilePrimitive(p, random)
      const edge = value.kind === 'start-secs' ? 'first' : 'last'
      // `time` compares the clock time of the flow's own day (UTC), `time-date` the instant.
      const ofDay = p.primType === 'time'
      return (b, i) => {
        const s = Math.floor(flowMs(b, i, edge) / 1000)
        return test(ofDay ? ((s % 86400) + 86400) % 86400 : s)
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
