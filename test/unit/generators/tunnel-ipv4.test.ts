import { describe, expect, it } from 'vitest'
import { DOC_TUNNEL, generate, issuesOf } from './helpers'

/** The issues of a tunnel input (FreeBSD unless another kind is named). */
const tunnelIssues = (input: Record<string, unknown>, kind = 'freebsd') => issuesOf(kind, input)

describe('tunnel IPv4 ends are unicast addresses', () => {
  const cases: [string, string][] = [
    ['0.0.0.0', '0.0.0.0/8'],
    ['0.1.2.3', '0.0.0.0/8'],
    ['127.0.0.1', 'loopback'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['240.0.0.1', 'reserved'],
    ['255.255.255.255', 'broadcast'],
  ]
  for (const [address, range] of cases) {
    it(`refuses ${address} as brokerIpv4 and as localIpv4, naming each`, async () => {
      expect(await tunnelIssues({ ...DOC_TUNNEL, brokerIpv4: address })).toMatchObject([
        { path: 'brokerIpv4', message: expect.stringContaining(range) },
      ])
      expect(
        await tunnelIssues({ ...DOC_TUNNEL, localIpv4: address }, 'linux-iproute2'),
      ).toMatchObject([{ path: 'localIpv4', message: expect.stringContaining(range) }])
    })
  }

  it('keeps private (behind NAT), documentation and public addresses', async () => {
    for (const localIpv4 of ['10.0.0.2', '192.168.1.10', '172.16.0.5', '100.64.0.1', '1.2.3.4'])
      expect(await tunnelIssues({ ...DOC_TUNNEL, localIpv4 })).toEqual([])
    for (const brokerIpv4 of ['209.51.181.2', '223.255.255.254', '126.255.255.255'])
      expect(await tunnelIssues({ ...DOC_TUNNEL, brokerIpv4 })).toEqual([])
  })
})

describe('gif(4) units', () => {
  it('refuses a unit with a leading zero (if_clone refuses gif01), naming interface', async () => {
    for (const kind of ['freebsd', 'openbsd', 'netbsd', 'macos']) {
      for (const name of ['gif01', 'gif00', 'gif007']) {
        expect(await tunnelIssues({ ...DOC_TUNNEL, interface: name }, kind)).toMatchObject([
          { path: 'interface' },
        ])
      }
    }
  })

  it('keeps gif0, gif10 and gif100', async () => {
    for (const name of ['gif0', 'gif10', 'gif100']) {
      expect(await generate('freebsd', { ...DOC_TUNNEL, interface: name })).toContain(
        `cloned_interfaces="${name}"`,
      )
    }
  })
})
