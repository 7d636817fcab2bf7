import type { Action, CompareOp, Loc, PrimitiveType, Rule, TableItem } from './ast'
import type { Word } from './config-lexer'
import type { FilterWarning } from './filter-error'
import { classfulLength, parseClock, parseDate, parseIpv4, parseUnsigned } from './scalar-values'
import { protocolNumber, servicePort } from './symbol-names'

/** Largest value of each lookup-table type (flow-tools sizes its tables like this). */
export const TABLE_MAX: Partial<Record<PrimitiveType, number>> = {
  'ip-port': 65535,
  'ip-protocol': 255,
  'ip-tos': 255,
  'ip-tcp-flags': 255,
  ifindex: 65535,
  engine: 255,
  as: 65535,
  'ip-address-prefix-len': 32,
}

const COMPARE_OPS: ReadonlySet<string> = new Set(['lt', 'gt', 'eq', 'ne', 'le', 'ge'])

/** Reports a problem at a location (the parser turns it into a FilterError). */
export type Fail = (code: string, message: string, loc: Loc) => never

export type RuleContext = { fail: Fail; warn: (w: FilterWarning, loc: Loc) => void }

/**
 * Parses the data of one `permit`/`deny` line for a primitive of type `type`. `words` are the
 * words after the keyword; `rest` is the expanded text after the keyword (for time-date).
 */
export function parseRule(
  type: PrimitiveType,
  action: Action,
  words: Word[],
  rest: string,
  ctx: RuleContext,
): Rule {
  const first = words[0]
  if (!first) throw new Error('parseRule needs at least one word')
  const last = words[words.length - 1] ?? first
  const loc: Loc = { start: first.loc.start, end: last.loc.end }
  const exactly = (n: number) => {
    const extra = words[n]
    if (extra) ctx.fail('unexpected_word', `Unexpected "${extra.text}".`, extra.loc)
    const missing = words[n - 1]
    if (!missing) ctx.fail('missing_data', 'Expecting permit/deny data.', last.loc)
  }
  const text = words.map((w) => w.text).join(' ')
  switch (type) {
    case 'ip-address':
    case 'tag': {
      exactly(1)
      const item = parseAddressOrTag(type, first, action, ctx)
      return { kind: 'values', items: [item], text, loc }
    }
    case 'ip-address-mask':
    case 'tag-mask': {
      exactly(2)
      const [a, m] = [first, words[1] ?? first]
      const read = (w: Word) =>
        type === 'ip-address-mask' ? parseIpv4(w.text) : parseUnsigned(w.text)
      const value = read(a)
      const mask = read(m)
      if (value === undefined || value > 0xffffffff)
        ctx.fail('bad_value', badValue(type, a.text), a.loc)
      if (mask === undefined || mask > 0xffffffff)
        ctx.fail('bad_value', badValue(type, m.text), m.loc)
      return { kind: 'mask', action, value, mask, text, loc }
    }
    case 'ip-address-prefix': {
      exactly(1)
      const [addrText, lenText] = first.text.split('/', 2)
      const addr = parseIpv4(addrText ?? '')
      if (addr === undefined) ctx.fail('bad_value', badValue(type, first.text), first.loc)
      let len = classfulLength(addr)
      if (lenText !== undefined) {
        const l = parseUnsigned(lenText)
        if (l === undefined || l > 32)
          ctx.fail('value_out_of_range', 'Value out of range.', first.loc)
        len = l
      }
      // Host bits are kept, as flow-tools keeps them (quirk 5): `a.b.c.165/24` matches only .165.
      return { kind: 'prefix', action, addr, len, text, loc }
    }
    case 'counter':
    case 'double':
    case 'time':
    case 'time-date': {
      const op = first.text.toLowerCase()
      if (!COMPARE_OPS.has(op)) {
        ctx.fail(
          'bad_operator',
          `Unexpected "${first.text}". (expected lt, gt, eq, ne, le or ge)`,
          first.loc,
        )
      }
      const arg = words[1]
      if (!arg) ctx.fail('missing_data', 'Expecting permit/deny data.', first.loc)
      const argLoc: Loc = { start: arg.loc.start, end: last.loc.end }
      let value: number | undefined
      if (type === 'time-date') {
        value = parseDate(restAfterFirst(rest))
        if (value === undefined) {
          ctx.fail(
            'bad_date',
            `cannot read the date "${restAfterFirst(rest)}" (e.g. November 9, 2010 00:00:00 or 2010-11-09 00:00:00 UTC)`,
            argLoc,
          )
        }
      } else {
        exactly(2)
        if (type === 'counter') {
          value = parseUnsigned(arg.text)
          if (value === undefined)
            ctx.fail('bad_number', `"${arg.text}" is not an unsigned number`, arg.loc)
        } else if (type === 'double') {
          value = /^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)(e[+-]?[0-9]+)?$/i.test(arg.text)
            ? Number(arg.text)
            : undefined
          if (value === undefined) ctx.fail('bad_number', `"${arg.text}" is not a number`, arg.loc)
        } else {
          value = parseClock(arg.text)
          if (value === undefined)
            ctx.fail('bad_time', `"${arg.text}" is not a clock time H[:M[:S]]`, arg.loc)
        }
      }
      return { kind: 'compare', action, op: op as CompareOp, value, text, loc }
    }
    case 'rate': {
      exactly(1)
      const rate = parseUnsigned(first.text)
      if (rate === undefined || rate === 0)
        ctx.fail('bad_number', `"${first.text}" is not a rate (1 in N, N ≥ 1)`, first.loc)
      return { kind: 'rate', action, rate, text, loc }
    }
    default: {
      exactly(1)
      return { kind: 'values', items: parseTableItems(type, first, action, ctx), text, loc }
    }
  }
}

