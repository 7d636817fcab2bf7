import type {
  CompareOp,
  Expr,
  Loc,
  MatchType,
  PrimitiveNode,
  PrimitiveType,
  Rule,
  TableItem,
  TermNode,
  TermOp,
} from './ast'
import { TERM_MAX } from './nfdump-values'

const COUNTER_OP: Record<TermOp, CompareOp> = {
  '=': 'eq',
  '<': 'lt',
  '>': 'gt',
  '<=': 'le',
  '>=': 'ge',
}

/** Match types of a key by direction: src, dst, and both (either side, ORed). */
const SIDES: Record<string, { src: MatchType; dst: MatchType }> = {
  host: { src: 'ip-source-address', dst: 'ip-destination-address' },
  net: { src: 'ip-source-address', dst: 'ip-destination-address' },
  port: { src: 'ip-source-port', dst: 'ip-destination-port' },
  as: { src: 'source-as', dst: 'destination-as' },
  mask: { src: 'ip-source-address-prefix-len', dst: 'ip-destination-address-prefix-len' },
  if: { src: 'input-interface', dst: 'output-interface' },
}

/**
 * Lowers an nfdump term to flow-nfilter matches on inline primitives, so one engine evaluates
 * both languages and the nfdump → filter.cfg translation is the same code (flow-tools.md §8
 * mapping: host ↔ srcaddr|dstaddr, port ↔ srcport|dstport, router ip ↔ exaddr, next ip ↔
 * nexthop, in/out if ↔ input/output, duration ↔ Last − First).
 *
 * `inverted`: the term is under an odd number of `not`s. Only `flags` cares: nfdump's `not`
 * toggles an invert bit on every test below it, and an inverted flags test asks "any of the
 * listed flags set" instead of "all of them" (nftree.c, CMP_FLAGS), before the `not`s negate
 * the result as usual. So `not flags SA` is "neither S nor A", `flags S and not flags AFRPU` is
 * SYN only (211 flows on the seed, = flow-tools' t20), `not (flags SA or port 80)` is "neither S
 * nor A, and not port 80", and `not not flags SA` is `flags SA` again.
 */
