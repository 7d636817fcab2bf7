import type { Expr, Loc, TermDir, TermKey, TermNode, TermOp, TermValue } from './ast'
import { lexExpression, type Token } from './nfdump-lexer'
import { readAddress, readNetwork, readNumber, readProtocol } from './nfdump-values'
import type { Fail } from './primitive-rules'
import { errorAt } from './source-excerpt'

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
  // nfdump(1) spells it `flow` too (`flow > 1`).
  flow: 'flows',
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

  /** `fail` as a plain function, for the value readers. */
  readonly failer: Fail = (code, message, loc) => this.fail(code, message, loc)

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

  /**
   * One test. nfdump's two-sided directions are written out here: `src and dst net N` is
   * `src net N and dst net N`, `src or dst port P` is `src port P or dst port P`; and an address
   * list holding networks (`ip in [10.0.0.0/8 192.0.2.1]`) is the list of its addresses or'ed
   * with one `net` test per network. The compiler and the flow-nfilter translation see only
   * plain terms.
   */
  private parseTerm(): Expr {
    const t = this.peek()
    const joiner = this.peek(1)
    const joins =
      this.isWord(joiner, 'and', 'or') ||
      (joiner.kind === 'op' && (joiner.text === '&&' || joiner.text === '||'))
    if (this.isWord(t, 'src') && joins && this.isWord(this.peek(2), 'dst')) {
      this.next()
      this.next()
      const dst = this.parseOneTerm()
      const src = withDir(dst, 'src')
      const items = [src, dst]
      const loc = { start: t.loc.start, end: dst.loc.end }
      const both = this.isWord(joiner, 'and') || joiner.text === '&&'
      return both ? { type: 'and', items, loc } : { type: 'or', items, loc }
    }
    return this.parseOneTerm()
  }

  private parseOneTerm(): Expr {
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
      if (keyTok.kind === 'eof') {
        this.fail(
          'syntax_error',
          `expected a keyword after "${dir}" (host, net, port...)`,
          keyTok.loc,
        )
      }
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
        return node('=', [readAddress(v, this.failer)], false, v.loc)
      }
      case 'host':
      case 'port':
      case 'as': {
        if (this.isWord(this.peek(), 'in')) {
          this.next()
          const { values, nets, end } = this.list(key)
          const loc = { start: first.loc.start, end: end.end }
          const netTerms: TermNode[] = nets.map((n) => ({
            type: 'term',
            key: 'net',
            ...(dir ? { dir } : {}),
            op: '=',
            values: [n],
            list: false,
            loc,
          }))
          const items: Expr[] = [
            ...(values.length > 0 ? [node('=', values, true, end)] : []),
            ...netTerms,
          ]
          return items.length === 1 ? (items[0] as Expr) : { type: 'or', items, loc }
        }
        if (key === 'host') {
          const v = this.value('an IP address')
          return node('=', [readAddress(v, this.failer)], false, v.loc)
        }
        const op = this.op()
        const v = this.value('a number')
        return node(op, [readNumber(key, v, this.failer)], false, v.loc)
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
          return node('=', [readNetwork(v, this.failer, mask)], false, mask.loc)
        }
        return node('=', [readNetwork(v, this.failer)], false, v.loc)
      }
      case 'proto': {
        const v = this.value('a protocol')
        return node('=', [readProtocol(v, this.failer)], false, v.loc)
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
        return node(op, [readNumber(key, v, this.failer)], false, v.loc)
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

  /** A `[...]` list; for addresses, `a.b.c.d/len` entries are networks, kept apart. */
  private list(key: TermKey): { values: TermValue[]; nets: TermValue[]; end: Loc } {
    const open = this.next()
    if (open.kind !== '[') this.fail('syntax_error', 'expected "[" after "in"', open.loc)
    const values: TermValue[] = []
    const nets: TermValue[] = []
    for (;;) {
      const t = this.next()
      if (t.kind === ']') {
        if (values.length + nets.length === 0) this.fail('syntax_error', 'empty list', t.loc)
        return { values, nets, end: t.loc }
      }
      if (t.kind === ',') continue
      if (t.kind === 'eof') this.fail('syntax_error', 'expected "]" to close the list', t.loc)
      if (key === 'host' && t.kind === 'word' && t.text.includes('/')) {
        nets.push(readNetwork(t, this.failer))
      } else {
        values.push(key === 'host' ? readAddress(t, this.failer) : readNumber(key, t, this.failer))
      }
    }
  }
}

/** The same test with another direction (for `src and dst`, `src or dst`). */
function withDir(e: Expr, dir: TermDir): Expr {
  if (e.type === 'term') return { ...e, dir }
  if (e.type === 'not') return { ...e, item: withDir(e.item, dir) }
  if (e.type === 'and' || e.type === 'or')
    return { ...e, items: e.items.map((i) => withDir(i, dir)) }
  return e
}

function span(items: Expr[]): Loc {
  return { start: items[0]?.loc.start ?? 0, end: items[items.length - 1]?.loc.end ?? 0 }
}
