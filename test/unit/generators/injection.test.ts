import { describe, expect, it } from 'vitest'
import { GeneratorInputError } from '../../../src/generators/generator'
import { GENERATORS } from '../../../src/generators/registry'
import { DOC_TUNNEL, generate } from './helpers'

/**
 * Every generator, every field: a value carrying a line break, quote, backslash, comment
 * character, shell metacharacter, NUL or Unicode line separator must be refused with an error
 * naming that field, and nothing is rendered.
 */
const CORPUS = [
  '\n',
  '\r',
  '\r\n#',
  '"',
  "'",
  '\\',
  '#',
  ';',
  '$(id)',
  '`id`',
  '\0',
  '\u2028',
  '\u2029',
  '\u0085',
  '\t',
  '{',
  '}',
  '|',
  '<',
  '>',
  '%{',
  '!',
  '\u202e',
  '\uff03', // fullwidth number sign
  '@{ADDR}', // flow-nfilter variable expansion
]

const TUNNEL_KINDS = [
  ['freebsd', {}],
  ['openbsd', {}],
  ['netbsd', {}],
  ['macos', {}],
  ['linux-iproute2', {}],
  ['linux-net-tools', {}],
  ['debian-interfaces', {}],
  ['netplan', {}],
  ['systemd-networkd', {}],
  ['windows-netsh', {}],
  ['mikrotik', {}],
  ['cisco-ios', {}],
  ['junos', {}],
  ['vyos', {}],
  ['edgeos', {}],
] as const

const IFACE: Record<string, string> = {
  freebsd: 'gif1',
  openbsd: 'gif1',
  netbsd: 'gif1',
  macos: 'gif1',
  'linux-net-tools': 'sit2',
  'cisco-ios': 'Tunnel1',
  junos: 'ip-0/0/1',
  vyos: 'tun1',
  edgeos: 'tun1',
}

/** A valid input per generator, with every optional string field filled so it is tested too. */
const BASELINES: Record<string, Record<string, unknown>> = {
  ...Object.fromEntries(
    TUNNEL_KINDS.map(([kind]) => [
      kind,
      {
        ...DOC_TUNNEL,
        routedPrefix: '2001:db8:5678::/64',
        interface: IFACE[kind] ?? 'tun6',
        prefixLength: 64,
        mtu: 1480,
        ...(kind === 'freebsd' ? { style: 'rc.conf-legacy' } : {}),
      },
    ]),
  ),
  'resolv-conf': {
    nameservers: ['2001:470:20::2', '74.82.42.42'],
    search: ['example.com'],
    ndots: 1,
    timeout: 2,
    attempts: 2,
    rotate: true,
    edns0: true,
  },
  'zone-records': {
    origin: 'example.com',
    ttl: 300,
    include: 'both',
    lookup: false,
    hosts: [{ name: 'www', ipv4: ['192.0.2.10'], ipv6: ['2001:db8::63'] }],
  },
  smokeping: {
    mode: 'full',
    step: 300,
    pings: 20,
    probe: 'FPing',
    general: {
      owner: 'edgeping',
      contact: 'ops@example.com',
      cgiurl: 'http://127.0.0.1/smokeping.cgi',
      imgcache: '/var/cache/smokeping/images',
      imgurl: '/smokeping/images',
      datadir: '/var/lib/smokeping',
      piddir: '/var/run/smokeping',
      smokemail: '/etc/smokeping/smokemail',
      template: '/etc/smokeping/basepage.html',
    },
    binaries: { TCPPing: '/usr/local/bin/tcpping' },
    targets: {
      title: 'Latency',
      menu: 'Top',
      children: [
        {
          name: 'Group',
          title: 'A group',
          menu: 'Group',
          children: [
            {
              name: 'web',
              title: 'Web',
              probe: 'Curl',
              host: 'www.example.com',
              urlformat: 'https://%host%/',
            },
            { name: 'ssh', title: 'SSH', probe: 'TCPPing', host: '192.0.2.22', port: 22 },
            {
              name: 'dns',
              title: 'DNS',
              probe: 'DNS',
              host: '2001:db8::53',
              lookup: 'example.com',
            },
          ],
        },
      ],
    },
  },
  modsecurity: {
    terms: ['porn', 'spam.example'],
    baseId: 5000,
    phase: 1,
    status: 403,
    caseMode: 'lowercase',
    rbl: 'zen.spamhaus.org',
    debugLog: '/var/log/apache2/modsec_debug.log',
    debugLogLevel: 3,
  },
  'nginx-referer-map': { terms: ['porn'], status: 403 },
  'apache-referer-rewrite': { terms: ['porn'], status: 403 },
  'flow-filter-expression': { expression: 'host 189.22.36.165 and not port 80', name: 'suspect' },
  'flow-filter': {
    primitives: [
      {
        name: 'WEB',
        type: 'ip-port',
        rules: [{ action: 'permit', value: '80,443' }],
        default: 'deny',
      },
      {
        name: 'NET',
        type: 'ip-address-prefix',
        rules: [{ action: 'permit', value: '192.0.2.0/24' }],
      },
      { name: 'BIG', type: 'counter', rules: [{ action: 'permit', value: 'gt 100' }] },
    ],
    definitions: [
      {
        name: 'web-from-net',
        invert: false,
        groups: [
          [
            { match: 'ip-destination-port', primitive: 'WEB' },
            { match: 'ip-source-address', primitive: 'NET' },
          ],
        ],
      },
    ],
  },
  'syslog-conf': {
    facility: 'local7',
    priority: 'info',
    exact: false,
    file: '/var/log/flow-capture.log',
    sync: false,
  },
  'apache-smokeping-alias': {
    urlPath: '/smokeping',
    cgi: '/usr/lib/cgi-bin/smokeping.cgi',
    www: '/usr/share/smokeping/www',
    imgcache: '/var/cache/smokeping/images',
    allow: ['192.0.2.0/24', '2001:db8::/48'],
    allowLocal: true,
  },
}

