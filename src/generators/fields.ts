import ipaddr from 'ipaddr.js'
import { z } from 'zod'

/*
 * Field schemas shared by every generator. Each one accepts only what its consumer can parse and
 * nothing that could end a line, a quoted string or a shell word early: a value carrying a newline,
 * quote, backslash, comment character or shell metacharacter fails validation (422) and never
 * reaches the output. The character sets are allow-lists, not deny-lists.
 */

// A dotted quad without leading zeros is already canonical; a regex is much cheaper than
// ipaddr.js here (it parses through exceptions), which matters for long target lists.
const OCTET = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)'
const DOTTED_QUAD = new RegExp(`^${OCTET}(?:\\.${OCTET}){3}$`)

/** True for a dotted-quad IPv4 address in canonical form (no leading zeros, no short forms). */
export function isIpv4(s: string): boolean {
  return DOTTED_QUAD.test(s)
}

/** A dotted-quad IPv4 address (no leading zeros, no short forms like `10.1`). */
export const ipv4 = z.string().max(15).refine(isIpv4, 'must be a dotted-quad IPv4 address')

/*
 * Rule for every IPv6 field: print exactly the 16 bytes that were sent (RFC 5952 form,
 * IPv4-mapped as ::ffff:a.b.c.d), and refuse the deprecated IPv4-compatible form `::a.b.c.d`.
 * ipaddr.js parses and prints, with two corrections: it reads `::a.b.c.d` as ::ffff:a.b.c.d
 * (another address), and prints IPv4-mapped addresses as `::ffff:102:304`.
 */

/** The 16 bytes of an IPv6 address in RFC 4291 §2.2 text form (no zone id), or undefined. */
export function ipv6Bytes(s: string): number[] | undefined {
  if (s.length > 45 || !/^[0-9A-Fa-f:.]+$/.test(s)) return undefined
  let text = s
  if (s.includes('.')) {
    // §2.2 form 3: a trailing dotted quad (canonical, as every IPv4 field) is the last two
    // groups; handed to ipaddr.js as those groups, so its `::a.b.c.d` special case never fires.
    const colon = s.lastIndexOf(':')
    const quad = s.slice(colon + 1)
    if (colon < 0 || !isIpv4(quad)) return undefined
    const [a = 0, b = 0, c = 0, d = 0] = quad.split('.').map(Number)
    text = `${s.slice(0, colon + 1)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`
  }
  return ipaddr.IPv6.isValid(text) ? ipaddr.IPv6.parse(text).toByteArray() : undefined
}

/** RFC 5952 text of 16 bytes; an IPv4-mapped address keeps its dotted quad (§5). */
export function formatIpv6(bytes: readonly number[]): string {
  if (isIpv4Mapped(bytes)) return `::ffff:${bytes.slice(12, 16).join('.')}`
  return ipaddr.fromByteArray([...bytes]).toString()
}

/** True when the 16 bytes are IPv4-mapped (::ffff:0:0/96). */
export function isIpv4Mapped(bytes: readonly number[]): boolean {
  return bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff
}

/** Why `s` is not an IPv6 address we print exactly (`invalid` for bad syntax), or undefined. */
function ipv6Problem(s: string, invalid: string): string | undefined {
  const bytes = ipv6Bytes(s)
  if (!bytes) return invalid
  if (s.includes('.') && bytes.slice(0, 12).every((b) => b === 0)) {
    return 'must not be IPv4-compatible ::a.b.c.d (deprecated by RFC 4291 §2.5.5.1); an IPv4-mapped address is ::ffff:a.b.c.d'
  }
  return undefined
}

/** RFC 5952 text of a valid IPv6 address (see ipv6Problem). */
function normaliseIpv6(s: string): string {
  return formatIpv6(ipv6Bytes(s) ?? [])
}

/** An IPv6 address without a zone id, printed in RFC 5952 form (IPv4-mapped as ::ffff:a.b.c.d). */
export const ipv6 = z
  .string()
  .max(45)
  .superRefine((s, ctx) => {
    const message = ipv6Problem(s, 'must be an IPv6 address')
    if (message) ctx.addIssue({ code: 'custom', message })
  })
  .transform(normaliseIpv6)

/** Either family, normalised. */
export const ipAddress = z
  .string()
  .max(45)
  .superRefine((s, ctx) => {
    if (isIpv4(s)) return
    const message = ipv6Problem(s, 'must be an IPv4 (dotted quad) or IPv6 address')
    if (message) ctx.addIssue({ code: 'custom', message })
  })
  .transform((s) => (isIpv4(s) ? s : normaliseIpv6(s)))

