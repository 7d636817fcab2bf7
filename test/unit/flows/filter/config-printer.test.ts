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
