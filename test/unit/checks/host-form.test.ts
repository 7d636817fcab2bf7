import { describe, expect, it } from 'vitest'
import { hostFits, resolveTargets } from '../../../src/checks/resolve-targets'
import { parseSmokepingText } from '../../../src/checks/smokeping-parse'
import { TargetsConfigError } from '../../../src/checks/targets-error'

function errorOf(text: string): TargetsConfigError {
  const { config, lines } = parseSmokepingText(text)
  try {
    resolveTargets(config, lines)
  } catch (err) {
    if (err instanceof TargetsConfigError) return err
    throw err
  }
  throw new Error('expected a TargetsConfigError')
}

describe('hostFits', () => {
  it.each([
    ['example.com', 'address', true],
    ['192.0.2.1', 'address', true],
    ['2001:db8::1', 'address', true],
    ['[::1]', 'address', true],
    ['http://127.0.0.1:1/', 'address', false],
    ['example.com/path', 'address', false],
    ['http://127.0.0.1:8054/dns-query', 'resolver', true],
    ['cloudflare', 'resolver', true],
    ['javascript:1', 'resolver', false],
    // Not addresses, though made of address characters.
    ['127.0.0.1:8797', 'address', false],
    [':', 'address', false],
    ['1.2.3.4.5.6', 'address', false],
    ['[example.com]', 'address', false],
    ['host1.example', 'address', true],
    ['1.2.3.4.', 'address', true],
  ] as const)('%s as %s: %s', (host, form, fits) => {
    expect(hostFits(host, form)).toBe(fits)
  })
})

describe('the targets tree checks host against the probe kind', () => {
  it('takes any host label for a Curl target whose urlformat names its own host', () => {
    const text =
      'probe = Curl\n+ web\nhost = https://example.com/\nurlformat = https://example.com/health\n'
    const { config, lines } = parseSmokepingText(text)
    expect(resolveTargets(config, lines).targets.map((t) => t.host)).toEqual([
      'https://example.com/',
    ])
  })

  it('refuses a URL as a TCPPing host, on the host line', () => {
    const err = errorOf('probe = TCPPing\n+ web\nhost = http://127.0.0.1:1/\n')
    expect(err.code).toBe('bad_value')
    expect(err.line).toBe(3)
    expect(err.message).toContain('host is not a hostname or IP address')
    expect(err.message).not.toContain('127.0.0.1')
  })

  it('refuses a URL as a Curl host and says where the URL goes', () => {
    const err = errorOf('probe = Curl\n+ web\nhost = https://example.com/\n')
    expect(err.message).toContain("a URL goes in 'urlformat'")
  })

  it('keeps a DoH URL as the resolver of a DNS target', () => {
    const { config, lines } = parseSmokepingText(
      'probe = DNS\n+ r\nhost = http://127.0.0.1:8054/dns-query\nlookup = example.com\n',
    )
    expect(resolveTargets(config, lines).targets).toEqual([
      expect.objectContaining({ kind: 'dns', host: 'http://127.0.0.1:8054/dns-query' }),
    ])
  })
})
