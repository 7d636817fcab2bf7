import ipaddr from 'ipaddr.js'
import type { Expr, Loc, TermDir, TermKey, TermNode, TermOp, TermValue } from './ast'
import { lexExpression, type Token } from './nfdump-lexer'
import { formatIpv4, prefixMask } from './scalar-values'
import { errorAt } from './source-excerpt'
import { protocolName, protocolNumber } from './symbol-names'

/** Longest expression accepted (a filter, not a program). */
const MAX_EXPRESSION = 16 * 1024
/** Deepest nesting of parentheses and `not`, so no input can exhaust the stack. */
const MAX_DEPTH = 64

const KEYS: Record<string, TermKey> = {
  host: 'host',
  ip: 'host',
  net: 'net',
  port: 'port',
  proto: 'proto',
  packets: 'packets',
  bytes: 'bytes',
  flows: 'flows',
  duration: 'duration',
  pps: 'pps',
  bps: 'bps',
  flags: 'flags',
  as: 'as',
  if: 'if',
  tos: 'tos',
  mask: 'mask',
  'engine-type': 'engine-type',
  'engine-id': 'engine-id',
  'icmp-type': 'icmp-type',
  'icmp-code': 'icmp-code',
  router: 'router',
  next: 'next',
  any: 'any',
  inet: 'inet',
  ipv4: 'inet',
  inet6: 'inet6',
  ipv6: 'inet6',
}

/** Which direction words each key takes. */
const DIRS: Partial<Record<TermKey, readonly TermDir[]>> = {
  host: ['src', 'dst'],
  net: ['src', 'dst'],
  port: ['src', 'dst'],
  as: ['src', 'dst'],
  mask: ['src', 'dst'],
  if: ['in', 'out'],
}

/** Largest value of each numeric key (ft fields: 16-bit ports, AS and ifIndex; 8-bit others). */
export const TERM_MAX: Partial<Record<TermKey, number>> = {
  port: 65535,
  proto: 255,
  as: 65535,
  if: 65535,
  tos: 255,
  mask: 32,
  'engine-type': 255,
  'engine-id': 255,
  'icmp-type': 255,
  'icmp-code': 255,
  packets: 0xffffffff,
  bytes: 0xffffffff,
  flows: 0xffffffff,
  duration: 0xffffffff,
}

const FLAG_BITS: Record<string, number> = {
  F: 0x01,
  S: 0x02,
  R: 0x04,
  P: 0x08,
  A: 0x10,
  U: 0x20,
  X: 0x3f,
}

const OP_WORDS: Record<string, TermOp> = {
  '=': '=',
  '==': '=',
  eq: '=',
  '<': '<',
  lt: '<',
  '>': '>',
  gt: '>',
  '<=': '<=',
  le: '<=',
  '>=': '>=',
  ge: '>=',
}

/**
 * Parses an nfdump-style filter (nfdump(1) "FILTER"): `host`, `src|dst host`, `net a.b.c.d/len`,
 * `port`, `proto`, counters with comparisons, `flags`, `and`/`or`/`not`/parentheses. Precedence
 * as nfdump's grammar: `not` binds tighter than `and`, `and` tighter than `or`. Keywords are
 * case-insensitive.
 *
 * @example
 * parseExpression('host 189.22.36.165 and not port 80 and packets > 1')
 */
export function parseExpression(text: string): Expr {
  if (text.length > MAX_EXPRESSION) {
    throw errorAt(
      'too_long',
      `expression longer than ${MAX_EXPRESSION} characters`,
      'expression',
      text,
      {
        start: MAX_EXPRESSION,
        end: MAX_EXPRESSION + 1,
      },
    )
  }
  const p = new Parser(text, lexExpression(text))
  if (p.peek().kind === 'eof') p.fail('syntax_error', 'empty expression', p.peek().loc)
  const e = p.parseOr(0)
  const t = p.peek()
  if (t.kind !== 'eof') {
    p.fail('syntax_error', `unexpected "${t.text}" (expected and, or or the end)`, t.loc)
  }
  return e
}

