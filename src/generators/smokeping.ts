/*
 * SmokePing's config text (Config::Grammar sections `*** Name ***`, `+`/`++` subsections,
 * `key = value` lines, the Database RRA table). Paths default to Debian's smokeping package.
 */
import { defineGenerator } from './generator'
import {
  addressFamily,
  checkTargetDepth,
  DEFAULT_BINARY,
  PROBES,
  type ProbeName,
  type SmokepingInput,
  smokepingSchema,
  type TargetNode,
} from './smokeping-input'

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

/** What a target inherits from its parents: the probe, and a urlformat set above it. */
type Inherited = { probe: ProbeName; urlformat: string | undefined }

function renderNode(n: TargetNode, level: number, inherited: Inherited): string[] {
  const lines = ['', `${'+'.repeat(level)} ${n.name}`]
  const probe = n.probe ?? inherited.probe
  let urlformat = n.urlformat
  // The Probes section's default http://%host%/ would put a bare IPv6 address into the URL. A
  // leaf only: children would inherit the brackets (the schema asks a group for a urlformat).
  if (
    probe === 'Curl' &&
    !urlformat &&
    !inherited.urlformat &&
    !n.children?.length &&
    n.host &&
    addressFamily(n.host) === 6
  ) {
    urlformat = 'http://[%host%]/'
  }
  if (n.probe) lines.push(`probe = ${n.probe}`)
  lines.push(`menu = ${n.menu ?? n.title}`, `title = ${n.title}`)
  if (n.host) lines.push(`host = ${n.host}`)
  if (n.port !== undefined) lines.push(`port = ${n.port}`)
  if (n.lookup) lines.push(`lookup = ${n.lookup}`)
  if (urlformat) lines.push(`urlformat = ${urlformat}`)
  const below = { probe, urlformat: n.urlformat ?? inherited.urlformat }
  for (const c of n.children ?? []) lines.push(...renderNode(c, level + 1, below))
  return lines
}

function renderTargets(s: SmokepingInput): string[] {
  return [
    '*** Targets ***',
    '',
    `probe = ${s.probe}`,
    `menu = ${s.targets.menu}`,
    `title = ${s.targets.title}`,
    ...s.targets.children.flatMap((n) =>
      renderNode(n, 1, { probe: s.probe, urlformat: undefined }),
    ),
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
  schema: smokepingSchema,
  preflight: checkTargetDepth,
  render(s) {
    const targets = renderTargets(s)
    return (s.mode === 'full' ? [...renderFull(s), ...targets] : targets).join('\n')
  },
})
