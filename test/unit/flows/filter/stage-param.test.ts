import { describe, expect, it } from 'vitest'
import { FilterError, parseDefinitionStage } from '../../../../src/flows/filter'

describe('parseDefinitionStage reads def=NAME:VAR=value,...', () => {
  it.each([
    ['ip-addr', { name: 'ip-addr', vars: {} }],
    ['ip-addr:ADDR=189.22.36.165', { name: 'ip-addr', vars: { ADDR: '189.22.36.165' } }],
    ['p:PORTS=22,6667,7000,PROT=6', { name: 'p', vars: { PORTS: '22,6667,7000', PROT: '6' } }],
    ['t:T=12:00:00', { name: 't', vars: { T: '12:00:00' } }],
    ['d:A=1,A=2', { name: 'd', vars: { A: '2' } }],
    ['d:EMPTY=', { name: 'd', vars: { EMPTY: '' } }],
  ])('%s', (text, want) => {
    expect(parseDefinitionStage(text)).toEqual({ kind: 'definition', ...want })
  })

  it.each([
    ['', 1],
    [':ADDR=1', 1],
    ['d:MY_VAR=1', 3],
    ['d:ADDR', 3],
  ])('refuses %s, pointing at column %i', (text, column) => {
    try {
      parseDefinitionStage(text)
      throw new Error('expected an error')
    } catch (e) {
      expect(e).toBeInstanceOf(FilterError)
      expect((e as FilterError).code).toBe('bad_stage')
      expect((e as FilterError).column).toBe(column)
    }
  })

  it('refuses __proto__ (names are alphanumeric), so vars stay plain data', () => {
    expect(() => parseDefinitionStage('d:__proto__=1')).toThrow(FilterError)
  })
})
