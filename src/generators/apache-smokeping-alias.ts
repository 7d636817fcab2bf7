import ipaddr from 'ipaddr.js'
import { z } from 'zod'
import { absPath } from './fields'
import { commentLines, defineGenerator } from './generator'

/** An address or CIDR block as mod_authz_host's `Require ip` accepts it, normalised. */
const allowedNetwork = z
  .string()
  .max(49)
  .refine((s) => {
    if (!/^[0-9A-Fa-f:.]+(\/\d{1,3})?$/.test(s)) return false
    if (s.includes('/')) return ipaddr.isValidCIDR(s)
    return ipaddr.IPv4.isValidFourPartDecimal(s) || ipaddr.IPv6.isValid(s)
  }, 'must be an IP address or CIDR block, e.g. 192.0.2.0/24 or 2001:db8::/48')
  .transform((s) => {
    if (!s.includes('/')) return ipaddr.parse(s).toString()
    const [addr, len] = ipaddr.parseCIDR(s)
    return `${addr.toString()}/${len}`
  })

const urlPath = z
  .string()
  .regex(/^(\/[A-Za-z0-9._-]+)+$/, 'must be a URL path like /smokeping (letters, digits, . _ -)')

const schema = z.object({
  urlPath: urlPath.default('/smokeping').describe('Where the UI appears on the web server'),
  cgi: absPath.default('/usr/lib/cgi-bin/smokeping.cgi').describe('The smokeping.cgi script'),
  www: absPath.default('/usr/share/smokeping/www').describe('Static files (JS, CSS)'),
  imgcache: absPath.default('/var/cache/smokeping/images').describe('General imgcache (graphs)'),
  allow: z
    .array(allowedNetwork)
    .min(1)
    .max(50)
    .describe('Networks allowed to see the UI (Require ip); there is no allow-all option'),
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