/** An IPv6 prefix `addr/len` with no host bits set, printed as `network/len`. */
export const ipv6Prefix = z
  .string()
  .max(49)
  .refine((s) => {
    const parts = /^([0-9A-Fa-f:]+)\/(\d{1,3})$/.exec(s)
    const bytes = ipv6Bytes(parts?.[1] ?? '')
    const len = Number(parts?.[2])
    return bytes !== undefined && len <= 128 && hasNoHostBits(bytes, len)
  }, 'must be an IPv6 prefix like 2001:db8:5678::/64 (no host bits)')
  .transform((s) => {
    const [addr = '', len = ''] = s.split('/')
    return `${normaliseIpv6(addr)}/${Number(len)}`
  })

/** True when every bit after the first `len` is zero. */
export function hasNoHostBits(bytes: readonly number[], len: number): boolean {
  return bytes.every((b, i) => (b & ~prefixMaskByte(i, len) & 0xff) === 0)
}

/** The netmask byte at `index` for a prefix of `len` bits. */
export function prefixMaskByte(index: number, len: number): number {
  const bits = Math.max(0, Math.min(8, len - index * 8))
  return (0xff << (8 - bits)) & 0xff
}

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/i

/** True for an RFC 1123 host name: letters, digits and inner hyphens per label, 253 octets max. */
export function isHostname(s: string): boolean {
  const name = s.endsWith('.') ? s.slice(0, -1) : s
  if (name.length === 0 || name.length > 253) return false
  const labels = name.split('.')
  // RFC 3696 §2: a top-level label is never all-numeric, so 192.0.2.1 is an address, not a name.
  if (/^\d+$/.test(labels[labels.length - 1] ?? '')) return false
  return labels.every((l) => LABEL.test(l))
}

/** An RFC 1123 host name (a trailing dot is allowed), lower-cased. */
export const hostname = z
  .string()
  .max(254)
  .refine(isHostname, 'must be an RFC 1123 host name (letters, digits, hyphens, dots)')
  .transform((s) => s.toLowerCase())

/** A host name or an IP address. */
export const hostOrAddress = z
  .string()
  .max(254)
  // Names first: they are the common case and cheap to check.
  .superRefine((s, ctx) => {
    if (isHostname(s) || isIpv4(s)) return
    const message = ipv6Problem(s, 'must be an RFC 1123 host name or an IP address')
    if (message) ctx.addIssue({ code: 'custom', message })
  })
  .transform((s) => {
    if (isHostname(s)) return s.toLowerCase()
    return isIpv4(s) ? s : normaliseIpv6(s)
  })

/**
 * Free text for descriptions, titles and log messages: letters, digits, space and `. _ , : / @ + -`.
 * No quotes, backslash, `#`, `;`, `$`, backtick, brackets or control characters, so it is safe
 * inside any quoting style the generators use.
 */
export const safeText = (max = 80) =>
  z
    .string()
    .min(1)
    .max(max)
    .regex(
      /^[A-Za-z0-9][A-Za-z0-9 ._,:/@+-]*$/,
      'may contain only letters, digits, spaces and . _ , : / @ + - (and must start with a letter or digit)',
    )

/**
 * Issues for list entries equal to an earlier one under `key` (e.g. lower-cased): each names the
 * repeat (`search.2`) and the entry it repeats, so a list never renders the same line twice.
 */
export function duplicateIssues<T>(
  items: readonly T[],
  path: readonly (string | number)[],
  key: (item: T) => string = String,
  hint = '',
): { code: 'custom'; path: (string | number)[]; message: string }[] {
  const first = new Map<string, number>()
  const issues: { code: 'custom'; path: (string | number)[]; message: string }[] = []
  items.forEach((item, i) => {
    const k = key(item)
    const at = first.get(k)
    if (at === undefined) first.set(k, i)
    else {
      issues.push({
        code: 'custom',
        path: [...path, i],
        message: `duplicates ${[...path, at].join('.')}${hint}`,
      })
    }
  })
  return issues
}

/** An absolute Unix path: `/` then segments of letters, digits, `. _ -`; no `..`. */
export const absPath = z
  .string()
  .max(200)
  .regex(/^(\/[A-Za-z0-9._-]+)+\/?$/, 'must be an absolute path of letters, digits and . _ -')
  .refine((s) => !s.split('/').includes('..'), 'must not contain ..')

/**
 * An absolute path that names a file (a log, a script, a binary): an absPath without a trailing
 * `/` and not ending in `.`, which would name a directory (`local7.* /var/log/` makes syslogd
 * try to open the directory, and ModSecurity fails to open a SecDebugLog there).
 */
export const absFilePath = absPath.refine(
  (s) => !s.endsWith('/') && !s.endsWith('/.'),
  'must name a file: no trailing / or /.',
)

/** An interface name as Linux accepts it (IFNAMSIZ 16 → at most 15 characters). */
export const interfaceName = z
  .string()
  .regex(
    /^[A-Za-z][A-Za-z0-9_.-]{0,14}$/,
    'must be a letter then up to 14 letters, digits, _ . - (Linux IFNAMSIZ)',
  )
