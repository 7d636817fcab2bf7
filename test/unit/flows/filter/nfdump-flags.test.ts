import { describe, expect, it } from 'vitest'
import {
  compileFilterChain,
  expressionToNfilter,
  parseExpression,
} from '../../../../src/flows/filter'
import { createFlowBatch, type FlowBatch } from '../../../../src/flows/flow-batch'
import { V5_FIELDS } from '../../../../src/flows/record-layouts'
import { selectRows } from './fixture-flows'

// nfdump's `not` toggles an invert bit on every test below it, and an inverted flags test asks
// whether ANY listed flag is set (nftree.c RunExtendedFilter, CMP_FLAGS), before the `not`s negate
// the result. So a flags test under an odd number of `not`s is "any of", under an even number
// "all of", wherever the `not`s are.

/** TCP flows to port 22 with flags: none, SYN, ACK, SYN+ACK, FIN+ACK. */
const FLAGS = [0x00, 0x02, 0x10, 0x12, 0x11]
function flows(): FlowBatch {
  const b = createFlowBatch(FLAGS.length, V5_FIELDS)
  FLAGS.forEach((f, i) => {
    b.cols.tcp_flags[i] = f
    b.cols.prot[i] = 6
    b.cols.dstport[i] = 22
    b.cols.srcport[i] = 40000 + i
    b.cols.dpkts[i] = 1
  })
  b.length = FLAGS.length
  return b
}

/** The flags of the flows an expression passes. */
function passed(text: string): number[] {
  const rows = selectRows(flows(), compileFilterChain({ stages: [{ kind: 'expression', text }] }))
  return rows.map((i) => FLAGS[i] as number)
}

describe('nfdump flags under not', () => {
  it.each([
    // Not inverted: all listed flags set.
    ['flags SA', [0x12]],
    ['flags A', [0x10, 0x12, 0x11]],
    // Once inverted: none of the listed flags set.
    ['not flags SA', [0x00]],
    ['not (flags SA)', [0x00]],
    ['not (flags SA or port 80)', [0x00]],
    ['not (flags SA and proto tcp)', [0x00]],
    ['not (proto udp or flags SF)', [0x00, 0x10]],
    // Twice inverted: all listed set again.
    ['not not flags SA', [0x12]],
    ['not (port 80 or not flags SA)', [0x12]],
    ['flags S and not flags AFRPU', [0x02]],
  ])('%s', (text, expected) => {
    expect(passed(text)).toEqual(expected)
    // The flow-nfilter translation selects the same flows.
    const { config, definition } = expressionToNfilter(parseExpression(text), 'x')
    const viaConfig = compileFilterChain({
      config,
      stages: [{ kind: 'definition', name: definition, vars: {} }],
    })
    expect(selectRows(flows(), viaConfig).map((i) => FLAGS[i])).toEqual(expected)
  })
})
