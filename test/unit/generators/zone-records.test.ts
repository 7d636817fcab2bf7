import { describe, expect, it } from 'vitest'
import { reverseName } from '../../../src/generators/zone-records'
import { FIXTURES, generate, run, tempFile } from './helpers'

/** named-checkzone on a snippet wrapped with SOA/NS by the fixture's wrap.sh. */
function checkZone(origin: string, snippet: string) {
  const file = tempFile('snippet.txt', snippet)
  const zone = run('sh', [`${FIXTURES}wrap.sh`, origin, file])
  const zoneFile = tempFile('zone.txt', zone.out)
  return run('named-checkzone', [
    '-q',
    '-k',
    'fail',
    '-m',
    'fail',
    '-M',
    'fail',
    '-n',
    'fail',
    origin,
    zoneFile,
  ])
}

const HOSTS = {
  origin: 'example.com',
  hosts: [
    { name: '@', ipv4: ['192.0.2.1'], ipv6: ['2001:db8::1'] },
    { name: 'www', ipv4: ['192.0.2.10'], ipv6: ['2001:DB8:0:0::63'] },
    { name: 'mail.lan', ipv6: ['2001:db8::25'] },
  ],
}

describe('zone-records', () => {
  it('writes A/AAAA records that named-checkzone accepts', async () => {
    const text = await generate('zone-records', HOSTS)
    expect(text).toContain('www      300 IN AAAA  2001:db8::63\n')
    const r = checkZone('example.com', text)
    expect(r).toEqual({ status: 0, out: '' })
  })

  it('writes PTR records that named-checkzone accepts in a reverse zone', async () => {
    const text = await generate('zone-records', { ...HOSTS, include: 'reverse' })
    expect(text).toContain('10.2.0.192.in-addr.arpa. 300 IN PTR www.example.com.\n')
    const r = checkZone('arpa', text)
    expect(r).toEqual({ status: 0, out: '' })
  })

  it('named-checkzone rejects the broken fixture snippets (the validator works)', () => {
    expect(checkZone('example.com', 'www 300 IN A 2001:db8::1\n').status).toBe(1)
  })

  it('builds RFC 3596 nibble names', () => {
    expect(reverseName('2001:db8::1')).toBe(
      '1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa.',
    )
    expect(reverseName('192.0.2.10')).toBe('10.2.0.192.in-addr.arpa.')
  })

  it('fills hosts without addresses from the lookup port, keeping only valid addresses', async () => {
    const text = await generate(
      'zone-records',
      { origin: 'example.test', lookup: true, hosts: [{ name: 'www' }] },
      {
        lookupAddresses: async (name) => {
          expect(name).toBe('www.example.test.')
          return { a: ['192.0.2.80', 'not-an-ip'], aaaa: ['2001:db8::80'] }
        },
      },
    )
    expect(text).toContain('www 300 IN A     192.0.2.80\n')
    expect(text).toContain('www 300 IN AAAA  2001:db8::80\n')
    expect(text).not.toContain('not-an-ip')
    expect(checkZone('example.test', text).status).toBe(0)
  })

  it('asks for an address when lookup is off, naming the field', async () => {
    await expect(
      generate('zone-records', { origin: 'example.com', hosts: [{ name: 'www' }] }),
    ).rejects.toMatchObject({ issues: [{ path: 'hosts.0.ipv4' }] })
  })
})
