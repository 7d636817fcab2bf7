import { chmodSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { generate, run, tempDir } from './helpers'

/** The directories and files `smokeping --check` insists exist (reference §7). */
function smokepingDirs() {
  const d = tempDir()
  for (const sub of ['cache', 'data', 'run']) mkdirSync(join(d, sub))
  writeFileSync(join(d, 'smokemail'), 'Subject: smokeping\n')
  // tcpping is not packaged in Debian; --check only needs an executable file.
  const tcpping = join(d, 'tcpping')
  writeFileSync(tcpping, '#!/bin/sh\nexit 0\n')
  chmodSync(tcpping, 0o755)
  return {
    dir: d,
    general: {
      owner: 'edgeping tests',
      contact: 'ops@example.invalid',
      cgiurl: 'http://127.0.0.1/smokeping.cgi',
      imgcache: join(d, 'cache'),
      imgurl: 'cache',
      datadir: join(d, 'data'),
      piddir: join(d, 'run'),
      smokemail: join(d, 'smokemail'),
    },
    binaries: { TCPPing: tcpping },
  }
}

function check(text: string, dir: string) {
  const file = join(dir, 'config')
  writeFileSync(file, text)
  return run('smokeping', ['--check', `--config=${file}`])
}

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
    const r = check(text, s.dir)
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
    const r = check(text.replace('pings = 20', 'pings = 2'), s.dir)
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
})
