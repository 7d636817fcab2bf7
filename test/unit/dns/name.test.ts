import { describe, expect, it } from 'vitest'
import { DnsNameError } from '../../../src/dns/errors'
import { isIpAddress, normalizeDomain, normalizeName, reverseName } from '../../../src/dns/name'

function nameError(input: string, check: (name: string) => string = normalizeName): string {
  return refusal(input, check).code
}

function refusal(input: string, check: (name: string) => string): DnsNameError {
  try {
    check(input)
  } catch (err) {
    if (err instanceof DnsNameError) return err
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
  it('refuses URL syntax in a name with non-ASCII characters instead of querying another name', () => {
    for (const bad of [
      'ü@audit.test',
      'audit.test/ü',
      'www.audit.test?é',
      'ü%41.test',
      'ü#x.test',
      'ü\\x.test',
      'ü:80.test',
      'bü cher.test',
      'bü\u3000cher.test',
      'bü\u0085cher.test',
      'ü\uff20audit.test',
      'audit.test\uff0fü',
    ]) {
      expect(nameError(bad), bad).toBe('bad_character')
    }
    expect(refusal('ü@audit.test', normalizeName).message).toBe(
      `'ü@audit.test' contains "@"; a label may hold letters, digits, '-' and '_'`,
    )
    expect(refusal('ü\uff20audit.test', normalizeName).message).toContain('(read as "@")')
  })
  it('converts label by label: ASCII labels keep their case, numeric ones stay names', () => {
    expect(normalizeName('WWW.Bücher.example')).toBe('WWW.xn--bcher-kva.example')
    expect(normalizeName('bücher\u3002example')).toBe('xn--bcher-kva.example')
    expect(normalizeName('\uff11\uff12.bücher.test')).toBe('12.xn--bcher-kva.test')
  })
  it('keeps the root as "."', () => {
    expect(normalizeName('.')).toBe('.')
    expect(normalizeName(' . ')).toBe('.')
  })
  it('refuses an all-numeric top-level label (RFC 3696 §2)', () => {
    const notAnAddress = refusal('1.2.3.256', normalizeName)
    expect(notAnAddress.code).toBe('numeric_tld')
    expect(notAnAddress.message).toBe(
      "'1.2.3.256' is neither a valid IP address nor a valid domain name: its top-level label '256' is all digits, which no top-level domain is (RFC 3696 §2)",
    )
    const name = refusal('host.123.', normalizeName)
    expect(name.code).toBe('numeric_tld')
    expect(name.message).toMatch(/^'host\.123\.' is not a valid domain name: /)
    expect(nameError('1')).toBe('numeric_tld')
    expect(normalizeName('123.example.test')).toBe('123.example.test')
    expect(normalizeName('10.2.0.192.in-addr.arpa')).toBe('10.2.0.192.in-addr.arpa')
  })
})

describe('isIpAddress', () => {
  it('takes dotted-quad IPv4 and IPv6 text', () => {
    for (const ip of ['192.0.2.10', '0.0.0.0', '::1', '2001:db8::63', '::ffff:192.0.2.1']) {
      expect(isIpAddress(ip), ip).toBe(true)
    }
  })
  it('refuses the inet_aton short, octal and hex forms, bad octets and zone indexes', () => {
    for (const text of ['1', '127.1', '3232235777', '0x7f.0.0.1', '01.2.3.4', '1.2.3.256']) {
      expect(isIpAddress(text), text).toBe(false)
    }
    expect(isIpAddress('fe80::1%eth0')).toBe(false)
  })
})

describe('normalizeDomain', () => {
  it('takes a domain as normalizeName does', () =>
    expect(normalizeDomain('Example.test.')).toBe('Example.test'))
  it('refuses IPv4 and IPv6 literals alike', () => {
    const v4 = refusal('192.0.2.1', normalizeDomain)
    const v6 = refusal('::1', normalizeDomain)
    expect([v4.code, v6.code]).toEqual(['not_a_domain', 'not_a_domain'])
    expect(v4.message).toBe(
      "'192.0.2.1' is an IP address; the IPv6 readiness report checks a domain name such as example.com",
    )
    expect(v6.message).toBe(v4.message.replace('192.0.2.1', '::1'))
  })
  it('refuses the root zone', () => {
    const root = refusal('.', normalizeDomain)
    expect(root.code).toBe('not_a_domain')
    expect(root.message).toContain('the root zone is not a domain to check')
  })
  it('refuses a wildcard label, naming it, where a lookup takes it', () => {
    expect(normalizeName('*.audit.test')).toBe('*.audit.test')
    for (const input of ['*.audit.test', 'a.*.audit.test']) {
      const w = refusal(input, normalizeDomain)
      expect(w.code, input).toBe('wildcard')
      expect(w.message).toContain(`'${input}' has the wildcard label '*'`)
    }
  })
})

describe('reverseName', () => {
  it('builds in-addr.arpa names', () =>
    expect(reverseName('192.0.2.10')).toBe('10.2.0.192.in-addr.arpa'))
  it('builds ip6.arpa nibble names', () =>
    expect(reverseName('2001:db8::63')).toBe(
      '3.6.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa',
    ))
  it('refuses what is not an address', () => {
    expect(() => reverseName('example.test')).toThrow(DnsNameError)
    expect(() => reverseName('127.1')).toThrow(DnsNameError)
  })
})
