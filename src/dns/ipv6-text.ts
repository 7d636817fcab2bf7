import ipaddr from 'ipaddr.js'

/**
 * An AAAA address as dig prints it: RFC 5952 text (lower case, the longest zero run compressed),
 * except that an address with an IPv4 address in its last 32 bits keeps that part dotted
 * (RFC 5952 §5): `::ffff:192.0.2.1`, not `::ffff:c000:201`. BIND's inet_ntop, which dig uses,
 * writes the dotted form for IPv4-mapped addresses (::ffff:0:0/96) and for the deprecated
 * IPv4-compatible ones (::a.b.c.d, RFC 4291 §2.5.5.1) but not for `::1` or `::`; so does this.
 * Text that is no IPv6 address comes back unchanged.
 *
 * @example formatAaaa('0:0:0:0:0:FFFF:C000:0201') // '::ffff:192.0.2.1'
 */
export function formatAaaa(text: string): string {
  if (!ipaddr.IPv6.isValid(text)) return text
  const address = ipaddr.IPv6.parse(text)
  const [w0, w1, w2, w3, w4, w5, w6] = address.parts
  const leadingZeros = [w0, w1, w2, w3, w4].every((w) => w === 0)
  const mapped = leadingZeros && w5 === 0xffff
  const compatible = leadingZeros && w5 === 0 && w6 !== 0
  if (!mapped && !compatible) return address.toString()
  const quad = address.toByteArray().slice(12).join('.')
  return mapped ? `::ffff:${quad}` : `::${quad}`
}
