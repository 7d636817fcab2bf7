import { describe, expect, it } from 'vitest'
import { DOC_TUNNEL, generate, issuesOf, run, SEED_TUNNEL, tempDir, tempFile } from './helpers'

const { serverIpv6: _, ...NO_SERVER } = DOC_TUNNEL

/** The issues of a tunnel input (FreeBSD unless another kind is named). */
const tunnelIssues = (input: Record<string, unknown>, kind = 'freebsd') => issuesOf(kind, input)

describe('tunnel endpoints are global unicast', () => {
  for (const client of ['ff02::2', 'fe80::2', '::2', '::', '::1', '::ffff:192.0.2.2', 'fd00::2']) {
    it(`refuses clientIpv6=${client}, naming clientIpv6`, async () => {
      const issues = await tunnelIssues({ ...NO_SERVER, clientIpv6: client })
      expect(issues).toMatchObject([
        { path: 'clientIpv6', message: expect.stringContaining('global unicast') },
      ])
    })
  }

  it('keeps the HE and documentation addresses the tests and README use', async () => {
    expect(await tunnelIssues(SEED_TUNNEL)).toEqual([])
    expect(await tunnelIssues(DOC_TUNNEL)).toEqual([])
    expect(await tunnelIssues(NO_SERVER)).toEqual([])
  })

  it('refuses a server given outside 2000::/3', async () => {
    expect(await tunnelIssues({ ...DOC_TUNNEL, serverIpv6: 'fe80::1' })).toMatchObject([
      { path: 'serverIpv6', message: expect.stringContaining('global unicast') },
    ])
  })
})

describe('the tunnel link', () => {
  it('refuses prefixLength=1, which made the default server ::1', async () => {
    expect(await tunnelIssues({ ...NO_SERVER, prefixLength: 1 })).toMatchObject([
      { path: 'prefixLength', message: expect.stringContaining('64 to 127') },
    ])
  })

  it('blames prefixLength (sent), not serverIpv6 (defaulted), for a /128', async () => {
    const issues = await tunnelIssues({ ...NO_SERVER, prefixLength: 128 })
    expect(issues.map((i) => i.path)).toEqual(['prefixLength'])
    expect(issues[0]?.message).toContain('no address for the server')
  })

  it('blames clientIpv6, saying why, when it is the default server address', async () => {
    const issues = await tunnelIssues({ ...NO_SERVER, clientIpv6: '2001:db8:1234::1' })
    expect(issues).toMatchObject([
      { path: 'clientIpv6', message: expect.stringContaining('default server address') },
    ])
  })

  it('refuses the Subnet-Router anycast address as server or client', async () => {
    for (const serverIpv6 of ['::', '2001:db8:1234::']) {
      expect(await tunnelIssues({ ...DOC_TUNNEL, serverIpv6 })).toMatchObject([
        { path: 'serverIpv6', message: expect.stringContaining('anycast') },
      ])
    }
    expect(
      await tunnelIssues({ ...DOC_TUNNEL, clientIpv6: '2001:db8:1234::', serverIpv6: '::1' }),
    ).toMatchObject([{ path: 'clientIpv6', message: expect.stringContaining('anycast') }])
  })

  it('takes a /127 link with the all-zero address (RFC 6164), and ifup --no-act accepts it', async () => {
    const input = {
      ...DOC_TUNNEL,
      clientIpv6: '2001:db8:1234::1',
      serverIpv6: '2001:db8:1234::',
      prefixLength: 127,
    }
    const dir = tempDir()
    const file = tempFile('interfaces', await generate('debian-interfaces', input), dir)
    const r = run('ifup', ['--no-act', '-v', '-i', file, '--state-dir', dir, 'he-ipv6'])
    expect(r.status, r.out).toBe(0)
    expect(r.out).toContain('2001:db8:1234::1/127')
  })
})

describe('the routed prefix', () => {
  it('refuses the tunnel link itself, or a prefix around it', async () => {
    for (const routedPrefix of ['2001:db8:1234::/64', '2001:db8::/32', '2001:db8:1234::/56']) {
      expect(await tunnelIssues({ ...DOC_TUNNEL, routedPrefix })).toMatchObject([
        { path: 'routedPrefix', message: expect.stringContaining('overlaps the tunnel link') },
      ])
    }
  })

  it('refuses ::/0, /128 and other lengths that leave no /64 for the LAN', async () => {
    for (const routedPrefix of ['::/0', '2001:db8:5678::/128', '2001:db8:5678::/80', '2000::/16']) {
      expect(await tunnelIssues({ ...DOC_TUNNEL, routedPrefix })).toMatchObject([
        { path: 'routedPrefix', message: expect.stringContaining('/32 to /64') },
      ])
    }
  })

  it('refuses a prefix that is not global unicast', async () => {
    expect(await tunnelIssues({ ...DOC_TUNNEL, routedPrefix: 'fd00:1::/64' })).toMatchObject([
      { path: 'routedPrefix' },
    ])
  })

  it('suggests a LAN /64 inside a routed /48', async () => {
    const text = await generate('freebsd', { ...DOC_TUNNEL, routedPrefix: '2001:db8:5678::/48' })
    expect(text).toContain('ifconfig_em0_ipv6="inet6 2001:db8:5678::1 prefixlen 64"')
  })
})
