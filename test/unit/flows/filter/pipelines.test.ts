import { describe, expect, it } from 'vitest'
import { compileFilterChain, type FilterSpec, type FilterStage } from '../../../../src/flows/filter'
import {
  EXPECTED,
  expectedRows,
  fixtureText,
  printLines,
  readV5Fixture,
  selectRows,
} from './fixture-flows'

const EXTENDED = fixtureText('filter-extended.cfg')
const CUSTOM = fixtureText('custom-filter.cfg')
const VICTIM = '189.22.36.165'
const def = (name: string, vars: Record<string, string> = {}): FilterStage => ({
  kind: 'definition',
  name,
  vars,
})

// The seed's investigation pipelines (expected/pipelines/), with the built-in definitions (no
// config sent) and, where flow-nfilter used a file, with that file as `config`.
const SEED: [string, FilterSpec][] = [
  ['ip-addr', { stages: [def('ip-addr', { ADDR: VICTIM })] }],
  ['ip-addr.f5', { config: EXTENDED, stages: [def('ip-addr', { ADDR: VICTIM })] }],
  ['not-ip-port-80', { stages: [def('not-ip-port', { PORT: '80' })] }],
  [
    'ip-addr_not-ip-port-80',
    { stages: [def('ip-addr', { ADDR: VICTIM }), def('not-ip-port', { PORT: '80' })] },
  ],
  ['ip-port-6667', { stages: [def('ip-port', { PORT: '6667' })] }],
  ['ip-port-7000', { stages: [def('ip-port', { PORT: '7000' })] }],
  ['custom-not-victim-web', { config: CUSTOM, stages: [def('not-victim-web')] }],
  ['custom-packets-gt-1', { config: CUSTOM, stages: [def('packets-gt-1')] }],
  [
    'ip-addr_custom-not-victim-web_packets-gt-1',
    {
      config: CUSTOM,
      stages: [def('ip-addr', { ADDR: VICTIM }), def('not-victim-web'), def('packets-gt-1')],
    },
  ],
  ['stock-ip-src-addr', { stages: [def('ip-src-addr', { ADDR: VICTIM })] }],
  ['stock-ip-dst-port-22', { stages: [def('ip-dst-port', { PORT: '22' })] }],
  ['stock-icmp', { stages: [def('icmp')] }],
  ['stock-udp', { stages: [def('udp')] }],
  ['stock-mcast', { stages: [def('mcast')] }],
  ['stock-ip-prot-unset-var', { stages: [def('ip-prot')] }],
]

const RANDOM: [string, FilterSpec][] = [
  ['ip-addr-172.16.1.10', { stages: [def('ip-addr', { ADDR: '172.16.1.10' })] }],
  ['not-ip-port-443', { stages: [def('not-ip-port', { PORT: '443' })] }],
  ['packets-gt-1', { config: CUSTOM, stages: [def('packets-gt-1')] }],
  ['stock-mcast', { stages: [def('mcast')] }],
]

describe.each([
  ['seed-all', SEED],
  ['random-v5-1k', RANDOM],
] as const)('the flow-tools pipelines on %s', (file, cases) => {
  const batch = readV5Fixture(`${file}.ft`)
  it.each(cases)('%s passes the same flows as flow-nfilter', (name, spec) => {
    const expected = EXPECTED[file].pipelines[name]
    if (!expected) throw new Error(`no expectation ${name}`)
    const lines = printLines(file, name.endsWith('.f5') ? 'f5' : 'default')
    const got = selectRows(batch, compileFilterChain(spec)).map((i) => lines[i])
    expect(got).toEqual(expectedRows(expected).map((i) => lines[i]))
  })
})

describe('flow counts of the stock definitions on seed-all', () => {
  const batch = readV5Fixture('seed-all.ft')
  it.each([
    ['tcp', 'stock-tcp-count'],
    ['udptcp', 'stock-udptcp-count'],
  ])('-F %s passes as many flows as flow-nfilter', (name, key) => {
    const n = selectRows(batch, compileFilterChain({ stages: [def(name)] })).length
    expect(n).toBe(EXPECTED['seed-all'].counts[key])
  })

  it('chains ip-addr → not-ip-port 80 → packets-gt-1 to the 554 flows of the reference', () => {
    const spec: FilterSpec = {
      config: CUSTOM,
      stages: [
        def('ip-addr', { ADDR: VICTIM }),
        def('not-ip-port', { PORT: '80' }),
        def('packets-gt-1'),
      ],
    }
    expect(selectRows(batch, compileFilterChain(spec)).length).toBe(554)
  })

  it('chains the same definition twice with two different variables', () => {
    const spec: FilterSpec = {
      stages: [def('ip-addr', { ADDR: VICTIM }), def('ip-addr', { ADDR: '79.115.103.225' })],
    }
    const rows = selectRows(batch, compileFilterChain(spec))
    const c = batch.cols
    expect(rows.length).toBeGreaterThan(0)
    const victim = 0xbd1624a5
    const attacker = (79 * 2 ** 24 + 115 * 2 ** 16 + 103 * 256 + 225) >>> 0
    for (const i of rows) {
      const pair = [c.srcaddr[i], c.dstaddr[i]]
      expect(pair).toContain(victim)
      expect(pair).toContain(attacker)
    }
  })
})

// expected/semantics/vars: how `-v` variables expand (flow-tools.md §5.2).
describe('variables', () => {
  const batch = readV5Fixture('seed-all.ft')
  const lines = printLines('seed-all', 'default')
  const vars = EXPECTED['seed-all'].vars ?? {}
  const cases: [string, FilterSpec][] = [
    [
      'at-var-no-braces',
      {
        config:
          'filter-primitive p\n  type ip-address\n  permit @ADDR\nfilter-definition d\n  match ip-source-address p\n',
        stages: [def('d', { ADDR: '129.82.138.38' })],
      },
    ],
    ['default-used', { config: EXTENDED, stages: [def('ip-addr')] }],
    [
      'var-in-definition-name',
      {
        config:
          'filter-primitive p\n  type ip-port\n  permit 22\nfilter-definition @{NAME:-x}\n  match ip-destination-port p\n',
        stages: [def('ssh', { NAME: 'ssh' })],
      },
    ],
    [
      'multiple-ports-one-var',
      {
        config:
          'filter-primitive p\n  type ip-port\n  permit @{PORTS:-0}\nfilter-definition d\n  match ip-destination-port p\n',
        stages: [def('d', { PORTS: '22,6667,7000' })],
      },
    ],
  ]
  it.each(cases)('%s behaves as in flow-nfilter', (name, spec) => {
    const expected = vars[name]
    if (!expected) throw new Error(`no expectation ${name}`)
    const got = selectRows(batch, compileFilterChain(spec)).map((i) => lines[i])
    expect(got).toEqual(expectedRows(expected).map((i) => lines[i]))
  })
})
