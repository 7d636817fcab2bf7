import { describe, expect, it } from 'vitest'
import {
  checkFilterConfig,
  compileFilterChain,
  FilterError,
  parseExpression,
  printExpression,
} from '../../../../src/flows/filter'
import { readV5Fixture } from './fixture-flows'

/** A small deterministic PRNG (LCG), so a failure can be replayed. */
function prng(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0
    return s / 2 ** 32
  }
}

const EXPR_WORDS = [
  'host',
  'src',
  'dst',
  'net',
  'port',
  'proto',
  'tcp',
  'udp',
  'icmp',
  'packets',
  'bytes',
  'duration',
  'flags',
  'S',
  'AF',
  'and',
  'or',
  'not',
  '!',
  '(',
  ')',
  '[',
  ']',
  'in',
  '>',
  '<=',
  '==',
  '80',
  '1k',
  '10.0.0.1',
  '10.0.0.0/8',
  '255.0.0.0',
  '::1',
  'as',
  'if',
  'tos',
  'mask',
  'any',
  'x',
  '#',
  ',',
  '&&',
  '||',
  '99999999999',
]
const CFG_WORDS = [
  'filter-primitive',
  'filter-definition',
  'type',
  'permit',
  'deny',
  'default',
  'mask',
  'match',
  'or',
  'invert',
  'ip-port',
  'ip-address',
  'counter',
  'time-date',
  'ip-address-prefix',
  'tag',
  'p',
  'd',
  'gt',
  '1',
  '22,80',
  '1-5',
  '!80',
  '10.1/16',
  '@{X:-1}',
  '@X',
  '@{',
  '0x10',
  'ge',
  'November',
  '9,',
  '2010',
  'ip-source-address',
  'packets',
  'start-time',
  '#',
  'ssh',
]

function soup(rnd: () => number, words: string[], n: number, sep: () => string): string {
  let out = ''
  for (let k = 0; k < n; k++) {
    const r = rnd()
    out +=
      r < 0.05
        ? String.fromCharCode(32 + Math.floor(rnd() * 95))
        : (words[Math.floor(rnd() * words.length)] ?? '')
    out += sep()
  }
  return out
}

// Whatever a caller sends, the parsers answer with a FilterError (a 422) or a working filter:
// never another exception, never a hang.
describe('random input', () => {
  const batch = readV5Fixture('random-v5-1k.ft')

  it('nfdump expressions: a FilterError or a filter that round-trips through its printer', () => {
    const rnd = prng(7)
    let ok = 0
    for (let k = 0; k < 3000; k++) {
      const text = soup(rnd, EXPR_WORDS, 1 + Math.floor(rnd() * 12), () => ' ')
      try {
        const printed = printExpression(parseExpression(text))
        expect(printExpression(parseExpression(printed))).toBe(printed)
        compileFilterChain({ stages: [{ kind: 'expression', text }] })(batch, 0)
        ok++
      } catch (e) {
        if (!(e instanceof FilterError)) throw new Error(`${String(e)} for ${JSON.stringify(text)}`)
        expect(e.line).toBeGreaterThan(0)
        expect(e.excerpt).toContain('^')
      }
    }
    expect(ok).toBeGreaterThan(5)
  })

  it('well-formed expressions print, re-parse and select the same flows', () => {
    const rnd = prng(3)
    const TERMS = [
      'host 172.16.1.10',
      'src port > 1024',
      'dst port in [22 53 443]',
      'proto udp',
      'packets > 1',
      'bytes <= 1000',
      'flags S',
      'net 172.16.0.0/16',
      'duration > 60000',
      'in if 1',
      'tos 0',
    ]
    const gen = (depth: number): string => {
      const r = rnd()
      if (depth > 3 || r < 0.35) return TERMS[Math.floor(rnd() * TERMS.length)] ?? 'any'
      if (r < 0.5) return `not ${gen(depth + 1)}`
      if (r < 0.65) return `(${gen(depth + 1)})`
      return `${gen(depth + 1)} ${rnd() < 0.5 ? 'and' : 'or'} ${gen(depth + 1)}`
    }
    for (let k = 0; k < 300; k++) {
      const text = gen(0)
      const printed = printExpression(parseExpression(text))
      const a = compileFilterChain({ stages: [{ kind: 'expression', text }] })
      const b = compileFilterChain({ stages: [{ kind: 'expression', text: printed }] })
      for (let i = 0; i < batch.length; i += 7)
        expect(b(batch, i), `${text} → ${printed}`).toBe(a(batch, i))
    }
  })

  it('configurations: a FilterError with a position, or a configuration that loads', () => {
    const rnd = prng(11)
    for (let k = 0; k < 2000; k++) {
      const text = soup(rnd, CFG_WORDS, 1 + Math.floor(rnd() * 30), () =>
        rnd() < 0.3 ? '\n' : ' ',
      )
      try {
        checkFilterConfig(text)
        compileFilterChain({
          config: text,
          stages: [{ kind: 'definition', name: 'd', vars: { X: '2' } }],
        })
      } catch (e) {
        if (!(e instanceof FilterError)) throw new Error(`${String(e)} for ${JSON.stringify(text)}`)
      }
    }
  })

  it('lines up the caret under tab-indented text', () => {
    try {
      compileFilterChain({
        config: 'filter-primitive p\n\ttype ip-port\n\tpermit 22 23\n',
        stages: [{ kind: 'definition', name: 'p', vars: {} }],
      })
    } catch (e) {
      expect((e as FilterError).excerpt).toBe(
        '2 | \ttype ip-port\n3 | \tpermit 22 23\n  | \t          ^^\n',
      )
    }
    expect.assertions(1)
  })
})
