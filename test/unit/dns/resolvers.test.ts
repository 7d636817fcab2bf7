import { describe, expect, it } from 'vitest'
import { chooseResolver, RESOLVER_PRESETS, ResolverChoiceError } from '../../../src/dns/resolvers'
import { checkHost } from '../../../src/net/target-policy'

function access(authenticated: boolean, allowPrivate = false) {
  return {
    authenticated,
    allowPrivate,
    checkHost: (host: string) => {
      const v = checkHost(host, allowPrivate)
      return v.allowed ? null : v.reason
    },
  }
}

function refusal(requested: string, a = access(true)): string {
  try {
    chooseResolver(requested, 'cloudflare', a)
  } catch (err) {
    if (err instanceof ResolverChoiceError) return `${err.code}: ${err.message}`
    throw err
  }
  return 'accepted'
}

describe('chooseResolver', () => {
  it('uses the configured default: a preset name or a URL', () => {
    expect(chooseResolver(undefined, 'quad9', access(false))).toEqual({
      name: 'quad9',
      url: RESOLVER_PRESETS.quad9,
    })
    expect(chooseResolver('', 'http://127.0.0.1:8054/dns-query', access(false))).toEqual({
      name: 'default',
      url: 'http://127.0.0.1:8054/dns-query',
    })
  })
  it('accepts presets case-insensitively without a token', () => {
    expect(chooseResolver('Google', 'cloudflare', access(false)).url).toBe(
      'https://dns.google/dns-query',
    )
    expect(chooseResolver('he', 'cloudflare', access(false)).url).toBe(
      'https://ordns.he.net/dns-query',
    )
  })
  it('needs the token for a custom URL', () => {
    expect(refusal('https://dns.example.net/dns-query', access(false))).toMatch(/^needs_token/)
    expect(chooseResolver('https://dns.example.net/dns-query', 'cloudflare', access(true))).toEqual(
      {
        name: 'custom',
        url: 'https://dns.example.net/dns-query',
      },
    )
  })
  it('refuses plain http, credentials, junk and private hosts', () => {
    expect(refusal('http://dns.example.net/dns-query')).toMatch(/^not_https: .*https URL/)
    expect(refusal('https://user:pw@dns.example.net/dns-query')).toMatch(
      /^credentials: .*credentials/,
    )
    expect(refusal('not a url')).toMatch(/^bad_url/)
    expect(refusal('https://10.0.0.53/dns-query')).toMatch(/^target_refused: .*private/)
    expect(refusal('https://169.254.169.254/latest')).toMatch(/^target_refused: .*link-local/)
  })
  it('allows loopback http only when private targets are allowed (local testing)', () => {
    expect(refusal('http://127.0.0.1:8054/dns-query', access(true, true))).toBe('accepted')
    expect(refusal('http://127.0.0.1:8054/dns-query', access(true, false))).toMatch(/^not_https/)
  })
})