export function lowerTerm(t: TermNode, inverted = false): Expr {
  const loc = t.loc
  const never: Expr = { type: 'const', value: false, loc }
  switch (t.key) {
    case 'any':
    case 'inet':
      // ft records are all IPv4.
      return { type: 'const', value: true, loc }
    case 'inet6':
      return never
    case 'host':
    case 'router':
    case 'next': {
      const v4 = t.values.filter((v) => !Number.isNaN(v.num))
      if (v4.length === 0) return never
      const rules: Rule[] = v4.map((v) => ({
        kind: 'values',
        items: [{ action: 'permit', lo: v.num, hi: v.num }],
        text: v.text,
        loc,
      }))
      const p = primitive(t, 'ip-address', rules)
      if (t.key === 'router') return match('ip-exporter-address', p, loc)
      if (t.key === 'next') return match('ip-nexthop-address', p, loc)
      return sides(t, p)
    }
    case 'net': {
      const v = t.values[0]
      if (!v || Number.isNaN(v.num)) return never
      const rule: Rule = {
        kind: 'prefix',
        action: 'permit',
        addr: v.num,
        len: v.len ?? 32,
        text: v.text,
        loc,
      }
      return sides(t, primitive(t, 'ip-address-prefix', [rule]))
    }
    case 'port':
    case 'as':
    case 'if':
    case 'mask':
    case 'tos':
    case 'proto':
    case 'engine-type':
    case 'engine-id': {
      const items = tableItems(t)
      if (items.length === 0) return never
      const type: PrimitiveType =
        t.key === 'port'
          ? 'ip-port'
          : t.key === 'as'
            ? 'as'
            : t.key === 'if'
              ? 'ifindex'
              : t.key === 'mask'
                ? 'ip-address-prefix-len'
                : t.key === 'tos'
                  ? 'ip-tos'
                  : t.key === 'proto'
                    ? 'ip-protocol'
                    : 'engine'
      const p = primitive(t, type, [{ kind: 'values', items, text: '', loc }])
      if (t.key === 'tos') return match('ip-tos', p, loc)
      if (t.key === 'proto') return match('ip-protocol', p, loc)
      if (t.key === 'engine-type' || t.key === 'engine-id') return match(t.key, p, loc)
      return sides(t, p)
    }
    case 'flags': {
      // All listed flags set: (tcp_flags & bits) == bits; inverted, any of them set:
      // (tcp_flags & bits) != 0.
      const bits = t.values[0]?.num ?? 0
      const p = primitive(t, 'ip-tcp-flags', [
        inverted
          ? { kind: 'values', items: [{ action: 'deny', lo: 0, hi: 0 }], text: '', loc }
          : { kind: 'values', items: [{ action: 'permit', lo: bits, hi: bits }], text: '', loc },
      ])
      if (inverted) p.defaultAction = 'permit'
      p.mask = bits
      return match('ip-tcp-flags', p, loc)
    }
    case 'icmp-type':
    case 'icmp-code': {
      // ICMP type and code travel in dstport as type·256 + code (flow-tools.md §2.1).
      const n = t.values[0]?.num ?? 0
      const items: TableItem[] = []
      if (t.key === 'icmp-type') items.push({ action: 'permit', lo: n * 256, hi: n * 256 + 255 })
      else
        for (let ty = 0; ty < 256; ty++)
          items.push({ action: 'permit', lo: ty * 256 + n, hi: ty * 256 + n })
      const icmp = primitive(t, 'ip-protocol', [
        { kind: 'values', items: [{ action: 'permit', lo: 1, hi: 1 }], text: '', loc },
      ])
      const port = primitive(t, 'ip-port', [{ kind: 'values', items, text: '', loc }])
      return {
        type: 'and',
        items: [match('ip-protocol', icmp, loc), match('ip-destination-port', port, loc)],
        loc,
      }
    }
    case 'packets':
    case 'bytes':
    case 'flows':
    case 'duration':
    case 'pps':
    case 'bps': {
      const v = t.values[0]?.num ?? 0
      const type: PrimitiveType = t.key === 'pps' || t.key === 'bps' ? 'double' : 'counter'
      const rule: Rule = {
        kind: 'compare',
        action: 'permit',
        op: COUNTER_OP[t.op],
        value: v,
        text: '',
        loc,
      }
      const m: MatchType = t.key === 'bytes' ? 'octets' : t.key
      return match(m, primitive(t, type, [rule]), loc)
    }
  }
}

/** Table entries for `=`/`<`/`>`/`<=`/`>=` and `in [...]` lists; empty when nothing can match. */
function tableItems(t: TermNode): TableItem[] {
  const max = TERM_MAX[t.key] ?? 255
  const items: TableItem[] = []
  for (const v of t.values) {
    const n = v.num
    const [lo, hi] =
      t.op === '='
        ? [n, n]
        : t.op === '<'
          ? [0, n - 1]
          : t.op === '<='
            ? [0, n]
            : t.op === '>'
              ? [n + 1, max]
              : [n, max]
    if (lo <= hi && lo <= max) items.push({ action: 'permit', lo, hi: Math.min(hi, max) })
  }
  return items
}

function primitive(t: TermNode, primType: PrimitiveType, rules: Rule[]): PrimitiveNode {
  return {
    type: 'primitive',
    name: `${t.dir ? `${t.dir}-` : ''}${t.key}`,
    primType,
    rules,
    defaultAction: 'deny',
    mask: 0xff,
    loc: t.loc,
  }
}

function match(matchType: MatchType, primitive: PrimitiveNode, loc: Loc): Expr {
  return { type: 'match', matchType, primitive, loc }
}

function sides(t: TermNode, p: PrimitiveNode): Expr {
  const s = SIDES[t.key]
  if (!s) throw new Error(`no sides for ${t.key}`)
  if (t.dir === 'src' || t.dir === 'in') return match(s.src, p, t.loc)
  if (t.dir === 'dst' || t.dir === 'out') return match(s.dst, p, t.loc)
  return { type: 'or', items: [match(s.src, p, t.loc), match(s.dst, p, t.loc)], loc: t.loc }
}
