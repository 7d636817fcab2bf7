import { describe, expect, it } from 'vitest'
import {
  compileFilterChain,
  expressionToNfilter,
  parseExpression,
} from '../../../../src/flows/filter'
import { createFlowBatch, type FlowBatch } from '../../../../src/flows/flow-batch'
import { V5_FIELDS } from '../../../../src/flows/record-layouts'
import { selectRows } from './fixture-flows'

// nfdump forms users carry over (flow-tools.md §8): networks in an address list, `src and dst` /
// `src or dst` directions, and `flow` for `flows`. Each is checked on flows and through the
// flow-nfilter translation, which must pick the same ones.

const ip = (text: string) => text.split('.').reduce((n, o) => n * 256 + Number(o), 0)

/** src → dst pairs, ports 1000+i → 80. */
const PAIRS = [
  ['10.1.1.1', '10.2.2.2'], // both inside 10/8
  ['10.1.1.1', '192.0.2.7'], // src inside
  ['198.51.100.9', '10.2.2.2'], // dst inside
  ['198.51.100.9', '192.0.2.7'], // neither
  ['192.0.2.1', '198.51.100.9'], // src is the listed host
] as const

function flows(): FlowBatch {
  const b = createFlowBatch(PAIRS.length, V5_FIELDS)
  PAIRS.forEach(([src, dst], i) => {
    b.cols.srcaddr[i] = ip(src)
    b.cols.dstaddr[i] = ip(dst)
    b.cols.prot[i] = 6
    b.cols.srcport[i] = 1000 + i
    b.cols.dstport[i] = 80
    b.cols.dpkts[i] = 1
  })
  b.length = PAIRS.length
  return b
}

function passed(text: string): number[] {
  return selectRows(flows(), compileFilterChain({ stages: [{ kind: 'expression', text }] }))
}

function passedViaNfilter(text: string): number[] {
  const { config, definition } = expressionToNfilter(parseExpression(text), 'x')
  const chain = compileFilterChain({
    config,
    stages: [{ kind: 'definition', name: definition, vars: {} }],
  })
  return selectRows(flows(), chain)
}

describe('nfdump forms', () => {
  it.each([
    ['ip in [10.0.0.0/8 192.0.2.1]', [0, 1, 2, 4]],
    ['src ip in [10.0.0.0/8, 192.0.2.1]', [0, 1, 4]],
    ['dst host in [10.0.0.0/8]', [0, 2]],
    ['src and dst net 10.0.0.0/8', [0]],
    ['src or dst net 10.0.0.0/8', [0, 1, 2]],
    ['not src and dst net 10.0.0.0/8', [1, 2, 3, 4]],
    ['src and dst ip in [10.0.0.0/8]', [0]],
    ['src or dst port 1001', [1]],
    ['src && dst net 10.0.0.0/8', [0]],
    ['src || dst net 10.0.0.0/8', [0, 1, 2]],
  ])('%s', (text, expected) => {
    expect(passed(text)).toEqual(expected)
    expect(passedViaNfilter(text)).toEqual(expected)
  })

  it('reads `flow` as `flows`', () => {
    expect(parseExpression('flow > 1')).toEqual({
      ...parseExpression('flows > 1'),
      loc: { start: 0, end: 8 },
    })
  })

  it('says a keyword is missing after a direction at the end', () => {
    expect(() => parseExpression('src and dst')).toThrow(/expected a keyword after "dst"/)
  })

  it('refuses `src and dst` before a keyword without directions', () => {
    expect(() => parseExpression('src and dst proto tcp')).toThrow(/"dst" cannot qualify "proto"/)
  })
})
