import { describe, expect, it } from 'vitest'
import { compileFilterChain, parseConfig, printConfig } from '../../../../src/flows/filter'
import { fixtureText, readV5Fixture, selectRows } from './fixture-flows'

const SEMANTICS = fixtureText('semantics-filter.cfg')

describe('printConfig', () => {
  const printed = printConfig(parseConfig(SEMANTICS).config)

  it('is stable: printing the printed configuration changes nothing', () => {
    expect(printConfig(parseConfig(printed).config)).toBe(printed)
  })

  it('normalises a primitive (lower-case keywords, one value list per action)', () => {
    const text =
      'FILTER-PRIMITIVE P\n\tTYPE ip-port\n\tpermit 22,ssh\n\tdeny !80\n\tDEFAULT permit\n'
    expect(printConfig(parseConfig(text).config)).toBe(
      'filter-primitive P\n  type ip-port\n  permit 22,22\n  permit 80\n  default permit\n',
    )
  })

  it('spreads a long value list over lines flow-nfilter can read (at most 1024 bytes)', () => {
    const ports = Array.from({ length: 300 }, (_, i) => 10_000 + 3 * i)
    // 15 lines of 20 values: the printer joins a run of one action, 1,800 bytes on one line
    // before, which flow-nfilter (and edgeping's own parser) refuse past 1024.
    const lines20 = Array.from({ length: 15 }, (_, k) => ports.slice(20 * k, 20 * k + 20))
    const text = `filter-primitive P\n  type ip-port\n${lines20.map((l) => `  permit ${l.join(',')}\n`).join('')}`
    const out = printConfig(parseConfig(text).config)
    const lines = out.split('\n')
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(80)
    const reparsed = parseConfig(out).config.primitives[0]
    const values = reparsed?.rules.flatMap((r) =>
      r.kind === 'values' ? r.items.map((it) => it.lo) : [],
    )
    expect(values).toEqual(ports)
  })

  // The printed text means the same as the original on every probe.
  const batch = readV5Fixture('seed-all.ft')
  const names = parseConfig(SEMANTICS).config.definitions.map((d) => d.name)
  it.each(names)('%s selects the same flows after printing', (name) => {
    const stage = [{ kind: 'definition' as const, name, vars: {} }]
    const a = selectRows(batch, compileFilterChain({ config: SEMANTICS, stages: stage }))
    const b = selectRows(batch, compileFilterChain({ config: printed, stages: stage }))
    expect(b).toEqual(a)
  })
})
