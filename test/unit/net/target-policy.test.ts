import { describe, expect, it } from 'vitest'
import { checkAddress, checkHost } from '../../../src/net/target-policy'

describe('checkAddress', () => {
  it('allows public unicast addresses', () => {
    expect(checkAddress('8.8.8.8', false).allowed).toBe(true)
    expect(checkAddress('2606:4700::1111', false).allowed).toBe(true)
  })
  it('refuses loopback, private, link-local (metadata), CGNAT and ULA unless allowed', () => {
    for (const a of [
      '127.0.0.1',
      '::1',
      '10.1.2.3',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      'fd00::1',
      '[::1]',
    ]) {
      expect(checkAddress(a, false).allowed, a).toBe(false)
      expect(checkAddress(a, true).allowed, a).toBe(true)
    }
  })
  it('judges IPv4-mapped IPv6 by its IPv4 address', () => {
    expect(checkAddress('::ffff:10.0.0.1', false).allowed).toBe(false)
  })
  it('always refuses documentation, multicast and unspecified addresses', () => {
    for (const a of ['192.0.2.1', '2001:db8::1', '224.0.0.1', '0.0.0.0', '::']) {
      expect(checkAddress(a, true).allowed, a).toBe(false)
    }
  })
})

describe('checkHost', () => {
  it('refuses local names unless private targets are allowed', () => {
    expect(checkHost('localhost', false).allowed).toBe(false)
    expect(checkHost('metadata.google.internal', false).allowed).toBe(false)
    expect(checkHost('example.com', false).allowed).toBe(true)
    expect(checkHost('localhost', true).allowed).toBe(true)
  })
})

describe('IPv6 outside plain global unicast', () => {
  // [address, allowed without ALLOW_PRIVATE_TARGETS, allowed with it, what the refusal names]
  const table: [string, boolean, boolean, RegExp | null][] = [
    ['2606:4700::1111', true, true, null],
    ['2a00:1450:4001:81c::200e', true, true, null],
    // IPv4-compatible ::/96 (RFC 4291 §2.5.5.1), both spellings; the URL parser writes the second
    // as the first.
    ['::7f00:1', false, true, /IPv4-compatible address \(::\/96\): it reaches 127\.0\.0\.1/],
    ['[::127.0.0.1]', false, true, /IPv4-compatible address \(::\/96\): it reaches 127\.0\.0\.1/],
    ['::808:808', false, true, /it reaches 8\.8\.8\.8/],
    // NAT64 (RFC 6052), well-known and local-use prefixes.
    [
      '64:ff9b::7f00:1',
      false,
      true,
      /^64:ff9b::7f00:1 is a NAT64 address \(64:ff9b::\/96\): it reaches 127\.0\.0\.1/,
    ],
    ['64:ff9b::a9fe:a9fe', false, true, /NAT64 .*it reaches 169\.254\.169\.254/],
    ['64:ff9b::808:808', false, true, /NAT64 .*it reaches 8\.8\.8\.8/],
    ['64:ff9b:1::7f00:1', false, true, /local-use NAT64 address \(64:ff9b:1::\/48\)/],
    // SIIT, 6to4, Teredo.
    [
      '::ffff:0:7f00:1',
      false,
      true,
      /SIIT\) address \(::ffff:0:0:0\/96\): it reaches 127\.0\.0\.1/,
    ],
    ['2002:7f00:1::', false, true, /6to4 address \(2002::\/16\): it reaches 127\.0\.0\.1/],
    // RFC 4380's example: its client 192.0.2.45 is a documentation address, refused even then.
    ['2001:0:4136:e378:8000:63bf:3fff:fdd2', false, false, /Teredo .*it reaches 192\.0\.2\.45/],
    ['2001:0:4136:e378:8000:63bf:f5ff:fffe', false, true, /Teredo .*it reaches 10\.0\.0\.1/],
    // Local and unroutable ranges.
    ['fec0::1', false, true, /deprecated site-local address \(fec0::\/10\)/],
    ['100::1', false, false, /discard-only address \(100::\/64\)/],
    ['4000::1', false, true, /outside global unicast \(2000::\/3\)/],
    // Embedded addresses that are never reachable stay refused even for local testing.
    ['64:ff9b::e000:1', false, false, /it reaches 224\.0\.0\.1, and .*multicast/],
    ['2002::', false, false, /it reaches 0\.0\.0\.0, and .*unspecified/],
    // The mapped form keeps being judged by its IPv4 address.
    ['::ffff:127.0.0.1', false, true, /loopback/],
    ['::ffff:8.8.8.8', true, true, null],
    ['fe80::1%eth0', false, false, /zone id/],
  ]
  it.each(table)('%s: %s without, %s with private targets', (address, plain, priv, reason) => {
    expect(checkAddress(address, false).allowed).toBe(plain)
    expect(checkAddress(address, true).allowed).toBe(priv)
    // The reason that matters most: the one that still refuses with private targets allowed.
    const verdict = checkAddress(address, !priv)
    if (reason && !verdict.allowed) expect(verdict.reason).toMatch(reason)
    // checkHost (tcp hosts, URLs) judges literals the same way.
    expect(checkHost(address, false).allowed).toBe(plain)
  })
})

describe('checkHost with a rooted IPv4 literal', () => {
  it.each(['127.0.0.1.', '10.0.0.1.', '169.254.169.254.'])(
    'judges %s as the address, not as a name',
    (host) => {
      const verdict = checkHost(host, false)
      expect(verdict.allowed).toBe(false)
      if (!verdict.allowed) expect(verdict.reason).toMatch(/address/)
      expect(checkHost(host, true).allowed).toBe(true)
    },
  )
  it('still allows a rooted public literal and a rooted name', () => {
    expect(checkHost('8.8.8.8.', false).allowed).toBe(true)
    expect(checkHost('example.com.', false).allowed).toBe(true)
    expect(checkHost('localhost.', false).allowed).toBe(false)
  })
})
