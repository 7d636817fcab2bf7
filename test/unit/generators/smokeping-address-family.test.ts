import { describe, expect, it } from 'vitest'
import { GeneratorInputError } from '../../../src/generators/generator'
import { generate, run } from './helpers'
import { smokepingCheck, smokepingDirs } from './smokeping-check'

async function issuesOf(input: Record<string, unknown>) {
  try {
    await generate('smokeping', input)
  } catch (e) {
    if (e instanceof GeneratorInputError) return e.issues
    throw e
  }
  return []
}

const leaf = (extra: Record<string, unknown>) => ({
  targets: { children: [{ name: 't', title: 'T', ...extra }] },
})

/** What SmokePing's Curl probe hands curl: urlformat with %host% replaced as is (Curl.pm). */
function curlUrl(config: string, host: string): string {
  const format = /^urlformat = (.+)$/m.exec(config.slice(config.indexOf('*** Targets ***')))?.[1]
  return (format ?? 'http://%host%/').replaceAll('%host%', host)
}

/** curl's exit status on a URL (loopback only; 3 = malformed URL). */
function curlStatus(url: string): number {
  return run('curl', ['-sS', '-o', '/dev/null', '--max-time', '3', url]).status
}

describe('smokeping probes and address families', () => {
  it('refuses an IPv6 address under FPing (fping -4), naming host', async () => {
    expect(await issuesOf(leaf({ host: '2001:db8::1' }))).toMatchObject([
      { path: 'targets.children.0.host', message: expect.stringContaining('FPing6') },
    ])
    // inherited from a group, too
    const nested = {
      probe: 'FPing',
      targets: {
        children: [{ name: 'g', title: 'G', children: [{ name: 'h', title: 'H', host: '::1' }] }],
      },
    }
    expect(await issuesOf(nested)).toMatchObject([{ path: 'targets.children.0.children.0.host' }])
  })

  it('refuses an IPv4 address under FPing6 (fping -6), naming host', async () => {
    expect(await issuesOf(leaf({ probe: 'FPing6', host: '192.0.2.1' }))).toMatchObject([
      { path: 'targets.children.0.host', message: expect.stringContaining('FPing for an IPv4') },
    ])
  })

  it('keeps host names under either probe', async () => {
    expect(await issuesOf(leaf({ host: 'www.example.com' }))).toEqual([])
    expect(await issuesOf(leaf({ probe: 'FPing6', host: 'www.example.com' }))).toEqual([])
  })

  it('curl refuses the URL the Probes default makes of an IPv6 host (the validator works)', () => {
    expect(curlStatus('http://::1/')).toBe(3)
  })

  it('writes urlformat http://[%host%]/ for a Curl target with an IPv6 host, which curl reads', async () => {
    const text = await generate('smokeping', {
      mode: 'targets',
      ...leaf({ probe: 'Curl', host: '::1' }),
    })
    expect(text).toContain('host = ::1\nurlformat = http://[%host%]/')
    expect(curlStatus(curlUrl(text, '::1'))).not.toBe(3)
  })

  it('leaves urlformat to the Probes default for a host name or an IPv4 address', async () => {
    for (const host of ['www.example.com', '192.0.2.1']) {
      const text = await generate('smokeping', {
        mode: 'targets',
        ...leaf({ probe: 'Curl', host }),
      })
      expect(text).not.toContain('urlformat')
    }
  })

  it('refuses a urlformat with a bare %host% for an IPv6 host, naming urlformat (or host if inherited)', async () => {
    expect(
      await issuesOf(
        leaf({ probe: 'Curl', host: '2001:db8::1', urlformat: 'https://%host%:8443/' }),
      ),
    ).toMatchObject([
      { path: 'targets.children.0.urlformat', message: expect.stringContaining('[%host%]') },
    ])
    const inherited = {
      targets: {
        children: [
          {
            name: 'g',
            title: 'G',
            probe: 'Curl',
            urlformat: 'http://%host%/health',
            children: [
              { name: 'a', title: 'A', host: 'www.example.com' },
              { name: 'b', title: 'B', host: '2001:db8::1' },
            ],
          },
        ],
      },
    }
    expect(await issuesOf(inherited)).toMatchObject([
      { path: 'targets.children.0.children.1.host' },
    ])
  })

  it('keeps a urlformat that brackets %host% or names its own host', async () => {
    for (const urlformat of ['https://[%host%]:8443/health', 'http://www.example.com/x']) {
      expect(await issuesOf(leaf({ probe: 'Curl', host: '2001:db8::1', urlformat }))).toEqual([])
    }
  })

  it('smokeping --check accepts a full config with IPv6 Curl and FPing6 targets', async () => {
    const s = smokepingDirs()
    const text = await generate('smokeping', {
      general: s.general,
      binaries: s.binaries,
      targets: {
        children: [
          { name: 'web6', title: 'Web v6', probe: 'Curl', host: '::1' },
          { name: 'ping6', title: 'Ping v6', probe: 'FPing6', host: '::1' },
          { name: 'ping4', title: 'Ping v4', host: '127.0.0.1' },
        ],
      },
    })
    const r = smokepingCheck(text, s.dir)
    expect(r.out).toContain('syntax OK')
    expect(r.status).toBe(0)
  })
})
