import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { FIXTURES, generate } from './helpers'

/** The text after the comment header. */
function bodyOf(text: string): string {
  return text
    .split('\n')
    .filter((l) => !l.startsWith('# '))
    .join('\n')
}

describe('flow-filter', () => {
  it('writes the stock filter.cfg primitives and definitions byte for byte from JSON', async () => {
    const stock = readFileSync(`${FIXTURES}filter.cfg.stock`, 'utf8')
    const proto = (name: string, values: string[]) => ({
      name,
      type: 'ip-protocol',
      rules: values.map((value) => ({ action: 'permit', value })),
    })
    const text = await generate('flow-filter', {
      primitives: [
        proto('UDPTCP', ['tcp', 'udp']),
        proto('UDP', ['udp']),
        proto('TCP', ['tcp']),
        proto('ICMP', ['icmp']),
        {
          name: 'MCAST',
          type: 'ip-address-mask',
          rules: [{ action: 'permit', value: '224.0.0.0 240.0.0.0' }],
        },
      ],
      definitions: [
        ...['udptcp', 'tcp', 'udp', 'icmp'].map((name) => ({
          name,
          groups: [[{ match: 'ip-protocol', primitive: name.toUpperCase() }]],
        })),
        { name: 'mcast', groups: [[{ match: 'ip-destination-address', primitive: 'MCAST' }]] },
      ],
    })
    const primitives = stock.slice(0, stock.indexOf('filter-primitive VAR_ADDR'))
    const definitions = stock.slice(
      stock.indexOf('filter-definition udptcp'),
      stock.indexOf('filter-definition ip-src-addr'),
    )
    expect(`${bodyOf(text).trimEnd()}\n\n`).toBe(primitives + definitions)
  })

  it('writes or between groups and invert, as flow-nfilter reads them', async () => {
    const text = await generate('flow-filter', {
      primitives: [
        { name: 'PORT', type: 'ip-port', rules: [{ action: 'permit', value: '6667,7000' }] },
      ],
      definitions: [
        {
          name: 'not-irc',
          invert: true,
          groups: [
            [{ match: 'ip-source-port', primitive: 'PORT' }],
            [{ match: 'ip-destination-port', primitive: 'PORT' }],
          ],
        },
      ],
    })
    expect(text).toContain(
      'filter-definition not-irc\n  invert\n  match ip-source-port PORT\n  or\n  match ip-destination-port PORT\n',
    )
  })

  it('refuses an unknown primitive, an incompatible match and an out-of-range value, naming each', async () => {
    const bad = generate('flow-filter', {
      primitives: [
        { name: 'P', type: 'ip-port', rules: [{ action: 'permit', value: '70000' }] },
        { name: 'A', type: 'ip-address', rules: [{ action: 'permit', value: '192.0.2.1' }] },
      ],
      definitions: [
        {
          name: 'd',
          groups: [
            [
              { match: 'ip-destination-port', primitive: 'NOPE' },
              { match: 'ip-source-port', primitive: 'A' },
            ],
          ],
        },
      ],
    })
    await expect(bad).rejects.toMatchObject({
      issues: [
        { path: 'primitives.0.rules.0.value', message: 'values must be 0-65535' },
        { path: 'definitions.0.groups.0.0.primitive', message: 'no primitive named NOPE' },
        {
          path: 'definitions.0.groups.0.1.primitive',
          message: 'match ip-source-port cannot use a ip-address primitive',
        },
      ],
    })
  })
})

describe('resolv-conf', () => {
  it('lists IPv6 and IPv4 nameservers in order, with search and options', async () => {
    const text = await generate('resolv-conf', {
      nameservers: ['2001:470:20:0::2', '74.82.42.42'],
      search: ['Example.COM'],
      timeout: 2,
      edns0: true,
    })
    expect(bodyOf(text)).toBe(
      'nameserver 2001:470:20::2\nnameserver 74.82.42.42\nsearch example.com\noptions timeout:2 edns0\n',
    )
  })
  it('refuses a fourth nameserver (glibc reads three)', async () => {
    await expect(
      generate('resolv-conf', { nameservers: ['::1', '::2', '::3', '::4'] }),
    ).rejects.toMatchObject({ issues: [{ path: 'nameservers' }] })
  })
})

describe('syslog-conf', () => {
  it('writes facility.priority, a tab and the file', async () => {
    const text = await generate('syslog-conf', { facility: 'local7', file: '/var/log/flows.log' })
    expect(bodyOf(text)).toBe('local7.*\t/var/log/flows.log\n')
  })
  it('supports the exact-priority and no-sync forms', async () => {
    const text = await generate('syslog-conf', {
      facility: 'daemon',
      priority: 'info',
      exact: true,
      sync: false,
      file: '/var/log/daemon-info.log',
    })
    expect(bodyOf(text)).toBe('daemon.=info\t-/var/log/daemon-info.log\n')
  })
  it('refuses a relative path and ..', async () => {
    await expect(
      generate('syslog-conf', { facility: 'local7', file: 'log.txt' }),
    ).rejects.toMatchObject({
      issues: [{ path: 'file' }],
    })
    await expect(
      generate('syslog-conf', { facility: 'local7', file: '/var/log/../../etc/passwd' }),
    ).rejects.toMatchObject({ issues: [{ path: 'file' }] })
  })
})

describe('nested objects are strict', () => {
  it('names a misspelt key inside a SmokePing target', async () => {
    await expect(
      generate('smokeping', {
        targets: { children: [{ name: 'R', title: 'Router', host: '192.0.2.1', hots: 'x' }] },
      }),
    ).rejects.toMatchObject({
      issues: [{ path: 'targets.children.0', message: expect.stringContaining('hots') }],
    })
  })
})

describe('flow-filter-expression', () => {
  it('translates an nfdump expression into filter.cfg text, never echoing the input', async () => {
    const text = await generate('flow-filter-expression', {
      expression: 'host 189.22.36.165 and !(port 80 || port 443)',
      name: 'suspect',
    })
    expect(text).toContain('# flow-nfilter -f filter.cfg -F suspect')
    expect(text).toContain('filter-definition suspect')
    expect(text).toContain('permit 189.22.36.165')
    expect(text).not.toContain('host 189.22.36.165')
  })
  it('names the expression field and the position of a syntax error', async () => {
    await expect(
      generate('flow-filter-expression', { expression: 'port and and' }),
    ).rejects.toMatchObject({
      issues: [{ path: 'expression', message: expect.stringMatching(/line 1, column \d+/) }],
    })
  })
})