type Leaf = { path: (string | number)[]; value: string | number | boolean }

function leaves(value: unknown, path: (string | number)[] = []): Leaf[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => leaves(v, [...path, i]))
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => leaves(v, [...path, k]))
  }
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
    return [{ path, value }]
  }
  return []
}

function replaced(input: unknown, path: (string | number)[], value: unknown): unknown {
  const copy = structuredClone(input) as Record<string | number, unknown>
  let node = copy
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>
  const last = path[path.length - 1]
  if (last !== undefined) node[last] = value
  return copy
}

describe('the injection corpus', () => {
  it('has a baseline for every registered generator', () => {
    expect(Object.keys(BASELINES).sort()).toEqual(GENERATORS.map((g) => g.kind).sort())
  })

  for (const g of GENERATORS) {
    const baseline = BASELINES[g.kind]
    describe(g.kind, () => {
      it('renders the baseline', async () => {
        expect(await generate(g.kind, baseline)).toContain(g.title)
      })

      for (const leaf of leaves(baseline)) {
        const field = leaf.path.join('.')
        it(`refuses every payload in ${field}, naming the field`, async () => {
          // `!`, `|`, `<`, `>` are the grammar of an nfdump expression (not, or, comparisons); its
          // output is printed from the parsed tree, never copied, so they cannot smuggle anything.
          const corpus =
            g.kind === 'flow-filter-expression' && field === 'expression'
              ? CORPUS.filter((p) => !['!', '|', '<', '>'].includes(p))
              : CORPUS
          const variants = corpus.flatMap((p) => [
            p,
            `${leaf.value}${p}`,
            `${p}${leaf.value}`,
            `${leaf.value}${p}x`,
          ])
          for (const bad of variants) {
            let error: unknown
            let output = ''
            try {
              output = await generate(g.kind, replaced(baseline, leaf.path, bad))
            } catch (e) {
              error = e
            }
            expect(output, `${field} = ${JSON.stringify(bad)} reached the output`).toBe('')
            expect(error).toBeInstanceOf(GeneratorInputError)
            const paths = (error as GeneratorInputError).issues.map((i) => i.path)
            expect(
              paths.some((p) => p === field || p.startsWith(`${field}.`)),
              `${field} = ${JSON.stringify(bad)} gave ${paths.join(', ')}`,
            ).toBe(true)
          }
        })
      }
    })
  }
})
