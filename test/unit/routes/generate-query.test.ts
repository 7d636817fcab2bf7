import { describe, expect, it } from 'vitest'
import { findGenerator } from '../../../src/generators/registry'
import { ProblemError } from '../../../src/http/problem'
import { queryToInput, topLevelFields } from '../../../src/routes/generate-query'

function schemaOf(kind: string) {
  const g = findGenerator(kind)
  if (!g) throw new Error(kind)
  return g.schema
}

describe('queryToInput', () => {
  it('converts numbers, booleans, repeated and comma-separated arrays by the field type', () => {
    expect(
      queryToInput(
        schemaOf('resolv-conf'),
        {
          nameservers: ['::1,192.0.2.1', '2001:db8::53'],
          ndots: ['2'],
          rotate: ['yes'],
          format: ['json'],
        },
        ['format'],
      ),
    ).toEqual({ nameservers: ['::1', '192.0.2.1', '2001:db8::53'], ndots: 2, rotate: true })
  })

  it('leaves a non-numeric number as text so the schema names the field', () => {
    expect(queryToInput(schemaOf('freebsd'), { mtu: ['1480x'] }, [])).toEqual({ mtu: '1480x' })
    expect(() => findGenerator('freebsd')?.prepare({ mtu: '1480x' })).toThrow(/mtu/)
  })

  it('converts the union of number literals (phase) to a number', () => {
    expect(queryToInput(schemaOf('modsecurity'), { phase: ['2'] }, [])).toEqual({ phase: 2 })
  })

  it('parses JSON for object-valued fields', () => {
    expect(
      queryToInput(
        schemaOf('smokeping'),
        { targets: ['{"children":[]}'], general: ['{"owner":"me"}'] },
        [],
      ),
    ).toEqual({ targets: { children: [] }, general: { owner: 'me' } })
  })

  it('refuses an unknown parameter, __proto__ included', () => {
    for (const key of ['locl', '__proto__', 'constructor']) {
      expect(() => queryToInput(schemaOf('freebsd'), { [key]: ['1'] }, [])).toThrow(ProblemError)
    }
  })

  it('sees the fields of both sides of an intersection (freebsd adds style)', () => {
    expect(Object.keys(topLevelFields(schemaOf('freebsd')))).toEqual(
      expect.arrayContaining(['localIpv4', 'interface', 'mtu', 'style']),
    )
  })
})
