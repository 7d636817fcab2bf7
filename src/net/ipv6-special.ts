import ipaddr from 'ipaddr.js'

/**
 * An IPv6 address outside plain global unicast, as the target policy names it.
 * - `transition`: the packet ends at (or is translated to) an IPv4 address, which may be a private
 *   one (`64:ff9b::7f00:1` is 127.0.0.1 behind a NAT64), so judging the IPv6 text proves nothing;
 * - `local`: meant for one site or host, like a private range;
 * - `never`: not routable on the Internet.
 */
export type Ipv6Special = {
  kind: 'transition' | 'local' | 'never'
  /** For messages: "a NAT64 address (64:ff9b::/96)". */
  label: string
  /** The IPv4 address the transition address reaches, when the address itself says. */
  embedded?: ipaddr.IPv4
}

type Words = readonly number[]

function v4(hi: number, lo: number): ipaddr.IPv4 {
  return new ipaddr.IPv4([hi >> 8, hi & 0xff, lo >> 8, lo & 0xff])
}

/** Keyed by ipaddr.js's range names (ipaddr.js 2.5 `IPv6.prototype.SpecialRanges`). */
const BY_RANGE: Record<string, (w: Words) => Ipv6Special> = {
  // RFC 6052 §2.2: with the well-known /96 prefix the IPv4 address is the last 32 bits. The
  // local-use 64:ff9b:1::/48 (RFC 8215) lets the operator pick the prefix length, so the embedded
  // address cannot be read off with certainty.
  rfc6052: (w) =>
    w[1] === 0xff9b && w[2] === 0
      ? {
          kind: 'transition',
          label: 'a NAT64 address (64:ff9b::/96)',
          embedded: v4(w[6] ?? 0, w[7] ?? 0),
        }
      : { kind: 'transition', label: 'a local-use NAT64 address (64:ff9b:1::/48)' },
  // RFC 6145 (SIIT, now RFC 7915): IPv4-translated addresses, the IPv4 address in the last 32 bits.
  rfc6145: (w) => ({
    kind: 'transition',
    label: 'an IPv4-translated (SIIT) address (::ffff:0:0:0/96)',
    embedded: v4(w[6] ?? 0, w[7] ?? 0),
  }),
  // RFC 3056 §2: 2002:V4ADDR::/48, the relay's IPv4 address in bits 16-47.
  '6to4': (w) => ({
    kind: 'transition',
    label: 'a 6to4 address (2002::/16)',
    embedded: v4(w[1] ?? 0, w[2] ?? 0),
  }),
  // RFC 4380 §4: the client's IPv4 address is the last 32 bits, every bit inverted.
  teredo: (w) => ({
    kind: 'transition',
    label: 'a Teredo address (2001::/32)',
    embedded: v4((w[6] ?? 0) ^ 0xffff, (w[7] ?? 0) ^ 0xffff),
  }),
  // RFC 3879 deprecated site-local addresses, but a network may still route them internally.
  deprecatedSiteLocal: () => ({
    kind: 'local',
    label: 'a deprecated site-local address (fec0::/10)',
  }),
  // RFC 6666: a discard-only prefix, routed to nowhere on purpose.
  discard: () => ({ kind: 'never', label: 'a discard-only address (100::/64)' }),
  deprecatedOrchid: () => ({ kind: 'never', label: 'an ORCHID address (2001:10::/28)' }),
  segmentRouting: () => ({ kind: 'never', label: 'a segment routing SID (5f00::/16)' }),
}

/**
 * Classifies an IPv6 address that none of the policy's plain ranges (loopback, link-local,
 * unique-local, multicast, documentation...) caught. Null means plain global unicast: inside
 * 2000::/3, the only block IANA allocates from (RFC 4291 §2.4), and in no special range.
 */
export function classifyIpv6(ip: ipaddr.IPv6, range: string): Ipv6Special | null {
  const w = ip.parts
  const special = BY_RANGE[range]
  if (special) return special(w)
  if (range !== 'unicast') {
    return { kind: 'local', label: `a special-purpose (${range}) address` }
  }
  // RFC 4291 §2.5.5.1: ::a.b.c.d, "IPv4-compatible", deprecated; a stack that still honours it
  // sends to a.b.c.d (ipaddr.js calls it unicast). :: and ::1 never get here (their own ranges).
  if (w.slice(0, 6).every((x) => x === 0)) {
    return {
      kind: 'transition',
      label: 'an IPv4-compatible address (::/96)',
      embedded: v4(w[6] ?? 0, w[7] ?? 0),
    }
  }
  if (((w[0] ?? 0) & 0xe000) !== 0x2000) {
    return { kind: 'local', label: 'an address outside global unicast (2000::/3)' }
  }
  return null
}

/**
 * Parses an IPv6 literal. ipaddr.js 2.5 reads `::a.b.c.d` as `::ffff:a.b.c.d` (mapped), but
 * RFC 4291 §2.5.5.1 and the WHATWG URL parser (`[::127.0.0.1]` becomes `[::7f00:1]`) read it as
 * IPv4-compatible: parse that form ourselves so it is judged as what a connection would reach.
 */
export function parseIpv6(text: string): ipaddr.IPv6 {
  const compat = /^::(\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3})$/.exec(text)
  if (compat?.[1] && ipaddr.IPv4.isValidFourPartDecimal(compat[1])) {
    const [a = 0, b = 0, c = 0, d = 0] = ipaddr.IPv4.parse(compat[1]).octets
    return new ipaddr.IPv6([0, 0, 0, 0, 0, 0, (a << 8) | b, (c << 8) | d])
  }
  return ipaddr.IPv6.parse(text)
}
