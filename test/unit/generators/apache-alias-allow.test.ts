import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { GeneratorInputError } from '../../../src/generators/generator'
import { generate, run, tempDir } from './helpers'

const MODULES = '/usr/lib/apache2/modules'

/** `apache2 -t` on a config of its own with mod_authz_host, alias and dir loaded. */
function apacheTest(text: string) {
  const dir = tempDir()
  mkdirSync(join(dir, 'run'))
  mkdirSync(join(dir, 'logs'))
  const modules = ['mpm_event', 'authz_core', 'authz_host', 'alias', 'dir']
  writeFileSync(
    join(dir, 'validate.conf'),
    [
      `ServerRoot "${dir}"`,
      'ServerName localhost',
      'Listen 127.0.0.1:8099',
      `PidFile ${dir}/run/validate.pid`,
      `DefaultRuntimeDir ${dir}/run`,
      `ErrorLog ${dir}/logs/error.log`,
      ...modules.map((m) => `LoadModule ${m}_module ${MODULES}/mod_${m}.so`),
      text,
      '',
    ].join('\n'),
  )
  return run('apache2', ['-t', '-f', join(dir, 'validate.conf')])
}

async function issuesOf(allow: string[]) {
  try {
    await generate('apache-smokeping-alias', { allow })
  } catch (e) {
    if (e instanceof GeneratorInputError) return e.issues
    throw e
  }
  return []
}

describe('apache-smokeping-alias allow entries', () => {
  it('prints valid entries exactly, and apache2 -t accepts them', async () => {
    const text = await generate('apache-smokeping-alias', {
      allow: ['10.0.0.0/8', '192.0.2.1', '198.51.100.0/32', '2001:DB8::/32', '2001:db8::1/128'],
    })
    expect(text).toContain(
      'Require ip 10.0.0.0/8 192.0.2.1 198.51.100.0/32 2001:db8::/32 2001:db8::1/128\n',
    )
    const r = apacheTest(text)
    expect(r.out).toContain('Syntax OK')
    expect(r.status).toBe(0)
  })

  // ipaddr.js reads 10/8 as 0.0.0.10/8, 10.1/16 as 10.0.0.1/16 and 010.1.1.1 as octal 8.1.1.1.
  for (const entry of [
    '10/8',
    '10.1/16',
    '010.1.1.1/8',
    '10.1.1.01',
    '0x0a.0.0.0/8',
    '10.0.0.0.0/8',
  ]) {
    it(`refuses the short or octal IPv4 form ${entry}, naming the field and the entry`, async () => {
      const issues = await issuesOf(['192.0.2.0/24', entry])
      expect(issues).toHaveLength(1)
      expect(issues[0]?.path).toBe('allow.1')
      if (!entry.includes('x')) expect(issues[0]?.message).toContain(entry)
    })
  }

  it('apache2 -t refuses a /0 mask (the validator works), and we refuse it first', async () => {
    expect(apacheTest('<Location "/x">\n  Require ip 0.0.0.0/0\n</Location>').out).toContain(
      'network mask is invalid',
    )
    for (const entry of ['0.0.0.0/0', '::/0', '1.2.3.4/0']) {
      expect(await issuesOf([entry])).toMatchObject([{ path: 'allow.0' }])
    }
  })

  it('refuses prefixes shorter than /8 (IPv4) and /16 (IPv6): there is no allow-all', async () => {
    expect(await issuesOf(['0.0.0.0/1', '128.0.0.0/1'])).toMatchObject([
      { path: 'allow.0', message: expect.stringContaining('/8 to /32') },
      { path: 'allow.1' },
    ])
    expect(await issuesOf(['10.0.0.0/7'])).toMatchObject([{ path: 'allow.0' }])
    expect(await issuesOf(['2000::/15'])).toMatchObject([
      { path: 'allow.0', message: expect.stringContaining('/16 to /128') },
    ])
    expect(await issuesOf(['10.0.0.0/33', '2001:db8::/129'])).toHaveLength(2)
  })

  it('refuses host bits after the prefix (which network was meant?)', async () => {
    expect(await issuesOf(['10.1.2.3/8'])).toMatchObject([
      { path: 'allow.0', message: expect.stringContaining('the network is 10.0.0.0/8') },
    ])
    expect(await issuesOf(['2001:db8::/16'])).toMatchObject([
      { path: 'allow.0', message: expect.stringContaining('the network is 2001::/16') },
    ])
  })

  it('refuses IPv4-mapped (Apache calls them invalid) and IPv4-compatible IPv6', async () => {
    expect(apacheTest('<Location "/x">\n  Require ip ::ffff:1.2.3.4\n</Location>').out).toContain(
      'appears to be invalid',
    )
    expect(await issuesOf(['::ffff:1.2.3.4', '::ffff:102:304', '::1.2.3.4'])).toMatchObject([
      { path: 'allow.0', message: expect.stringContaining('IPv4 form') },
      { path: 'allow.1' },
      { path: 'allow.2', message: expect.stringContaining('RFC 4291') },
    ])
  })

  it('caps the list at 50 entries', async () => {
    const many = Array.from({ length: 51 }, (_, i) => `10.${i}.0.0/16`)
    expect(await issuesOf(many)).toMatchObject([{ path: 'allow' }])
    expect(await issuesOf(many.slice(0, 50))).toEqual([])
  })
})
