import ipaddr from 'ipaddr.js'
import { z } from 'zod'

/*
 * Field schemas shared by every generator. Each one accepts only what its consumer can parse and
 * nothing that could end a line, a quoted string or a shell word early: a value carrying a newline,
 * quote, backslash, comment character or shell metacharacter fails validation (422) and never
 * reaches the output. The character sets are allow-lists, not deny-lists.
 */

/** A dotted-quad IPv4 address, normalised (no leading zeros, no short forms like `10.1`). */
export const ipv4 = z
  .string()
  .max(15)
  .refine((s) => ipaddr.IPv4.isValidFourPartDecimal(s), 'must be a dotted-quad IPv4 address')
  .transform((s) => ipaddr.IPv4.parse(s).toString())

/** An IPv6 address without a zone id, printed in RFC 5952 form. */
export const ipv6 = z
  .string()
  .max(45)
  .refine((s) => /^[0-9A-Fa-f:.]+$/.test(s) && ipaddr.IPv6.isValid(s), 'must be an IPv6 address')
  .transform((s) => ipaddr.IPv6.parse(s).toString())

/** Either family, normalised. */
export const ipAddress = z
  .string()
  .max(45)
  .refine(
    (s) =>
      ipaddr.IPv4.isValidFourPartDecimal(s) ||
      (/^[0-9A-Fa-f:.]+$/.test(s) && ipaddr.IPv6.isValid(s)),
    'must be an IPv4 (dotted quad) or IPv6 address',
  )
  .transform((s) => ipaddr.parse(s).toString())

/** An IPv6 prefix `addr/len` with no host bits set, printed as `network/len`. */
export const ipv6Prefix = z
  .string()
  .max(49)
  .refine((s) => {
    if (!/^[0-9A-Fa-f:]+\/\d{1,3}$/.test(s) || !ipaddr.IPv6.isValidCIDR(s)) return false
    const [addr, len] = ipaddr.IPv6.parseCIDR(s)
    return ipaddr.IPv6.networkAddressFromCIDR(s).toString() === addr.toString() && len <= 128
  }, 'must be an IPv6 prefix like 2001:db8:5678::/64 (no host bits)')
  .transform((s) => {
    const [addr, len] = ipaddr.IPv6.parseCIDR(s)
    return `${addr.toString()}/${len}`
  })

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/i

/** True for an RFC 1123 host name: letters, digits and inner hyphens per label, 253 octets max. */
export function isHostname(s: string): boolean {
  const name = s.endsWith('.') ? s.slice(0, -1) : s
  if (name.length === 0 || name.length > 253) return false
  return name.split('.').every((l) => LABEL.test(l))
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
  .refine(
    (s) =>
      isHostname(s) ||
      ipaddr.IPv4.isValidFourPartDecimal(s) ||
      (/^[0-9A-Fa-f:.]+$/.test(s) && ipaddr.IPv6.isValid(s)),
    'must be an RFC 1123 host name or an IP address',
  )
  .transform((s) => (ipaddr.isValid(s) ? ipaddr.parse(s).toString() : s.toLowerCase()))

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

/** An absolute Unix path: `/` then segments of letters, digits, `. _ -`; no `..`. */
export const absPath = z
  .string()
  .max(200)
  .regex(/^(\/[A-Za-z0-9._-]+)+\/?$/, 'must be an absolute path of letters, digits and . _ -')
  .refine((s) => !s.split('/').includes('..'), 'must not contain ..')

/** An interface name as Linux accepts it (IFNAMSIZ 16 → at most 15 characters). */
export const interfaceName = z
  .string()
  .regex(
    /^[A-Za-z][A-Za-z0-9_.-]{0,14}$/,
    'must be a letter then up to 14 letters, digits, _ . - (Linux IFNAMSIZ)',
  )