class Parser {
  private pos = 0
  constructor(
    private readonly text: string,
    private readonly tokens: Token[],
  ) {}

  peek(ahead = 0): Token {
    return this.tokens[Math.min(this.pos + ahead, this.tokens.length - 1)] as Token
  }

  next(): Token {
    const t = this.peek()
    if (t.kind !== 'eof') this.pos++
    return t
  }

  /** The next token as a value: end of input or punctuation here is a syntax error. */
  value(what: string): Token {
    const t = this.next()
    if (t.kind !== 'word') {
      this.fail(
        'syntax_error',
        `expected ${what}, found ${t.kind === 'eof' ? 'the end' : `"${t.text}"`}`,
        t.loc,
      )
    }
    return t
  }

  fail(code: string, message: string, loc: Loc): never {
    throw errorAt(code, message, 'expression', this.text, loc)
  }

  private isWord(t: Token, ...words: string[]): boolean {
    return t.kind === 'word' && words.includes(t.text.toLowerCase())
  }

  parseOr(depth: number): Expr {
    const items = [this.parseAnd(depth)]
    while (
      this.isWord(this.peek(), 'or') ||
      (this.peek().kind === 'op' && this.peek().text === '||')
    ) {
      this.next()
      items.push(this.parseAnd(depth))
    }
    return items.length === 1 ? (items[0] as Expr) : { type: 'or', items, loc: span(items) }
  }

  private parseAnd(depth: number): Expr {
    const items = [this.parseUnary(depth)]
    while (
      this.isWord(this.peek(), 'and') ||
      (this.peek().kind === 'op' && this.peek().text === '&&')
    ) {
      this.next()
      items.push(this.parseUnary(depth))
    }
    return items.length === 1 ? (items[0] as Expr) : { type: 'and', items, loc: span(items) }
  }

  private parseUnary(depth: number): Expr {
    const t = this.peek()
    if (depth > MAX_DEPTH) this.fail('too_deep', `nesting deeper than ${MAX_DEPTH}`, t.loc)
    if (this.isWord(t, 'not') || (t.kind === 'op' && t.text === '!')) {
      this.next()
      const item = this.parseUnary(depth + 1)
      return { type: 'not', item, loc: { start: t.loc.start, end: item.loc.end } }
    }
    if (t.kind === '(') {
      this.next()
      const inner = this.parseOr(depth + 1)
      const close = this.next()
      if (close.kind !== ')')
        this.fail('syntax_error', `expected ")" to close the "(" at ${t.loc.start + 1}`, close.loc)
      return { ...inner, loc: { start: t.loc.start, end: close.loc.end } }
    }
    return this.parseTerm()
  }

