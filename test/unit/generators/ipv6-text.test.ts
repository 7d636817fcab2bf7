import { describe, expect, it } from 'vitest'
import {
  formatIpv6,
  hostOrAddress,
  ipAddress,
  ipv6,
  ipv6Bytes,
  ipv6Prefix,
} from '../../../src/generators/fields'
import { GeneratorInputError } from '../../../src/generators/generator'
import { FIXTURES, generate, run, tempFile } from './helpers'

/** The 16 bytes of an IPv6 text per the WHATWG URL parser, an implementation independent of ours. */
function urlBytes(text: string): string {
  const host = new URL(`http://[${text}]/`).hostname.slice(1, -1)
  const [head = '', tail = ''] = host.split('::')
  const left = head === '' ? [] : head.split(':')
  const right = tail === '' ? [] : tail.split(':')
  const groups = host.includes('::')
    ? [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right]
    : left
  return groups.map((g) => g.padStart(4, '0')).join('')
}

function hex(bytes: readonly number[] | undefined): string {
  return (bytes ?? []).map((b) => b.toString(16).padStart(2, '0')).join('')
}

/** What glibc's inet_pton (used by res_init for `nameserver` lines) makes of a text. */
function glibcBytes(text: string): string {
  const r = run('python3', [
    '-c',
    'import socket,sys; print(socket.inet_pton(socket.AF_INET6, sys.argv[1]).hex())',
    text,
  ])
  expect(r.status, r.out).toBe(0)
  return r.out.trim()
}

const FIELDS = { ipv6, ipAddress, hostOrAddress }

describe('IPv6 text: every IPv6 field prints the 16 bytes it was given', () => {
  const inputs = [
    '::ffff:1.2.3.4',
    '::FFFF:0102:0304',
    '0:0:0:0:0:ffff:192.0.2.1',
    '64:ff9b::1.2.3.4',
    '2001:db8::1.2.3.4',
    '2001:DB8:0:0:1:0:0:1',
    '::ffff:0:1.2.3.4',
    '1:2:3:4:5:6:7::',
    '::',
    '::1',
  ]
  for (const input of inputs) {
    it(`${input} round-trips in ipv6, ipAddress and hostOrAddress`, () => {
      for (const [name, field] of Object.entries(FIELDS)) {
        const printed = field.parse(input)
        expect(urlBytes(printed), `${name}: ${input} -> ${printed}`).toBe(urlBytes(input))
      }
    })
  }

  it('keeps an IPv4-mapped address as ::ffff:a.b.c.d (RFC 5952 §5), not ::ffff:102:304', () => {
    expect(ipv6.parse('::ffff:1.2.3.4')).toBe('::ffff:1.2.3.4')
    expect(ipv6.parse('::ffff:102:304')).toBe('::ffff:1.2.3.4')
    expect(ipAddress.parse('::ffff:192.0.2.1')).toBe('::ffff:192.0.2.1')
    expect(ipv6.parse('2001:db8::1.2.3.4')).toBe('2001:db8::102:304')
  })

  it('refuses the deprecated IPv4-compatible form, which ipaddr.js turns into another address', () => {
    for (const field of Object.values(FIELDS)) {
      const r = field.safeParse('::1.2.3.4')
      expect(r.success).toBe(false)
      expect(r.error?.issues[0]?.message).toContain('RFC 4291')
    }
    expect(ipv6.safeParse('::0:1.2.3.4').success).toBe(false)
  })

  it('refuses malformed text', () => {
    for (const bad of [
      ':',
      ':::',
      '1::2::3',
      '1:2:3:4:5:6:7',
      '1:2:3:4:5:6:7:8:9',
      '1:2:3:4:5:6:7::8',
      '12345::',
      '::1.2.3.04',
      ':1.2.3.4',
      '::1.2.3.4:1',
      '1.2.3.4',
    ]) {
      expect(ipv6Bytes(bad), bad).toBeUndefined()
      expect(ipv6.safeParse(bad).success, bad).toBe(false)
    }
  })

  it('agrees with the URL parser on 20,000 random addresses (zero-heavy, mapped ones included)', () => {
    let seed = 1
    // A fixed LCG, so a failure reproduces.
    const next = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31
      return seed / 2 ** 31
    }
    for (let k = 0; k < 20_000; k++) {
      const bytes = Array.from({ length: 16 }, () => (next() < 0.5 ? 0 : Math.floor(next() * 256)))
      if (k % 10 === 0) bytes.splice(0, 12, ...[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff])
      const text = formatIpv6(bytes)
      expect(urlBytes(text), text).toBe(hex(bytes))
      expect(hex(ipv6Bytes(text)), text).toBe(hex(bytes))
    }
  })

  it('prints a prefix from the same bytes', () => {
    expect(ipv6Prefix.parse('2001:DB8:0::/48')).toBe('2001:db8::/48')
    expect(ipv6Prefix.safeParse('::ffff:1.2.3.0/120').success).toBe(false) // no dotted prefixes
  })
})

describe('consumers read the printed IPv4-mapped form as the same address', () => {
  it('resolv-conf: glibc inet_pton reads each nameserver as the bytes sent', async () => {
    // Two texts of mapped addresses, one dotted and one hex (distinct: a repeat is refused).
    const sent = ['::ffff:192.0.2.53', '2001:db8::53', '::ffff:c000:236']
    const text = await generate('resolv-conf', { nameservers: sent })
    const printed = [...text.matchAll(/^nameserver (.+)$/gm)].map((m) => m[1] ?? '')
    expect(printed).toEqual(['::ffff:192.0.2.53', '2001:db8::53', '::ffff:192.0.2.54'])
    printed.forEach((p, i) => {
      expect(glibcBytes(p)).toBe(urlBytes(sent[i] ?? ''))
    })
  })

  it('resolv-conf: refuses ::a.b.c.d, naming the entry', async () => {
    const bad = generate('resolv-conf', { nameservers: ['2001:db8::53', '::192.0.2.53'] })
    await expect(bad).rejects.toBeInstanceOf(GeneratorInputError)
    await expect(bad).rejects.toMatchObject({ issues: [{ path: 'nameservers.1' }] })
  })

  it('zone-records: named-checkzone takes the mapped AAAA, and the PTR name has the same bytes', async () => {
    const text = await generate('zone-records', {
      origin: 'example.com',
      include: 'both',
      hosts: [{ name: 'v4m', ipv6: ['::ffff:c000:20a'] }],
    })
    expect(text).toContain('v4m 300 IN AAAA  ::ffff:192.0.2.10\n')
    expect(text).toContain(
      'a.0.2.0.0.0.0.c.f.f.f.f.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.ip6.arpa. 300 IN PTR v4m.example.com.',
    )
    const forward = text.split('; PTR')[0] ?? ''
    const zone = tempFile(
      'zone.txt',
      run('sh', [`${FIXTURES}wrap.sh`, 'example.com', tempFile('s.txt', forward)]).out,
    )
    expect(run('named-checkzone', ['-q', '-k', 'fail', 'example.com', zone])).toEqual({
      status: 0,
      out: '',
    })
  })

  it('zone-records: refuses an IPv4-compatible AAAA, naming it', async () => {
    await expect(
      generate('zone-records', {
        origin: 'example.com',
        hosts: [{ name: 'www', ipv6: ['2001:db8::1', '::192.0.2.10'] }],
      }),
    ).rejects.toMatchObject({ issues: [{ path: 'hosts.0.ipv6.1' }] })
  })
})
