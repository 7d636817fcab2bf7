import { describe, expect, it } from 'vitest'
import { compileFilter } from '../../../src/flows/filter'
import { generate } from './helpers'

/** The text with the generator's comment header (the `# ` lines before the config) left out. */
function configOf(text: string): string {
  return text
    .split('\n')
    .filter((l) => !l.startsWith('#'))
    .join('\n')
}

describe('flow-filter-expression with a constant result', () => {
  it('says that an IPv6-only expression passes no flow (the analyzer agrees: no match line)', async () => {
    const text = await generate('flow-filter-expression', {
      expression: 'host 2001:db8::1',
      name: 'v6',
    })
    expect(text).toContain('# note: the expression is never true here')
    expect(configOf(text).trim()).toBe('filter-definition v6')
    const { stages } = compileFilter({
      config: configOf(text),
      stages: [{ kind: 'definition', name: 'v6', vars: {} }],
    })
    expect(stages[0]).toMatchObject({ type: 'const', value: false })
  })

  it('says that any (or not inet6) passes every flow', async () => {
    for (const expression of ['any', 'not inet6']) {
      const text = await generate('flow-filter-expression', { expression })
      expect(text).toContain('# note: the expression is always true here')
      expect(configOf(text)).toContain('  invert')
    }
  })

  it('adds no note to an expression that tests a field', async () => {
    const text = await generate('flow-filter-expression', {
      expression: 'host 2001:db8::1 or port 80',
    })
    expect(text).not.toContain('# note')
    expect(text).toContain('  match ip-source-port')
  })
})
