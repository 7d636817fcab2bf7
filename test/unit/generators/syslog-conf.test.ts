import { describe, expect, it } from 'vitest'
import { generate, issuesOf } from './helpers'

describe('syslog-conf selectors that log nothing', () => {
  it('refuses exact with *, which wrote local7.=* (no message has that priority)', async () => {
    expect(
      await issuesOf('syslog-conf', {
        facility: 'local7',
        priority: '*',
        exact: true,
        file: '/var/log/x.log',
      }),
    ).toMatchObject([{ path: 'exact', message: expect.stringContaining('=*') }])
  })

  it('refuses priority none, which wrote local7.none (it only excludes)', async () => {
    expect(
      await issuesOf('syslog-conf', { facility: 'local7', priority: 'none', file: '/var/log/x' }),
    ).toMatchObject([{ path: 'priority' }])
  })

  it('keeps exact with a single priority', async () => {
    const text = await generate('syslog-conf', {
      facility: 'local7',
      priority: 'info',
      exact: true,
      file: '/var/log/x.log',
    })
    expect(text).toContain('local7.=info\t/var/log/x.log\n')
  })
})

describe('file-valued paths name a file', () => {
  const cases: [string, Record<string, unknown>, string][] = [
    ['syslog-conf', { facility: 'local7', file: '/var/log/' }, 'file'],
    ['syslog-conf', { facility: 'local7', file: '/var/log/.' }, 'file'],
    ['modsecurity', { terms: ['porn'], debugLog: '/var/log/apache2/' }, 'debugLog'],
    ['apache-smokeping-alias', { allow: ['192.0.2.0/24'], cgi: '/usr/lib/cgi-bin/' }, 'cgi'],
    [
      'smokeping',
      {
        general: { smokemail: '/etc/smokeping/' },
        targets: { children: [{ name: 'a', title: 'A', host: '192.0.2.1' }] },
      },
      'general.smokemail',
    ],
    [
      'smokeping',
      {
        binaries: { FPing: '/usr/bin/' },
        targets: { children: [{ name: 'a', title: 'A', host: '192.0.2.1' }] },
      },
      'binaries.FPing',
    ],
  ]
  for (const [kind, input, path] of cases) {
    it(`${kind}: refuses a trailing / in ${path}, naming it`, async () => {
      expect(await issuesOf(kind, input)).toMatchObject([
        { path, message: expect.stringContaining('must name a file') },
      ])
    })
  }
})