  private parseTerm(): TermNode {
    const first = this.next()
    if (first.kind !== 'word') {
      this.fail(
        'syntax_error',
        first.kind === 'eof' ? 'unexpected end of expression' : `unexpected "${first.text}"`,
        first.loc,
      )
    }
    let word = first.text.toLowerCase()
    let dir: TermDir | undefined
    let keyTok = first
    if (word === 'src' || word === 'dst' || word === 'in' || word === 'out') {
      dir = word
      keyTok = this.next()
      word = keyTok.text.toLowerCase()
    }
    const key = Object.hasOwn(KEYS, word) ? KEYS[word] : undefined
    if (!key || keyTok.kind !== 'word') {
      this.fail(
        'unknown_field',
        `unknown filter keyword "${keyTok.text}" (expected host, net, port, proto, packets, bytes, flows, duration, pps, bps, flags, as, if, tos, mask, engine-type, engine-id, icmp-type, icmp-code, router ip, next ip, any, inet, inet6)`,
        keyTok.loc,
      )
    }
    if (dir && !DIRS[key]?.includes(dir)) {
      this.fail('syntax_error', `"${dir}" cannot qualify "${keyTok.text}"`, first.loc)
    }
    const node = (op: TermOp, values: TermValue[], list: boolean, end: Loc): TermNode => ({
      type: 'term',
      key,
      ...(dir ? { dir } : {}),
      op,
      values,
      list,
      loc: { start: first.loc.start, end: end.end },
    })
    switch (key) {
      case 'any':
      case 'inet':
      case 'inet6':
        return node('=', [], false, keyTok.loc)
      case 'router':
      case 'next': {
        const ipTok = this.next()
        if (!this.isWord(ipTok, 'ip'))
          this.fail('syntax_error', `expected "ip" after "${key}"`, ipTok.loc)
        const v = this.value('an IP address')
        return node('=', [this.address(v)], false, v.loc)
      }
      case 'host':
      case 'port':
      case 'as': {
        if (this.isWord(this.peek(), 'in')) {
          this.next()
          const { values, end } = this.list(key)
          return node('=', values, true, end)
        }
        if (key === 'host') {
          const v = this.value('an IP address')
          return node('=', [this.address(v)], false, v.loc)
        }
        const op = this.op()
        const v = this.value('a number')
        return node(op, [this.number(key, v)], false, v.loc)
      }
      case 'net': {
        const v = this.value('a network')
        const mask = this.peek()
        if (
          !v.text.includes('/') &&
          mask.kind === 'word' &&
          /^\d+\.\d+\.\d+\.\d+$/.test(mask.text)
        ) {
          this.next()
          return node('=', [this.network(v, mask)], false, mask.loc)
        }
        return node('=', [this.network(v)], false, v.loc)
      }
      case 'proto': {
        const v = this.value('a protocol')
        return node('=', [this.protocol(v)], false, v.loc)
      }
      case 'flags': {
        const v = this.value('TCP flags')
        const letters = v.text.toUpperCase()
        if (v.kind !== 'word' || !/^[AFSRPUX]+$/.test(letters)) {
          this.fail(
            'bad_value',
            `"${v.text}" is not a set of TCP flags (letters A S F R P U, or X for all)`,
            v.loc,
          )
        }
        let bits = 0
        for (const l of letters) bits |= FLAG_BITS[l] ?? 0
        const text = [...new Set(letters)].join('')
        return node('=', [{ text, num: bits }], false, v.loc)
      }
      default: {
        const op = this.op()
        const v = this.value('a number')
        return node(op, [this.number(key, v)], false, v.loc)
      }
    }
  }

  /** An optional comparison operator; none means equality (nfdump(1)). */
  private op(): TermOp {
    const t = this.peek()
    const op =
      (t.kind === 'op' || t.kind === 'word') && Object.hasOwn(OP_WORDS, t.text.toLowerCase())
        ? OP_WORDS[t.text.toLowerCase()]
        : undefined
    if (op) this.next()
    return op ?? '='
  }

  private list(key: TermKey): { values: TermValue[]; end: Loc } {
    const open = this.next()
    if (open.kind !== '[') this.fail('syntax_error', 'expected "[" after "in"', open.loc)
    const values: TermValue[] = []
    for (;;) {
      const t = this.next()
      if (t.kind === ']') {
        if (values.length === 0) this.fail('syntax_error', 'empty list', t.loc)
        return { values, end: t.loc }
      }
      if (t.kind === ',') continue
      if (t.kind === 'eof') this.fail('syntax_error', 'expected "]" to close the list', t.loc)
      values.push(key === 'host' ? this.address(t) : this.number(key, t))
    }
  }

  private address(t: Token): TermValue {
    const v4 = parseStrictIpv4(t.text)
    if (v4 !== undefined) return { text: formatIpv4(v4), num: v4 }
    if (t.kind === 'word' && ipaddr.IPv6.isValid(t.text)) {
      // ft records are IPv4 only: an IPv6 address is valid but matches no flow.
      return { text: ipaddr.IPv6.parse(t.text).toString(), num: Number.NaN }
    }
    const hint = /[a-z]/i.test(t.text) ? ' (host names are not resolved)' : ''
    return this.fail('bad_value', `"${t.text}" is not an IP address${hint}`, t.loc)
  }

