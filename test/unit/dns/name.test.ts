import { describe, expect, it } from 'vitest'
import { DnsNameError } from '../../../src/dns/errors'
import { normalizeName, reverseName } from '../../../src/dns/name'

function nameError(input: string): string {
  try {
    normalizeName(input)
  } catch (err) {
    if (err instanceof DnsNameError) return err.code
    throw err
  }
  throw new Error(`${input} was accepted`)
}

describe('normalizeName', () => {
  it('strips the trailing dot and keeps the case', () => {
    expect(normalizeName('WWW.Example.com.')).toBe('WWW.Example.com')
  })
  it('accepts underscores for SRV owners and 63-character labels', () => {
    expect(normalizeName('_sip._tcp.example.test')).toBe('_sip._tcp.example.test')
    expect(normalizeName(`${'a'.repeat(63)}.test`)).toBe(`${'a'.repeat(63)}.test`)
  })
  it('turns IDN labels into punycode', () => {
    expect(normalizeName('bücher.example')).toBe('xn--bcher-kva.example')
  })
  it('refuses a label of 64 characters', () =>
    expect(nameError(`${'a'.repeat(64)}.test`)).toBe('label_too_long'))
  it('refuses a name over 253 characters', () => {
    const name = Array.from({ length: 5 }, () => 'a'.repeat(60)).join('.')
    expect(name.length).toBe(304)
    expect(nameError(name)).toBe('too_long')
  })
  it('refuses empty labels', () => expect(nameError('a..b')).toBe('empty_label'))
  it('refuses spaces, slashes and quotes', () => {
    for (const bad of ['a b.test', 'a/b.test', 'a"b.test', 'evil.test\nx', 'semi;colon.test']) {
      expect(nameError(bad)).toBe('bad_character')
    }
  })
  it('refuses an empty name', () => expect(nameError('  ')).toBe('empty'))
})

describe('reverseName', () => {
  it('builds in-addr.arpa names', () =>
    expect(reverseName('192.0.2.10')).toBe('10.2.0.192.in-addr.arpa'))
  it('builds ip6.arpa nibble names', () =>
    expect(reverseName('2001:db8::63')).toBe(
      '3.6.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa',
    ))
  it('refuses what is not an address', () =>
    expect(() => reverseName('example.test')).toThrow(DnsNameError))
})