function restAfterFirst(rest: string): string {
  return rest.replace(/^\S+\s*/, '')
}

function badValue(type: PrimitiveType, text: string): string {
  const what = type.startsWith('ip-address') ? 'an IPv4 address' : 'an unsigned number'
  const dns = /[a-z]/i.test(text) && type.startsWith('ip-') ? ' (host names are not resolved)' : ''
  return `"${text}" is not ${what}${dns}`
}

function parseAddressOrTag(
  type: PrimitiveType,
  w: Word,
  action: Action,
  ctx: RuleContext,
): TableItem {
  const v = type === 'ip-address' ? parseIpv4(w.text) : parseUnsigned(w.text)
  if (v === undefined || v > 0xffffffff) ctx.fail('bad_value', badValue(type, w.text), w.loc)
  return { action, lo: v, hi: v }
}

/** `22,53,4380-4390`, `tcp,udp`, `!80`; numbers by strtoul(…, 0). */
function parseTableItems(
  type: PrimitiveType,
  w: Word,
  action: Action,
  ctx: RuleContext,
): TableItem[] {
  const max = TABLE_MAX[type] ?? 0
  const items: TableItem[] = []
  for (const part of w.text.split(',')) {
    let p = part
    let act = action
    if (p.startsWith('!')) {
      // flow-tools gives a `!` value the opposite action only (quirk 1): `permit !80` = `deny 80`.
      p = p.slice(1)
      act = action === 'permit' ? 'deny' : 'permit'
      ctx.warn(
        { code: 'bang_is_opposite', message: `"!${p}" means "${act} ${p}", not "all but ${p}"` },
        w.loc,
      )
    }
    if ((type === 'ip-tos' || type === 'ip-tcp-flags') && p.includes('/')) {
      // The man page's `0x2/0x2`: flow-tools reads the value and drops the mask (quirk 3).
      ctx.warn(
        { code: 'mask_dropped', message: `"${p}": the "/mask" part is ignored; use a "mask" line` },
        w.loc,
      )
      p = p.slice(0, p.indexOf('/'))
    }
    const dash = p.indexOf('-', 1)
    const [a, b] = dash > 0 ? [p.slice(0, dash), p.slice(dash + 1)] : [p, p]
    const lo = tableValue(type, a, w, ctx)
    const hi = tableValue(type, b, w, ctx)
    if (lo > max || hi > max) ctx.fail('value_out_of_range', 'Value out of range.', w.loc)
    if (hi < lo) ctx.fail('value_out_of_range', `empty range "${p}"`, w.loc)
    items.push({ action: act, lo, hi })
  }
  return items
}

function tableValue(type: PrimitiveType, text: string, w: Word, ctx: RuleContext): number {
  const n = parseUnsigned(text)
  if (n !== undefined) return n
  const named =
    type === 'ip-port'
      ? servicePort(text)
      : type === 'ip-protocol'
        ? protocolNumber(text)
        : undefined
  if (named !== undefined) return named
  const what =
    type === 'ip-port'
      ? 'a port number or service name'
      : type === 'ip-protocol'
        ? 'a protocol number or name'
        : type === 'as'
          ? 'an AS number (AS names are not supported)'
          : 'an unsigned number'
  return ctx.fail('bad_value', `"${text}" is not ${what}`, w.loc)
}
