import { describe, expect, it } from 'vitest'
import { compileFilterChain } from '../../../../src/flows/filter'
import {
  EXPECTED,
  expectedRows,
  fixtureText,
  printLines,
  readV5Fixture,
  selectRows,
} from './fixture-flows'

const FILES = ['seed-all', 'random-v5-1k'] as const
const SEMANTICS = fixtureText('semantics-filter.cfg')

// flow-nfilter -f semantics-filter.cfg -F tNN < F | flow-print -f 5: every probe definition,
// compared line by line with the real tool's output (expected/semantics/).
describe.each(FILES)('semantics-filter.cfg on %s', (file) => {
  const batch = readV5Fixture(`${file}.ft`)
  const lines = printLines(file, 'f5')
  const probes = Object.entries(EXPECTED[file].semantics)
  it('has the expected number of flows', () => {
    expect(batch.length).toBe(lines.length)
  })
  it.each(probes)('%s passes the same flows as flow-nfilter', (name, expected) => {
    const pred = compileFilterChain({
      config: SEMANTICS,
      stages: [{ kind: 'definition', name, vars: {} }],
    })
    const got = selectRows(batch, pred).map((i) => lines[i])
    expect(got.length).toBe(expected.count)
    expect(got).toEqual(expectedRows(expected).map((i) => lines[i]))
  })
})
