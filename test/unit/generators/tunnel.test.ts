import { chmodSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { GeneratorInputError } from '../../../src/generators/generator'
import { DOC_TUNNEL, FIXTURES, generate, run, SEED_TUNNEL, tempDir, tempFile } from './helpers'

const SHELL_KINDS = ['freebsd', 'macos', 'linux-iproute2', 'linux-net-tools'] as const

/** The non-comment lines of a text. */
function body(text: string, comment = '#'): string[] {
  return text.split('\n').filter((l) => l.trim() !== '' && !l.startsWith(comment))
}

describe('freebsd', () => {
  it("prints the seed's legacy rc.conf lines for the seed's addresses (server given as ::1)", async () => {
    const text = await generate('freebsd', { ...SEED_TUNNEL, style: 'rc.conf-legacy' })
    expect(body(text)).toEqual([
      'gif_interfaces="gif0"',
      'gifconfig_gif0="198.22.63.8 209.51.181.2"',
      'ifconfig_gif0="mtu 1480"',
      'ifconfig_gif0_ipv6="inet6 2001:470:1f10:b9c::2 2001:470:1f10:b9c::1 prefixlen 128"',
      'ipv6_defaultrouter="2001:470:1f10:b9c::1"',
    ])
  })

  it('prints the modern cloned_interfaces form by default, as the HE template does', async () => {
    const text = await generate('freebsd', DOC_TUNNEL)
    const template = body(readFileSync(`${FIXTURES}he-templates/freebsd-rc.conf`, 'utf8'))
    expect(body(text)).toEqual(template)
  })

  it('prints the one-shot ifconfig commands of the HE template, plus the MTU', async () => {
    const text = await generate('freebsd', { ...DOC_TUNNEL, style: 'commands' })
    const template = body(readFileSync(`${FIXTURES}he-templates/freebsd-commands.sh`, 'utf8'))
    expect(body(text).filter((l) => !l.includes(' mtu '))).toEqual(template)
  })

  it('derives the server address from the client prefix when it is left out', async () => {
    const { serverIpv6: _, ...noServer } = SEED_TUNNEL
    expect(await generate('freebsd', noServer)).toContain(
      'ipv6_defaultrouter="2001:470:1f10:b9c::1"',
    )
  })

  it('refuses a server address outside the tunnel link, naming serverIpv6', async () => {
    const bad = generate('freebsd', { ...SEED_TUNNEL, serverIpv6: '2001:db8::1' })
    await expect(bad).rejects.toBeInstanceOf(GeneratorInputError)
    await expect(bad).rejects.toMatchObject({ issues: [{ path: 'serverIpv6' }] })
  })

  it('refuses a non-gif interface name', async () => {
    await expect(generate('freebsd', { ...SEED_TUNNEL, interface: 'em0' })).rejects.toMatchObject({
      issues: [{ path: 'interface' }],
    })
  })
})

describe('outputs that match the HE templates line for line', () => {
  const cases: [string, string, Record<string, unknown>][] = [
    ['debian-interfaces', 'debian-interfaces.txt', {}],
    ['netplan', 'netplan-60-he-ipv6.yaml', {}],
  ]
  for (const [kind, file, extra] of cases) {
    it(`${kind} equals ${file}`, async () => {
      const text = await generate(kind, { ...DOC_TUNNEL, ...extra })
      const template = body(readFileSync(`${FIXTURES}he-templates/${file}`, 'utf8'))
      expect(body(text)).toEqual(template)
    })
  }
})

describe('shell outputs pass sh -n', () => {
  for (const kind of SHELL_KINDS) {
    it(kind, async () => {
      const file = tempFile(`${kind}.sh`, await generate(kind, SEED_TUNNEL))
      expect(run('sh', ['-n', file])).toEqual({ status: 0, out: '' })
    })
  }
  it('sh -n really rejects a broken file (the validator works)', () => {
    expect(run('sh', ['-n', tempFile('bad.sh', 'x="unterminated\n')]).status).not.toBe(0)
  })
})

describe('debian-interfaces passes ifup --no-act', () => {
  it('and ifup prints the real ip commands for the seed tunnel', async () => {
    const dir = tempDir()
    const file = tempFile('interfaces', await generate('debian-interfaces', SEED_TUNNEL), dir)
    const r = run('ifup', ['--no-act', '-v', '-i', file, '--state-dir', dir, 'he-ipv6'])
    expect(r.status, r.out).toBe(0)
    const out = r.out.replace(/[ \t]+/g, ' ')
    expect(out).toContain(
      'ip tunnel add he-ipv6 mode sit remote 209.51.181.2 local 198.22.63.8 ttl 255',
    )
    expect(out).toContain('ip link set he-ipv6 up mtu 1480')
    expect(out).toContain('ip route add ::/0 via 2001:470:1f10:b9c::1 dev he-ipv6 onlink')
  })
  it('ifup rejects the broken fixture (the validator works)', () => {
    const dir = tempDir()
    const r = run('ifup', [
      '--no-act',
      '-i',
      `${FIXTURES}he-templates/bad/interfaces-missing-endpoint.txt`,
      '--state-dir',
      dir,
      'he-ipv6',
    ])
    expect(r.status).not.toBe(0)
    expect(r.out).toContain('missing required variable: endpoint')
  })
})

/** Runs netplan generate on a YAML file; returns the networkd files it wrote. */
function netplanGenerate(yaml: string): {
  status: number
  out: string
  files: Record<string, string>
} {
  const root = tempDir()
  mkdirSync(join(root, 'etc/netplan'), { recursive: true })
  const file = join(root, 'etc/netplan/60-he-ipv6.yaml')
  writeFileSync(file, yaml)
  chmodSync(file, 0o600)
  const r = run('netplan', ['generate', '--root-dir', root])
  const dir = join(root, 'run/systemd/network')
  const files: Record<string, string> = {}
  try {
    for (const f of readdirSync(dir)) files[f] = readFileSync(join(dir, f), 'utf8')
  } catch {
    // no output directory: generation failed, the status says why
  }
  return { ...r, files }
}

describe('netplan passes netplan generate', () => {
  it('and produces the networkd files our systemd-networkd generator prints', async () => {
    const r = netplanGenerate(await generate('netplan', SEED_TUNNEL))
    expect(r.status, r.out).toBe(0)
    const networkd = await generate('systemd-networkd', SEED_TUNNEL)
    const [netdev, network] = networkd
      .split(/^# file: .*$/m)
      .slice(1)
      .map((s) => body(s))
    expect(body(r.files['10-netplan-he-ipv6.netdev'] ?? '')).toEqual(netdev)
    expect(body(r.files['10-netplan-he-ipv6.network'] ?? '')).toEqual(network)
  })
  it('netplan rejects the broken fixture (the validator works)', () => {
    const r = netplanGenerate(
      readFileSync(`${FIXTURES}he-templates/bad/netplan-mode-sitt.yaml`, 'utf8'),
    )
    expect(r.status).not.toBe(0)
    expect(r.out).toContain("tunnel mode 'sitt' is not supported")
  })
})

describe('router and other OS outputs', () => {
  it('windows-netsh uses CRLF and REM comments', async () => {
    const text = await generate('windows-netsh', SEED_TUNNEL)
    expect(text).toContain(
      'netsh interface ipv6 add v6v4tunnel interface=IP6Tunnel localaddress=198.22.63.8 remoteaddress=209.51.181.2\r\n',
    )
    expect(
      text.split('\r\n').every((l) => l === '' || l.startsWith('netsh ') || l.startsWith('REM')),
    ).toBe(true)
  })
  it('cisco-ios configures tunnel mode ipv6ip and the default route', async () => {
    const text = await generate('cisco-ios', SEED_TUNNEL)
    expect(text).toContain(' tunnel mode ipv6ip\n')
    expect(text).toContain('ipv6 route ::/0 Tunnel0\n')
    expect(text).toContain(' ipv6 address 2001:470:1f10:b9c::2/64\n')
  })
  it('mikrotik routes 2000::/3 as HE recommends', async () => {
    const text = await generate('mikrotik', SEED_TUNNEL)
    expect(text).toContain('dst-address=2000::/3 gateway=2001:470:1f10:b9c::1')
  })
  it('junos sets source, destination and the static default', async () => {
    const text = await generate('junos', SEED_TUNNEL)
    expect(text).toContain('set interfaces ip-0/0/0 unit 0 tunnel destination 209.51.181.2\n')
    expect(text).toContain('static route ::/0 next-hop 2001:470:1f10:b9c::1\n')
  })
  it('vyos and edgeos differ in the source-address / local-ip wording', async () => {
    expect(await generate('vyos', SEED_TUNNEL)).toContain("source-address '198.22.63.8'")
    expect(await generate('edgeos', SEED_TUNNEL)).toContain('local-ip 198.22.63.8')
  })
  it('openbsd hostname.gif0 has the tunnel and the default route', async () => {
    const text = await generate('openbsd', SEED_TUNNEL)
    expect(body(text)).toContain('tunnel 198.22.63.8 209.51.181.2')
    expect(body(text)).toContain('!route -n add -inet6 default 2001:470:1f10:b9c::1')
  })
})
