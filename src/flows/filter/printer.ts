import type {
  ConfigNode,
  DefinitionNode,
  Expr,
  PrimitiveNode,
  Rule,
  TableItem,
  TermNode,
} from './ast'
import { formatIpv4 } from './scalar-values'

const PRECEDENCE = { or: 0, and: 1, not: 2 } as const

/**
 * Prints an expression in normalised nfdump syntax: lower-case keywords, `=` left implicit,
 * `in [a b]` lists, parentheses only where precedence needs them (`not` > `and` > `or`).
 * `printExpression(parseExpression(q))` is the normalised form of `q`.
 *
 * @example
 * printExpression(parseExpression('HOST 10.0.0.1 && !(port == 80 || port 443)'))
 * // 'host 10.0.0.1 and not (port 80 or port 443)'
 */
export function printExpression(e: Expr, parent = -1): string {
  switch (e.type) {
    case 'or':
    case 'and': {
      const p = PRECEDENCE[e.type]
      const s = e.items.map((x) => printExpression(x, p)).join(` ${e.type} `)
      return p < parent ? `(${s})` : s
    }
    case 'not': {
      const s = `not ${printExpression(e.item, PRECEDENCE.not)}`
      return s
    }
    case 'const':
      return e.value ? 'any' : 'not any'
    case 'match':
      // A flow-nfilter match has no nfdump spelling; print it recognisably.
      return `match(${e.matchType} ${e.primitive.name})`
    case 'term':
      return printTerm(e)
  }
}

function printTerm(t: TermNode): string {
  const dir = t.dir ? `${t.dir} ` : ''
  const values = t.values.map((v) => v.text)
  switch (t.key) {
    case 'any':
    case 'inet':
    case 'inet6':
      return t.key
    case 'router':
    case 'next':
      return `${t.key} ip ${values[0]}`
    default: {
      if (t.list) return `${dir}${t.key} in [${values.join(' ')}]`
      const op = t.op === '=' ? '' : ` ${t.op}`
      return `${dir}${t.key}${op} ${values[0]}`
    }
  }
}

/** Characters of values on one `permit`/`deny` line, at most (one value may be longer). */
const LIST_WIDTH = 72

/** Prints a configuration in flow-nfilter syntax (primitives first, then definitions). */
export function printConfig(c: ConfigNode): string {
  return [...c.primitives.map(printPrimitive), ...c.definitions.map(printDefinition)].join('\n')
}

export function printPrimitive(p: PrimitiveNode): string {
  const lines = [`filter-primitive ${p.name}`, `  type ${p.primType}`]
  if (p.mask !== 0xff) lines.push(`  mask 0x${p.mask.toString(16)}`)
  for (const r of p.rules) lines.push(...printRule(p, r))
  if (p.defaultAction === 'permit') lines.push('  default permit')
  return `${lines.join('\n')}\n`
}

export function printDefinition(d: DefinitionNode): string {
  const lines = [`filter-definition ${d.name}`]
  if (d.invert) lines.push('  invert')
  d.groups.forEach((g, k) => {
    if (k > 0) lines.push('  or')
    for (const m of g) lines.push(`  match ${m.matchType} ${m.primitive}`)
  })
  return `${lines.join('\n')}\n`
}

function printRule(p: PrimitiveNode, r: Rule): string[] {
  switch (r.kind) {
    case 'values': {
      // Consecutive items with the same action share a line (`permit 22,53,4380-4390`), up to
      // LIST_WIDTH characters: flow-nfilter reads lines into 1024 bytes, and each `permit` line
      // adds to the same table, so a long list goes on as many lines as it needs.
      const out: string[] = []
      let run: string[] = []
      let action: TableItem['action'] | undefined
      let width = 0
      const flush = () => {
        if (action && run.length > 0) out.push(`  ${action} ${run.join(',')}`)
        run = []
        width = 0
      }
      for (const it of r.items) {
        const text = printItem(p, it)
        if (action !== it.action) flush()
        // ip-address and tag take one value per line.
        if (run.length > 0 && (p.primType === 'ip-address' || p.primType === 'tag')) flush()
        if (run.length > 0 && width + 1 + text.length > LIST_WIDTH) flush()
        action = it.action
        width += (run.length > 0 ? 1 : 0) + text.length
        run.push(text)
      }
      flush()
      return out
    }
    case 'mask':
      return p.primType === 'ip-address-mask'
        ? [`  ${r.action} ${formatIpv4(r.value)} ${formatIpv4(r.mask)}`]
        : [`  ${r.action} ${r.value} ${r.mask}`]
    case 'prefix':
      return [`  ${r.action} ${formatIpv4(r.addr)}/${r.len}`]
    case 'compare':
      return [`  ${r.action} ${r.op} ${printCompared(p, r.value)}`]
    case 'rate':
      return [`  ${r.action} ${r.rate}`]
  }
}

function printItem(p: PrimitiveNode, it: TableItem): string {
  const v = (n: number) => (p.primType === 'ip-address' ? formatIpv4(n) : String(n))
  return it.lo === it.hi ? v(it.lo) : `${v(it.lo)}-${v(it.hi)}`
}

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
]

function printCompared(p: PrimitiveNode, v: number): string {
  if (p.primType === 'time') {
    const pad = (n: number) => String(n).padStart(2, '0')
    return `${Math.floor(v / 3600)}:${pad(Math.floor(v / 60) % 60)}:${pad(v % 60)}`
  }
  if (p.primType === 'time-date') {
    // getdate()'s long form, which both flow-nfilter (TZ=UTC) and edgeping read.
    const d = new Date(v * 1000)
    const pad = (n: number) => String(n).padStart(2, '0')
    return `${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()}, ${d.getUTCFullYear()} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`
  }
  return String(v)
}
