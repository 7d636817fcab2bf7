import { z } from 'zod'
import { absPath, hostname, hostOrAddress, safeText } from './fields'
import { defineGenerator } from './generator'

// Probe modules we generate (SmokePing 2.7.3 / 2.9 module names) and their Debian binaries.
const PROBES = ['FPing', 'FPing6', 'TCPPing', 'DNS', 'Curl'] as const
type ProbeName = (typeof PROBES)[number]
const DEFAULT_BINARY: Record<ProbeName, string> = {
  FPing: '/usr/bin/fping',
  FPing6: '/usr/bin/fping6',
  TCPPing: '/usr/bin/tcpping',
  DNS: '/usr/bin/dig',
  Curl: '/usr/bin/curl',
}

// Section names: SmokePing rejects dots ("unknown section 'Loop.back'"); keep to a safe subset.
const sectionName = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,40}$/, 'must be 1-40 letters, digits, _ or - (no dots, no spaces)')

const urlFormat = z
  .string()
  .max(200)
  .regex(
    /^https?:\/\/%host%(:\d{1,5})?(\/[A-Za-z0-9._~/-]*)?$/,
    'must be http(s)://%host%[:port][/path] (letters, digits, . _ ~ / - in the path)',
  )

type TargetNode = {
  name: string
  title: string
  menu?: string | undefined
  probe?: ProbeName | undefined
  host?: string | undefined
  port?: number | undefined
  lookup?: string | undefined
  urlformat?: string | undefined
  children?: TargetNode[] | undefined
}

const targetNode: z.ZodType<TargetNode> = z
  .lazy(() =>
    z.object({
      name: sectionName.describe('Section name (the + line); also the RRD file name'),
      title: safeText(100),
      menu: safeText(40).optional(),
      probe: z.enum(PROBES).optional().describe('Probe for this subtree (inherited)'),
      host: hostOrAddress.optional().describe('Leaf: the host to probe (DNS: the DNS server)'),
      port: z.number().int().min(1).max(65535).optional().describe('TCPPing only: TCP port'),
      lookup: hostname.optional().describe('DNS only: the name to look up'),
      urlformat: urlFormat.optional().describe('Curl only: URL template, %host% is replaced'),
      children: z.array(targetNode).max(500).optional(),
    }),
  )
  .meta({ id: 'SmokepingTarget' }) // a named $ref lets the OpenAPI document describe the recursion

const general = z
  .object({
    owner: safeText(60).default('edgeping'),
    contact: z
      .string()
      .max(100)
      .regex(/^[A-Za-z0-9._+-]+@[A-Za-z0-9.-]+$/, 'must be an e-mail address')
      .default('root@localhost'),
    cgiurl: z
      .string()
      .max(200)
      .regex(/^https?:\/\/[A-Za-z0-9.:[\]-]+(\/[A-Za-z0-9._~/-]*)?$/, 'must be an http(s) URL')
      .default('http://localhost/cgi-bin/smokeping.cgi'),
    imgcache: absPath.default('/var/cache/smokeping/images'),
    imgurl: z
      .string()
      .regex(/^[A-Za-z0-9._~/:-]{1,200}$/, 'must be a URL path or URL')
      .default('/smokeping/images'),
    datadir: absPath.default('/var/lib/smokeping'),
    piddir: absPath.default('/var/run/smokeping'),
    smokemail: absPath.default('/etc/smokeping/smokemail'),
    template: absPath.default('/etc/smokeping/basepage.html'),
  })
  .default({
    owner: 'edgeping',
    contact: 'root@localhost',
    cgiurl: 'http://localhost/cgi-bin/smokeping.cgi',
    imgcache: '/var/cache/smokeping/images',
    imgurl: '/smokeping/images',
    datadir: '/var/lib/smokeping',
    piddir: '/var/run/smokeping',
    smokemail: '/etc/smokeping/smokemail',
    template: '/etc/smokeping/basepage.html',
  })

const schema = z
  .object({
    mode: z
      .enum(['full', 'targets'])
      .default('full')
      .describe('full config or the *** Targets *** section only'),
    general,
    step: z.number().int().min(1).max(86400).default(300).describe('Seconds between rounds'),
    pings: z
      .number()
      .int()
      .min(3)
      .max(100)
      .default(20)
      .describe('Pings per round (SmokePing needs ≥ 3)'),
    probe: z.enum(PROBES).default('FPing').describe('Default probe for the whole tree'),
    binaries: z
      .partialRecord(z.enum(PROBES), absPath)
      .optional()
      .describe('Override probe binaries (Debian paths by default; tcpping is not packaged)'),
    targets: z.object({
      title: safeText(100).default('Network latency'),
      menu: safeText(40).default('Top'),
      children: z.array(targetNode).min(1).max(500),
    }),
  })
  .superRefine((s, ctx) => {
    const walk = (nodes: TargetNode[], inherited: ProbeName, path: (string | number)[]) => {
      const names = new Set<string>()
      nodes.forEach((n, i) => {
        const at = [...path, i]
        const probe = n.probe ?? inherited
        if (names.has(n.name))
          ctx.addIssue({
            code: 'custom',
            path: [...at, 'name'],
            message: 'duplicate section name among siblings',
          })
        names.add(n.name)
        if (n.port !== undefined && probe !== 'TCPPing')
          ctx.addIssue({
            code: 'custom',
            path: [...at, 'port'],
            message: 'port is a TCPPing variable',
          })
        if (n.lookup !== undefined && probe !== 'DNS')
          ctx.addIssue({
            code: 'custom',
            path: [...at, 'lookup'],
            message: 'lookup is a DNS probe variable',
          })
        if (n.urlformat !== undefined && probe !== 'Curl')
          ctx.addIssue({
            code: 'custom',
            path: [...at, 'urlformat'],
            message: 'urlformat is a Curl variable',
          })
        if (!n.host && !n.children?.length)
          ctx.addIssue({
            code: 'custom',
            path: [...at, 'host'],
            message: 'a leaf target needs a host',
          })
        if (n.children) walk(n.children, probe, [...at, 'children'])
      })
    }
    walk(s.targets.children, s.probe, ['targets', 'children'])
    if (depth(s.targets.children) > 8) {
      ctx.addIssue({ code: 'custom', path: ['targets'], message: 'at most 8 levels of targets' })
    }
  })