  private network(t: Token, maskTok?: Token): TermValue {
    const [addrText = '', lenText] = t.text.split('/', 2)
    const v4 = parseStrictIpv4(addrText) ?? parseShortIpv4(addrText)
    if (v4 !== undefined) {
      let len = 32
      if (maskTok) {
        const m = parseStrictIpv4(maskTok.text) ?? 0
        len = 32 - Math.log2((~m >>> 0) + 1 || 2 ** 32)
        if (!Number.isInteger(len) || prefixMask(len) !== m)
          this.fail('bad_value', `"${maskTok.text}" is not a netmask`, maskTok.loc)
      } else if (lenText !== undefined) {
        len = /^\d{1,2}$/.test(lenText) ? Number(lenText) : 99
        if (len > 32) this.fail('bad_value', `"/${lenText}" is not a prefix length 0-32`, t.loc)
      } else {
        this.fail(
          'bad_value',
          `"${t.text}" needs a prefix length (a.b.c.d/len) or a netmask`,
          t.loc,
        )
      }
      // nfdump masks the address: `net 10.1.2.3/8` is 10.0.0.0/8.
      const addr = (v4 & prefixMask(len)) >>> 0
      return { text: `${formatIpv4(addr)}/${len}`, num: addr, len }
    }
    if (
      lenText !== undefined &&
      ipaddr.IPv6.isValid(addrText) &&
      /^\d{1,3}$/.test(lenText) &&
      Number(lenText) <= 128
    ) {
      return {
        text: `${ipaddr.IPv6.parse(addrText).toString()}/${lenText}`,
        num: Number.NaN,
        len: Number(lenText),
      }
    }
    return this.fail('bad_value', `"${t.text}" is not a network (a.b.c.d/len)`, t.loc)
  }

  private protocol(t: Token): TermValue {
    const name = t.text.toLowerCase()
    const n = /^\d+$/.test(name) ? Number(name) : protocolNumber(name)
    if (t.kind !== 'word' || n === undefined || n > 255) {
      this.fail('bad_value', `"${t.text}" is not a protocol (tcp, udp, icmp, ... or 0-255)`, t.loc)
    }
    return { text: /^\d+$/.test(name) ? String(n) : (protocolName(n) ?? name), num: n }
  }

  private number(key: TermKey, t: Token): TermValue {
    const m = /^(\d+(?:\.\d+)?)([kmg]?)$/i.exec(t.text)
    if (t.kind !== 'word' || !m) {
      this.fail('bad_value', `"${t.text}" is not a number for "${key}"`, t.loc)
    }
    // nfdump scales by 1000 (k, M, G), not 1024.
    const scale = { '': 1, k: 1e3, m: 1e6, g: 1e9 }[(m[2] ?? '').toLowerCase()] ?? 1
    const n = Number(m[1]) * scale
    const fractional = key === 'pps' || key === 'bps'
    if (!fractional && !Number.isInteger(n))
      this.fail('bad_value', `"${t.text}" is not a whole number`, t.loc)
    const max = TERM_MAX[key]
    if (max !== undefined && n > max)
      this.fail('value_out_of_range', `${t.text} is out of range for "${key}" (0-${max})`, t.loc)
    return { text: String(n), num: n }
  }
}

function parseStrictIpv4(text: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text)
  if (!m) return undefined
  const parts = m.slice(1).map(Number)
  if (parts.some((p) => p > 255)) return undefined
  return parts.reduce((a, p) => a * 256 + p, 0)
}

/** nfdump accepts `net 10/8` and `net 172.16/12`. */
function parseShortIpv4(text: string): number | undefined {
  if (!/^\d{1,3}(\.\d{1,3}){0,2}$/.test(text)) return undefined
  const parts = text.split('.').map(Number)
  if (parts.some((p) => p > 255)) return undefined
  while (parts.length < 4) parts.push(0)
  return parts.reduce((a, p) => a * 256 + p, 0)
}

function span(items: Expr[]): Loc {
  return { start: items[0]?.loc.start ?? 0, end: items[items.length - 1]?.loc.end ?? 0 }
}
