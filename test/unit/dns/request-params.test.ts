import { describe, expect, it } from 'vitest'
import { DnsParamError, DomainNotFoundError } from '../../../src/dns/errors'
import { parsePorts } from '../../../src/dns/reach-ports'
import { typesFromParam } from '../../../src/dns/record-types'
import { ResolverChoiceError } from '../../../src/dns/resolvers'
import { domainProblem } from '../../../src/http/domain-errors'

const byDefault = () => ['A' as const, 'AAAA' as const]

function problemOf(run: () => unknown) {
  try {
    run()
  } catch (err) {
    const p = domainProblem(err)
    if (p) return p
    throw err
  }
  throw new Error('accepted')
}

describe('typesFromParam', () => {
  it('reads a repeated type as one list, like a JSON array', () => {
    expect(typesFromParam(['A', 'mx,A'], byDefault)).toEqual(['A', 'MX'])
    expect(typesFromParam('A,AAAA', byDefault)).toEqual(['A', 'AAAA'])
    expect(typesFromParam(undefined, byDefault)).toEqual(['A', 'AAAA'])
  })
  it('refuses a value over 100 characters without echoing it', () => {
    const p = problemOf(() => typesFromParam('X'.repeat(35_000), byDefault))
    expect(p).toMatchObject({ status: 422, code: 'type_too_long' })
    expect(p.detail).toBe('type is 35000 characters long; at most 100 are allowed (e.g. A,AAAA,MX)')
    expect(JSON.stringify(p).length).toBeLessThan(400)
  })
  it('names unknown types with a code, each cut to a short prefix', () => {
    const p = problemOf(() => typesFromParam(`A,HTTPS,${'Z'.repeat(90)}`, byDefault))
    expect(p).toMatchObject({ status: 422, code: 'unknown_type' })
    expect(p.detail).toContain(`'HTTPS', '${'Z'.repeat(20)}…'`)
    expect(p.detail).not.toContain('Z'.repeat(21))
    expect(p.errors).toEqual([
      { path: 'type', message: `unknown type: 'HTTPS', '${'Z'.repeat(20)}…'` },
    ])
  })
  it('refuses a type with nothing in it, with a code', () =>
    expect(problemOf(() => typesFromParam([' , '], byDefault)).code).toBe('empty_type'))
})

describe('parsePorts', () => {
  it('takes 1 to 4 ports', () => expect(parsePorts('80,443')).toEqual([80, 443]))
  it('drops repeated ports, keeping the order', () => {
    expect(parsePorts('80,80')).toEqual([80])
    expect(parsePorts('443,80,443,80')).toEqual([443, 80])
  })
  it('refuses bad lists and out-of-range ports with a code', () => {
    expect(problemOf(() => parsePorts('80;443'))).toMatchObject({ status: 422, code: 'bad_ports' })
    expect(problemOf(() => parsePorts('1,2,3,4,5')).code).toBe('bad_ports')
    const p = problemOf(() => parsePorts('80,99999'))
    expect(p).toMatchObject({
      code: 'port_out_of_range',
      detail: 'port 99999 is out of range 1-65535',
    })
    expect(p.errors).toEqual([{ path: 'ports', message: 'out of range' }])
  })
})

describe('DNS problems carry a code', () => {
  it('gives a refused resolver its rule as the code', () => {
    const p = domainProblem(
      new ResolverChoiceError('not_https', 'a custom resolver must be an https URL'),
    )
    expect(p).toMatchObject({ type: '/problems/invalid-resolver', status: 422, code: 'not_https' })
  })
  it('maps a parameter error and a missing domain to 422s', () => {
    expect(domainProblem(new DnsParamError('bad_ports', 'ports', 'x', 'y'))).toMatchObject({
      status: 422,
      code: 'bad_ports',
    })
    expect(
      domainProblem(new DomainNotFoundError('missing.test.', 'missing.test. AAAA')),
    ).toMatchObject({
      type: '/problems/domain-not-found',
      status: 422,
      code: 'nxdomain',
      domain: 'missing.test.',
    })
  })
})
