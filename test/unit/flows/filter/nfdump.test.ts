import { describe, expect, it } from 'vitest'
import {
  compileFilterChain,
  expressionToNfilter,
  FilterError,
  parseExpression,
  printExpression,
} from '../../../../src/flows/filter'
import { readV5Fixture, selectRows } from './fixture-flows'

const seed = readV5Fixture('seed-all.ft')
const random = readV5Fixture('random-v5-1k.ft')

function count(batch: typeof seed, text: string): number {
  return selectRows(batch, compileFilterChain({ stages: [{ kind: 'expression', text }] })).length
}

describe('print(parse(q)) gives the normalised query', () => {
  it.each([
    ['host 189.22.36.165', 'host 189.22.36.165'],
    ['HOST 189.22.36.165 AND NOT PORT 80', 'host 189.22.36.165 and not port 80'],
    ['ip 10.0.0.1', 'host 10.0.0.1'],
    ['src host 10.0.0.1 or dst host 10.0.0.2', 'src host 10.0.0.1 or dst host 10.0.0.2'],
    ['net 10.1.2.3/8', 'net 10.0.0.0/8'],
    ['src net 172.16.0.0 255.240.0.0', 'src net 172.16.0.0/12'],
    ['port == 80', 'port 80'],
    ['src port gt 1024', 'src port > 1024'],
    ['dst port in [22, 80 443]', 'dst port in [22 80 443]'],
    ['proto TCP', 'proto tcp'],
    ['proto 17', 'proto 17'],
    ['packets >= 2 && bytes < 1k', 'packets >= 2 and bytes < 1000'],
    ['duration > 60000', 'duration > 60000'],
    ['flags sa', 'flags SA'],
    ['(port 80 or port 443) and host 10.0.0.1', '(port 80 or port 443) and host 10.0.0.1'],
    ['port 80 or port 443 and host 10.0.0.1', 'port 80 or port 443 and host 10.0.0.1'],
    ['not (port 80 or port 443)', 'not (port 80 or port 443)'],
    [
      '!port 80 || !(host 10.0.0.1 && proto udp)',
      'not port 80 or not (host 10.0.0.1 and proto udp)',
    ],
    ['((port 80))', 'port 80'],
    ['in if 2 and out if 3', 'in if 2 and out if 3'],
    ['router ip 10.0.0.1', 'router ip 10.0.0.1'],
    ['host 2001:DB8::1', 'host 2001:db8::1'],
    ['src as in [64512 64513] # private ASes', 'src as in [64512 64513]'],
  ])('%s', (query, normalised) => {
    expect(printExpression(parseExpression(query))).toBe(normalised)
    // Normalising twice changes nothing.
    expect(printExpression(parseExpression(normalised))).toBe(normalised)
  })
})

describe('nfdump expressions on the seed scenario', () => {
  it.each([
    // flow-tools.md §10: nfdump's own figures on the same flows.
    ['host 189.22.36.165', 874],
    ['host 189.22.36.165 and not port 80', 592],
    ['host 189.22.36.165 and not port 80 and packets > 1', 554],
    ['port 6667', 92],
    ['port 7000', 10],
    // §8: all listed flags must be set; `not flags` means none of them is set (nfdump's
    // inverted flags test), so SYN only = t20 of the semantics probes.
    ['flags S', 1005],
    ['flags SA', 794],
    ['flags S and not flags AFRPU', 211],
    // §10 stock filter counts.
    ['proto icmp', 4],
    ['proto udp', 180],
    ['proto tcp', 1144],
    ['proto tcp or proto udp', 1324],
    ['src host 189.22.36.165', 501],
    ['dst port 22', 233],
    ['packets > 1', 952],
    ['src net 189.22.36.0/24', 728],
    ['any', 1328],
    ['inet6', 0],
    ['host 2001:db8::1', 0],
  ])('%s passes %i flows', (q, n) => {
    expect(count(seed, q)).toBe(n)
  })

  it('answers the intrusion question: port 6667 or 7000 first appears on 2010-11-09', () => {
    const rows = selectRows(
      seed,
      compileFilterChain({ stages: [{ kind: 'expression', text: 'port 6667 or port 7000' }] }),
    )
    const c = seed.cols
    const firstSecs = Math.min(...rows.map((i) => c.unix_secs[i] ?? 0))
    expect(new Date(firstSecs * 1000).toISOString().slice(0, 10)).toBe('2010-11-09')
  })

  it('agrees with ip-addr 172.16.1.10 on the random file', () => {
    const nf = compileFilterChain({
      stages: [{ kind: 'definition', name: 'ip-addr', vars: { ADDR: '172.16.1.10' } }],
    })
    expect(count(random, 'host 172.16.1.10')).toBe(selectRows(random, nf).length)
  })
})

