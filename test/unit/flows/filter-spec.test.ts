import { describe, expect, it } from 'vitest'
import {
  buildFilterSpec,
  FilterParamError,
  parseDefinitionParam,
} from '../../../src/flows/filter-spec'

describe('def= parameters', () => {
  it('def=ip-addr:ADDR=189.22.36.165', () => {
    expect(parseDefinitionParam('ip-addr:ADDR=189.22.36.165')).toEqual({
      kind: 'definition',
      name: 'ip-addr',
      vars: { ADDR: '189.22.36.165' },
    })
  })

  it('def=ip-port:PORT=22,6667,7000,PROT=6 keeps the list in PORT', () => {
    expect(parseDefinitionParam('ip-port:PORT=22,6667,7000,PROT=6')).toMatchObject({
      vars: { PORT: '22,6667,7000', PROT: '6' },
    })
  })

  it('def=tcp has no variables', () => {
    expect(parseDefinitionParam('tcp')).toEqual({ kind: 'definition', name: 'tcp', vars: {} })
  })

  it('rejects a variable name that flow-nfilter cannot expand and a value without a name', () => {
    expect(() => parseDefinitionParam('ip-addr:MY_VAR=1')).toThrow(FilterParamError)
    expect(() => parseDefinitionParam('ip-addr:1.2.3.4')).toThrow(/is not VAR=value/)
    expect(() => parseDefinitionParam('bad name')).toThrow(FilterParamError)
  })

  it('chains definitions in order, then the expression', () => {
    const spec = buildFilterSpec(
      ['ip-addr:ADDR=1.2.3.4', 'not-ip-port:PORT=80'],
      'port 22',
      'filter-primitive x',
    )
    expect(spec.stages.map((s) => (s.kind === 'definition' ? s.name : s.text))).toEqual([
      'ip-addr',
      'not-ip-port',
      'port 22',
    ])
    expect(spec.config).toBe('filter-primitive x')
  })

  it('ignores an empty expression', () => {
    expect(buildFilterSpec([], '  ', undefined)).toEqual({ stages: [] })
  })
})
