import { describe, expect, it } from 'vitest'
import { resolveTargets } from '../../../src/checks/resolve-targets'
import { parseSmokepingText } from '../../../src/checks/smokeping-parse'
import { smokepingTargetsFromChecks } from '../../../src/generators/smokeping-from-checks'
import { generate } from './helpers'
import { smokepingCheck, smokepingDirs } from './smokeping-check'

const TARGETS = {
  title: 'Edge latency',
  children: [
    {
      name: 'Local',
      title: 'Loopback hosts',
      children: [
        { name: 'v4', title: 'IPv4 loopback', host: '127.0.0.1' },
        { name: 'v6', title: 'IPv6 loopback', host: '::1', probe: 'FPing6' },
      ],
    },
    {
      name: 'Web',
      title: 'Web server',
      probe: 'Curl',
      host: 'www.example.test',
      urlformat: 'https://%host%/health',
    },
    { name: 'Ssh', title: 'SSH port', probe: 'TCPPing', host: '192.0.2.22', port: 22 },
    { name: 'Dns', title: 'DNS server', probe: 'DNS', host: '192.0.2.53', lookup: 'example.test' },
  ],
}

describe('smokeping', () => {
  it('writes a full config with all five probes that smokeping --check accepts', async () => {
    const s = smokepingDirs()
    const text = await generate('smokeping', {
      general: s.general,
      binaries: s.binaries,
      targets: TARGETS,
    })
    for (const probe of ['FPing', 'FPing6', 'TCPPing', 'DNS', 'Curl'])
      expect(text).toContain(`\n+ ${probe}\n`)
    const r = smokepingCheck(text, s.dir)
    expect(r.out).toContain('syntax OK')
    expect(r.status).toBe(0)
  })

  it('targets mode prints only the Targets section, which is the tail of the full config', async () => {
    const s = smokepingDirs()
    const input = { general: s.general, binaries: s.binaries, targets: TARGETS }
    const full = await generate('smokeping', input)
    const targets = await generate('smokeping', { ...input, mode: 'targets' })
    const section = targets.slice(targets.indexOf('*** Targets ***'))
    expect(section.startsWith('*** Targets ***')).toBe(true)
    expect(targets).not.toContain('*** General ***')
    expect(full.endsWith(section)).toBe(true)
  })

  it('smokeping --check rejects a config with pings = 2 (the validator works)', async () => {
    const s = smokepingDirs()
    const text = await generate('smokeping', {
      general: s.general,
      targets: TARGETS,
      binaries: s.binaries,
    })
    const r = smokepingCheck(text.replace('pings = 20', 'pings = 2'), s.dir)
    expect(r.status).not.toBe(0)
    expect(r.out).toContain('The pings value must be at least 3')
  })

  it('refuses a dotted section name and a probe variable on the wrong probe, naming the fields', async () => {
    const bad = generate('smokeping', {
      targets: {
        children: [
          { name: 'Loop.back', title: 'x', host: '127.0.0.1' },
          { name: 'Web', title: 'y', host: '127.0.0.1', port: 80 },
        ],
      },
    })
    await expect(bad).rejects.toMatchObject({
      issues: [{ path: 'targets.children.0.name' }, { path: 'targets.children.1.port' }],
    })
  })

  it('refuses more than 1000 targets in all, naming targets', async () => {
    const leaf = (i: number) => ({ name: `h${i}`, title: `Host ${i}`, host: '192.0.2.1' })
    const group = (g: number) => ({
      name: `g${g}`,
      title: `Group ${g}`,
      children: Array.from({ length: 250 }, (_, i) => leaf(i)),
    })
    await expect(
      generate('smokeping', { targets: { children: [0, 1, 2, 3].map(group) } }),
    ).rejects.toMatchObject({
      issues: [{ path: 'targets', message: 'at most 1000 targets in all' }],
    })
  })
})

describe('smokeping from the stored checks tree', () => {
  // What a user PUTs to /targets: edgeping's checks in SmokePing's own vocabulary.
  const CHECKS = `*** Database ***
step = 60
pings = 5

*** Targets ***
probe = TCPPing
menu = Top
title = Edge checks

+ lan
menu = LAN
title = Local network

++ ssh
title = SSH on the router
host = 192.0.2.1
port = 22

++ web
probe = Curl
title = Intranet web
host = intranet.example.test
urlformat = https://%host%/health

+ dns
probe = DNS
title = Resolver
host = 192.0.2.53
lookup = example.test
`

  it('turns the checks tree into a full SmokePing config that smokeping --check accepts', async () => {
    const { config } = parseSmokepingText(CHECKS)
    const targets = smokepingTargetsFromChecks(config, resolveTargets(config).targets)
    expect(targets.children.map((c) => c.name)).toEqual(['lan', 'dns'])
    expect(targets.children[0]?.children?.[1]).toEqual({
      name: 'web',
      title: 'Intranet web',
      // No menu in the tree: SmokePing shows the host there, and so does the generated config.
      menu: 'intranet.example.test',
      probe: 'Curl',
      host: 'intranet.example.test',
      urlformat: 'https://%host%/health',
    })
    const dirs = smokepingDirs()
    const text = await generate('smokeping', {
      general: dirs.general,
      binaries: dirs.binaries,
      step: 60,
      pings: 5,
      targets,
    })
    expect(text).toContain('+ lan\nmenu = LAN\ntitle = Local network')
    expect(text).toContain(
      '++ ssh\nprobe = TCPPing\nmenu = 192.0.2.1\ntitle = SSH on the router\nhost = 192.0.2.1\nport = 22',
    )
    const r = smokepingCheck(text, dirs.dir)
    expect(r.out).toContain('syntax OK')
    expect(r.status).toBe(0)
  })
})
