import { z } from 'zod'
import {
  absFilePath,
  absPath,
  duplicateIssues,
  formatIpv6,
  hasNoHostBits,
  ipv6Bytes,
  isIpv4,
  isIpv4Mapped,
  prefixMaskByte,
} from './fields'
import { commentLines, defineGenerator } from './generator'

// No allow-all: a /0 is a syntax error to Apache, and short prefixes (0.0.0.0/1 twice) would
// admit nearly every client.
const MIN_IPV4_PREFIX = 8
const MIN_IPV6_PREFIX = 16

/** Why an allow entry is refused, or undefined. Apache reads `10/8` and `010.1.1.1` its own way. */
function networkProblem(s: string): string | undefined {
  if (!/^[0-9A-Fa-f:.]+(\/\d{1,3})?$/.test(s)) {
    return 'must be an IP address or CIDR block, e.g. 192.0.2.0/24 or 2001:db8::/48'
  }
  const [addr = '', lenText] = s.split('/')
  const v6 = addr.includes(':')
  const bytes = v6 ? ipv6Bytes(addr) : isIpv4(addr) ? addr.split('.').map(Number) : undefined
  if (!bytes) {
    return v6
      ? `${s}: not an IPv6 address`
      : `${s}: IPv4 must be four dotted decimal octets without leading zeros, e.g. 10.0.0.0/8`
  }
  if (v6 && addr.includes('.') && bytes.slice(0, 12).every((b) => b === 0)) {
    return `${s}: IPv4-compatible ::a.b.c.d is deprecated (RFC 4291 §2.5.5.1)`
  }
  if (v6 && isIpv4Mapped(bytes)) {
    return `${s}: Apache refuses IPv4-mapped addresses; give the IPv4 form, which also matches mapped clients`
  }
  const min = v6 ? MIN_IPV6_PREFIX : MIN_IPV4_PREFIX
  const max = v6 ? 128 : 32
  const len = lenText === undefined ? max : Number(lenText)
  if (len < min || len > max) {
    return `${s}: the prefix length must be /${min} to /${max} (there is no allow-all option)`
  }
  if (!hasNoHostBits(bytes, len)) {
    // Apache would mask them silently; say which network that is instead of guessing.
    const net = bytes.map((b, i) => b & prefixMaskByte(i, len))
    return `${s}: host bits are set after /${len}; the network is ${v6 ? formatIpv6(net) : net.join('.')}/${len}`
  }
  return undefined
}

/** An address or CIDR block as mod_authz_host's `Require ip` accepts it, normalised. */
const allowedNetwork = z
  .string()
  .max(49)
  .superRefine((s, ctx) => {
    const message = networkProblem(s)
    if (message) ctx.addIssue({ code: 'custom', message })
  })
  .transform((s) => {
    const [addr = '', len] = s.split('/')
    const printed = addr.includes(':') ? formatIpv6(ipv6Bytes(addr) ?? []) : addr
    return len === undefined ? printed : `${printed}/${Number(len)}`
  })

const urlPath = z
  .string()
  .max(200)
  .regex(/^(\/[A-Za-z0-9._-]+)+$/, 'must be a URL path like /smokeping (letters, digits, . _ -)')
  // Apache removes dot segments from every request (RFC 3986 §5.2.4) before mod_alias looks, so
  // `Alias /a/../b` or `<Location "/.">` would never match: a UI nobody can reach.
  .refine(
    (s) => !s.split('/').some((seg) => seg === '.' || seg === '..'),
    'must not contain . or .. segments (Apache removes them from requests, so the alias would never match)',
  )

const schema = z.object({
  urlPath: urlPath.default('/smokeping').describe('Where the UI appears on the web server'),
  cgi: absFilePath.default('/usr/lib/cgi-bin/smokeping.cgi').describe('The smokeping.cgi script'),
  www: absPath.default('/usr/share/smokeping/www').describe('Static files (JS, CSS)'),
  imgcache: absPath.default('/var/cache/smokeping/images').describe('General imgcache (graphs)'),
  allow: z
    .array(allowedNetwork)
    .min(1)
    .max(50)
    .superRefine((allow, ctx) => {
      for (const issue of duplicateIssues(allow, ['allow']))
        ctx.addIssue({ ...issue, path: issue.path.slice(1) })
    })
    .describe(
      'Networks allowed to see the UI (Require ip), at most 50: IPv4 /8 to /32 (four decimal octets), IPv6 /16 to /128; there is no allow-all option',
    ),
  allowLocal: z.boolean().default(true).describe('Also allow the server itself (Require local)'),
})

/** Apache 2.4 Alias/ScriptAlias block for SmokePing's web UI, restricted with Require ip. */
export const apacheSmokepingAlias = defineGenerator({
  kind: 'apache-smokeping-alias',
  title: 'Apache alias for the SmokePing web UI',
  purpose:
    'Save as /etc/apache2/conf-available/smokeping.conf; a2enmod cgid alias; a2enconf smokeping; apachectl configtest',
  comment: '#',
  filename: 'smokeping.conf',
  schema,
  render(a) {
    // Apache 2.4 authz (mod_authz_host): Require ip, never the 2.2 "Allow from All".
    const require = [
      ...(a.allowLocal ? ['    Require local'] : []),
      `    Require ip ${a.allow.join(' ')}`,
    ]
    return [
      `ScriptAlias ${a.urlPath}/smokeping.cgi ${a.cgi}`,
      `Alias ${a.urlPath}/images ${a.imgcache}`,
      `Alias ${a.urlPath} ${a.www}`,
      '',
      `<Location "${a.urlPath}">`,
      ...require,
      '</Location>',
      '',
      `<Directory "${a.www}">`,
      '    Options FollowSymLinks',
      '    AllowOverride None',
      `    DirectoryIndex ${a.urlPath}/smokeping.cgi`,
      ...require,
      '</Directory>',
      '',
      `<Directory "${a.imgcache}">`,
      '    Options None',
      '    AllowOverride None',
      ...require,
      '</Directory>',
      ...commentLines('#', [`UI: http://YOUR-SERVER${a.urlPath}/  (403 from anywhere else)`]),
    ].join('\n')
  },
})