type SmokepingInput = z.output<typeof schema>

function depth(nodes: TargetNode[] | undefined): number {
  if (!nodes || nodes.length === 0) return 0
  return 1 + Math.max(...nodes.map((n) => depth(n.children)))
}

function usedProbes(s: SmokepingInput): ProbeName[] {
  const used = new Set<ProbeName>([s.probe])
  const walk = (nodes: TargetNode[]) => {
    for (const n of nodes) {
      if (n.probe) used.add(n.probe)
      if (n.children) walk(n.children)
    }
  }
  walk(s.targets.children)
  return PROBES.filter((p) => used.has(p))
}

function renderNode(n: TargetNode, level: number): string[] {
  const lines = ['', `${'+'.repeat(level)} ${n.name}`]
  if (n.probe) lines.push(`probe = ${n.probe}`)
  lines.push(`menu = ${n.menu ?? n.title}`, `title = ${n.title}`)
  if (n.host) lines.push(`host = ${n.host}`)
  if (n.port !== undefined) lines.push(`port = ${n.port}`)
  if (n.lookup) lines.push(`lookup = ${n.lookup}`)
  if (n.urlformat) lines.push(`urlformat = ${n.urlformat}`)
  for (const c of n.children ?? []) lines.push(...renderNode(c, level + 1))
  return lines
}

function renderTargets(s: SmokepingInput): string[] {
  return [
    '*** Targets ***',
    '',
    `probe = ${s.probe}`,
    `menu = ${s.targets.menu}`,
    `title = ${s.targets.title}`,
    ...s.targets.children.flatMap((n) => renderNode(n, 1)),
  ]
}

function renderProbes(s: SmokepingInput): string[] {
  const lines = ['*** Probes ***']
  for (const p of usedProbes(s)) {
    lines.push('', `+ ${p}`, `binary = ${s.binaries?.[p] ?? DEFAULT_BINARY[p]}`)
    // urlformat is a mandatory Curl target variable; a probe-level value is the default for all.
    if (p === 'Curl') lines.push('urlformat = http://%host%/')
    if (p === 'TCPPing') lines.push('forks = 5')
  }
  return lines
}

function renderFull(s: SmokepingInput): string[] {
  const g = s.general
  return [
    '*** General ***',
    '',
    `owner    = ${g.owner}`,
    `contact  = ${g.contact}`,
    `cgiurl   = ${g.cgiurl}`,
    `imgcache = ${g.imgcache}`,
    `imgurl   = ${g.imgurl}`,
    `datadir  = ${g.datadir}`,
    `piddir   = ${g.piddir}`,
    `smokemail = ${g.smokemail}`,
    '',
    '*** Database ***',
    '',
    `step  = ${s.step}`,
    `pings = ${s.pings}`,
    '# consfn mrhb steps total (Debian defaults: 5 min for 3.5 days, 1 h for 180 days, 12 h for 360 days)',
    'AVERAGE  0.5   1  1008',
    'AVERAGE  0.5  12  4320',
    '    MIN  0.5  12  4320',
    '    MAX  0.5  12  4320',
    'AVERAGE  0.5 144   720',
    '    MAX  0.5 144   720',
    '    MIN  0.5 144   720',
    '',
    '*** Presentation ***',
    '',
    `template = ${g.template}`,
    '',
    '+ overview',
    'width = 600',
    'height = 50',
    'range = 10h',
    '',
    '+ detail',
    'width = 600',
    'height = 200',
    'unison_tolerance = 2',
    '"Last 3 Hours"    3h',
    '"Last 30 Hours"   30h',
    '"Last 10 Days"    10d',
    '"Last 360 Days"   360d',
    '',
    ...renderProbes(s),
    '',
  ]
}

/** SmokePing: a full config (General, Database, Presentation, Probes, Targets) or the Targets only. */
export const smokeping = defineGenerator({
  kind: 'smokeping',
  title: 'SmokePing configuration',
  purpose:
    'Full: save as /etc/smokeping/config; targets: save as /etc/smokeping/config.d/Targets. Then: smokeping --check',
  comment: '#',
  filename: 'config',
  schema,
  render(s) {
    const targets = renderTargets(s)
    return (s.mode === 'full' ? [...renderFull(s), ...targets] : targets).join('\n')
  },
})
