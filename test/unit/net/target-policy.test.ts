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
