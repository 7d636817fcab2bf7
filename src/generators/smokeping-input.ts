import { z } from 'zod'
import { nestsDeeperThan, sectionNameClash } from '../checks/targets-model'
import { absFilePath, absPath, hostname, hostOrAddress, isIpv4, safeText } from './fields'

/*
 * The SmokePing generator's input: General paths, Database step/pings, the default probe and the
 * Targets tree. Which target variables are legal depends on the probe (SmokePing's _dyn grammar),
 * so the tree is checked as a whole.
 */
// Probe modules we generate (SmokePing 2.7.3 / 2.9 module names) and their Debian binaries.
export const PROBES = ['FPing', 'FPing6', 'TCPPing', 'DNS', 'Curl'] as const
export type ProbeName = (typeof PROBES)[number]
export const DEFAULT_BINARY: Record<ProbeName, string> = {
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

/*
 * Titles and menus as the stored tree (PUT /targets) writes them: Config::Grammar, SmokePing's
 * config reader, only cuts a comment at any `#` and joins a line ending in `\`, so the set is
 * wider than safeText (parentheses, brackets, %, &, ?, =, *, ~, any letter). Quotes, `<>`, `!`,
 * `;`, `$`, backtick, braces, `|` stay out: SmokePing's CGI puts titles into HTML. A host shown
 * as a menu (SmokePing's default) may start with `:` (`::1`).
 */
const TITLE =
  /^[\p{L}\p{N}([:](?:[\p{L}\p{M}\p{N} ._,:/@+()[\]%&?=*~-]*[\p{L}\p{M}\p{N}._,:/@+()[\]%&?=*~-])?$/u
const configText = (max: number) =>
  z
    .string()
    .max(max)
    .regex(
      TITLE,
      'may contain only letters, digits, spaces and . _ , : / @ + - ( ) [ ] % & ? = * ~ (starting with a letter, digit, ( or [ or : as an IPv6 host does, not ending with a space)',
    )

// Curl runs without a shell (exec of an argument list); `%host%` is optional (a URL may name its host).
const urlFormat = z
  .string()
  .max(1000)
  .regex(
    /^https?:\/\/[A-Za-z0-9._~:/?[\]@&()*+,=%-]+$/,
    'must be an http(s) URL template of letters, digits and . _ ~ : / ? [ ] @ & ( ) * + , = % - (%host% is replaced by the host)',
  )

/** Levels of targets below the root; checked before the recursive schema runs. */
export const MAX_DEPTH = 8

export type TargetNode = {
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
    z.strictObject({
      name: sectionName.describe('Section name (the + line); also the RRD file name'),
      title: configText(1000),
      menu: configText(1000).optional(),
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
  .strictObject({
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
    smokemail: absFilePath.default('/etc/smokeping/smokemail'),
    template: absFilePath.default('/etc/smokeping/basepage.html'),
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

export const smokepingSchema = z
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
      .partialRecord(z.enum(PROBES), absFilePath)
      .optional()
      .describe('Override probe binaries (Debian paths by default; tcpping is not packaged)'),
    targets: z.strictObject({
      title: configText(1000).default('Network latency'),
      menu: configText(1000).default('Top'),
      children: z.array(targetNode).min(1).max(500),
    }),
  })
  .superRefine((s, ctx) => {
    const walk = (
      nodes: TargetNode[],
      inherited: ProbeName,
      inheritedUrl: string | undefined,
      path: (string | number)[],
    ) => {
      const names = new Set<string>()
      nodes.forEach((n, i) => {
        const at = [...path, i]
        const probe = n.probe ?? inherited
        const url = n.urlformat ?? inheritedUrl
        const family = n.host === undefined ? undefined : addressFamily(n.host)
        // SmokePing's FPing passes `-4` (its `protocol` default) and FPing6 `-6`: fping then
        // refuses an address of the other family and the graph stays empty.
        if (probe === 'FPing' && family === 6)
          ctx.addIssue({
            code: 'custom',
            path: [...at, 'host'],
            message: 'FPing pings IPv4 only (fping -4): use probe FPing6 for an IPv6 address',
          })
        if (probe === 'FPing6' && family === 4)
          ctx.addIssue({
            code: 'custom',
            path: [...at, 'host'],
            message: 'FPing6 pings IPv6 only (fping -6): use probe FPing for an IPv4 address',
          })
        // Curl puts the host into the URL as it is: http://2001:db8::1/ is no URL (RFC 3986
        // §3.2.2 brackets an IPv6 literal). Without a urlformat the generator writes one.
        if (probe === 'Curl' && family === 6) {
          if (url !== undefined && !hostIsBracketed(url))
            ctx.addIssue({
              code: 'custom',
              path: [...at, n.urlformat !== undefined ? 'urlformat' : 'host'],
              message: `an IPv6 host needs [%host%] in urlformat (${url} puts the bare address into the URL), e.g. http://[%host%]/`,
            })
          else if (url === undefined && n.children?.length)
            ctx.addIssue({
              code: 'custom',
              path: [...at, 'urlformat'],
              message:
                'a group with an IPv6 host needs its own urlformat with [%host%] (its children inherit it), e.g. http://[%host%]/',
            })
        }
        if (names.has(n.name))
          ctx.addIssue({
            code: 'custom',
            path: [...at, 'name'],
            message: 'duplicate section name among siblings',
          })
        names.add(n.name)
        const clash = sectionNameClash(n.name)
        if (clash) ctx.addIssue({ code: 'custom', path: [...at, 'name'], message: clash })
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
        if (n.children) walk(n.children, probe, url, [...at, 'children'])
      })
    }
    walk(s.targets.children, s.probe, undefined, ['targets', 'children'])
    // Bounds the CPU of one request (validation is ~10 µs per target on a slow machine).
    if (count(s.targets.children) > MAX_TARGETS) {
      ctx.addIssue({
        code: 'custom',
        path: ['targets'],
        message: `at most ${MAX_TARGETS} targets in all`,
      })
    }
  })

const MAX_TARGETS = 1000

/** 4 or 6 for an address literal (as hostOrAddress prints it), undefined for a host name. */
export function addressFamily(host: string): 4 | 6 | undefined {
  if (host.includes(':')) return 6
  return isIpv4(host) ? 4 : undefined
}

/** True when every `%host%` in a URL template stands inside brackets (or there is none). */
export function hostIsBracketed(url: string): boolean {
  return !url.replaceAll('[%host%]', '').includes('%host%')
}

function count(nodes: TargetNode[] | undefined): number {
  return (nodes ?? []).reduce((n, node) => n + 1 + count(node.children), 0)
}

export type SmokepingInput = z.output<typeof smokepingSchema>

/**
 * The depth limit on raw input, without recursion: zod's recursive schema would overflow the
 * stack on a tree a few hundred levels deep (a 34 KB body), so this runs first.
 */
export function checkTargetDepth(raw: unknown): { path: string; message: string }[] {
  const targets =
    typeof raw === 'object' && raw !== null ? (raw as { targets?: unknown }).targets : undefined
  return nestsDeeperThan(targets, MAX_DEPTH)
    ? [{ path: 'targets', message: `at most ${MAX_DEPTH} levels of targets` }]
    : []
}