describe('nfdump expression errors', () => {
  function errorOf(text: string): FilterError {
    try {
      parseExpression(text)
    } catch (e) {
      if (e instanceof FilterError) return e
      throw e
    }
    throw new Error('expected a FilterError')
  }

  it('names an unknown field with its position and a caret', () => {
    const e = errorOf('host 10.0.0.1 and colour red')
    expect(e.code).toBe('unknown_field')
    expect(e.source).toBe('expression')
    expect([e.line, e.column]).toEqual([1, 19])
    expect(e.excerpt).toBe('1 | host 10.0.0.1 and colour red\n  |                   ^^^^^^\n')
  })

  it.each([
    ['host', 'syntax_error'],
    ['(port 80', 'syntax_error'],
    ['port 80 port 443', 'syntax_error'],
    ['port 70000', 'value_out_of_range'],
    ['host example.com', 'bad_value'],
    ['net 10.0.0.0/33', 'bad_value'],
    ['flags SYN', 'bad_value'],
    ['proto nosuch', 'bad_value'],
    ['in host 10.0.0.1', 'syntax_error'],
    ['port 80 $', 'syntax_error'],
    ['', 'syntax_error'],
    ['('.repeat(100), 'too_deep'],
  ])('%s is refused with %s', (text, code) => {
    expect(errorOf(text).code).toBe(code)
  })

  it('reports the line of a multi-line expression', () => {
    const e = errorOf('host 10.0.0.1\nand port x')
    expect([e.line, e.column]).toEqual([2, 10])
  })
})

// The nfdump → filter.cfg translation: compiling the generated definition must select exactly
// what the expression selects, on both fixture files.
describe('expressionToNfilter', () => {
  it.each([
    'host 189.22.36.165',
    'host 189.22.36.165 and not port 80',
    'host 189.22.36.165 and not port 80 and packets > 1',
    'not (host 189.22.36.165 or host 172.16.1.10)',
    'src net 172.16.0.0/16 and dst port in [22 53 443]',
    'port > 1024 and port < 2048',
    'flags S and not flags AFRPU',
    'not (flags SA or not flags R)',
    'proto icmp or (proto udp and dst port 53)',
    'not packets > 1 or bytes >= 10000',
    'duration > 60000 or pps > 10',
    'not (src port 80 and dst as 0) and in if 1',
    'icmp-type 8',
    'tos 0 and engine-id 0 and dst mask 24',
    'router ip 10.0.0.1 and not next ip 189.22.36.1',
    'any',
    'not any',
  ])('%s', (text) => {
    const { config, definition } = expressionToNfilter(parseExpression(text), 'from-nfdump')
    const viaConfig = compileFilterChain({
      config,
      stages: [{ kind: 'definition', name: definition, vars: {} }],
    })
    const direct = compileFilterChain({ stages: [{ kind: 'expression', text }] })
    for (const batch of [seed, random]) {
      expect(selectRows(batch, viaConfig)).toEqual(selectRows(batch, direct))
    }
  })

  it('writes readable flow-nfilter text', () => {
    const { config } = expressionToNfilter(
      parseExpression('host 189.22.36.165 and not port 80'),
      'suspect',
    )
    expect(config).toMatchInlineSnapshot(`
      "filter-primitive suspect-1
        type ip-address
        permit 189.22.36.165

      filter-primitive suspect-2
        type ip-port
        deny 80
        default permit

      filter-definition suspect
        match ip-source-address suspect-1
        match ip-source-port suspect-2
        match ip-destination-port suspect-2
        or
        match ip-destination-address suspect-1
        match ip-source-port suspect-2
        match ip-destination-port suspect-2
      "
    `)
  })
})
