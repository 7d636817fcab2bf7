import { describe, expect, it } from 'vitest'
import { hostOrAddress, ipv4, ipv6, ipv6Prefix, isHostname } from '../../../src/generators/fields'

describe('field parsers', () => {
  it('normalises addresses (RFC 5952 for IPv6)', () => {
    expect(ipv6.parse('2001:DB8:0:0:0::1')).toBe('2001:db8::1')
    expect(hostOrAddress.parse('2001:DB8::0:1')).toBe('2001:db8::1')
    expect(hostOrAddress.parse('WWW.Example.COM.')).toBe('www.example.com.')
  })

  it('refuses short, padded and zoned forms', () => {
    for (const bad of ['10.1', '192.168.001.1', '1.2.3.4 ', '0x7f.0.0.1'])
      expect(ipv4.safeParse(bad).success).toBe(false)
    for (const bad of ['fe80::1%eth0', '2001:db8::/64', '::ffff:1.2.3.4x'])
      expect(ipv6.safeParse(bad).success).toBe(false)
    expect(hostOrAddress.safeParse('192.000.2.1').success).toBe(false)
  })

  it('follows RFC 1123 and RFC 3696 for host names', () => {
    expect(isHostname('a-b.example')).toBe(true)
    expect(isHostname('-a.example')).toBe(false)
    expect(isHostname('a_b.example')).toBe(false)
    expect(isHostname(`${'a'.repeat(64)}.example`)).toBe(false)
    expect(isHostname('host.123')).toBe(false) // an all-numeric top-level label
  })

  it('refuses a prefix with host bits set', () => {
    expect(ipv6Prefix.parse('2001:DB8:5678::/64')).toBe('2001:db8:5678::/64')
    expect(ipv6Prefix.safeParse('2001:db8:5678::1/64').success).toBe(false)
  })
})
