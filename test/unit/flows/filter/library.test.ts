import { describe, expect, it } from 'vitest'
import { checkFilterConfig, compileFilterChain } from '../../../../src/flows/filter'
import { readV5Fixture, selectRows } from './fixture-flows'

const seed = readV5Fixture('seed-all.ft')
const stage = (name: string, vars: Record<string, string> = {}) => ({
  kind: 'definition' as const,
  name,
  vars,
})

describe('built-in and caller definitions', () => {
  it('lets a caller config override a built-in definition of the same name', () => {
    const config =
      'filter-primitive only22\n  type ip-port\n  permit 22\nfilter-definition ip-addr\n  match ip-destination-port only22\n'
    const n = selectRows(seed, compileFilterChain({ config, stages: [stage('ip-addr')] })).length
    expect(n).toBe(233)
  })

  it('lets a caller definition use a built-in primitive', () => {
    const config =
      'filter-definition victim-out\n  match ip-source-address VAR_ADDR\n  match ip-protocol TCP\n'
    const pred = compileFilterChain({
      config,
      stages: [stage('victim-out', { ADDR: '189.22.36.165' })],
    })
    expect(selectRows(seed, pred).length).toBeGreaterThan(0)
  })

  it('finds definitions case-insensitively', () => {
    const n = selectRows(seed, compileFilterChain({ stages: [stage('ICMP')] })).length
    expect(n).toBe(4)
  })

  it('gives each stage its own variables', () => {
    const a = compileFilterChain({ stages: [stage('ip-src-addr', { ADDR: '189.22.36.165' })] })
    const b = compileFilterChain({ stages: [stage('ip-src-addr', { ADDR: '79.115.103.225' })] })
    const both = compileFilterChain({
      stages: [
        stage('ip-src-addr', { ADDR: '189.22.36.165' }),
        stage('ip-src-addr', { ADDR: '79.115.103.225' }),
      ],
    })
    expect(selectRows(seed, a).length).toBe(501)
    expect(selectRows(seed, b).length).toBeGreaterThan(0)
    expect(selectRows(seed, both)).toEqual([])
  })

  it('passes everything with no stage', () => {
    expect(selectRows(seed, compileFilterChain({ stages: [] })).length).toBe(1328)
  })
})

describe('checkFilterConfig (saved sets)', () => {
  it('accepts variables that will be set later, names included', () => {
    const summary = checkFilterConfig(
      'filter-primitive p\n  type ip-port\n  permit @PORTS\nfilter-definition @{NAME}\n  match ip-destination-port p\n',
    )
    expect(summary.primitives).toEqual(['p'])
    expect(summary.definitions).toHaveLength(1)
  })

  it('still refuses what no variable can fix', () => {
    expect(() =>
      checkFilterConfig('filter-primitive p\n  type ip-port\n  permit @PORTS\n  allow 1\n'),
    ).toThrow('Unexpected "allow".')
  })
})
