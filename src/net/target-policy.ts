import ipaddr from 'ipaddr.js'

/**
 * The no-open-proxy rule (ARCHITECTURE.md, security model): an address we would connect to or
 * fetch from on a caller's behalf must be a public unicast address. Loopback, private, link-local
 * (incl. the 169.254.169.254 metadata service), CGNAT and unique-local addresses are allowed only
 * when the operator sets ALLOW_PRIVATE_TARGETS (local development and tests). Documentation,
 * reserved, multicast and unspecified addresses are never reachable, so they are always refused.
 */
const PRIVATE_RANGES = new Set([
  'loopback',
  'private',
  'linkLocal',
  'carrierGradeNat',
  'uniqueLocal',
])
const NEVER_RANGES = new Set([
  'reserved',
  'unspecified',
  'broadcast',
  'multicast',
  'benchmarking',
  'amt',
  'as112',
  'as112v6',
  'orchid2',
  'droneRemoteIdProtocolEntityTags',
])

export type TargetVerdict = { allowed: true } | { allowed: false; reason: string }

/** Decides whether an IP literal may be contacted. */
export function checkAddress(address: string, allowPrivate: boolean): TargetVerdict {
  const text = address.replace(/^\[|\]$/g, '')
  if (!ipaddr.isValid(text)) return { allowed: false, reason: `'${address}' is not an IP address` }
  let ip = ipaddr.parse(text)
  // ::ffff:a.b.c.d is the IPv4 address in disguise: judge that one.
  if (ip.kind() === 'ipv6' && (ip as ipaddr.IPv6).isIPv4MappedAddress()) {
    ip = (ip as ipaddr.IPv6).toIPv4Address()
  }
  const range = ip.range()
  if (NEVER_RANGES.has(range)) {
    return {
      allowed: false,
      reason: `${text} is a ${describe(range)} address, not reachable on the Internet`,
    }
  }
  if (PRIVATE_RANGES.has(range) && !allowPrivate) {
    return {
      allowed: false,
      reason: `${text} is a ${describe(range)} address; edgeping does not connect to those (set ALLOW_PRIVATE_TARGETS only for local testing)`,
    }
  }
  return { allowed: true }
}

/**
 * Decides whether a host (name or IP literal) may be contacted. Names are allowed except the
 * obviously local ones; the platform's own egress rules refuse private addresses behind names.
 */
export function checkHost(host: string, allowPrivate: boolean): TargetVerdict {
  const bare = host.replace(/^\[|\]$/g, '')
  if (ipaddr.isValid(bare)) return checkAddress(bare, allowPrivate)
  const lower = bare.toLowerCase().replace(/\.$/, '')
  if (
    !allowPrivate &&
    (lower === 'localhost' || lower.endsWith('.localhost') || lower.endsWith('.internal'))
  ) {
    return { allowed: false, reason: `${host} is a local name; edgeping does not connect to those` }
  }
  return { allowed: true }
}

function describe(range: string): string {
  const names: Record<string, string> = {
    reserved: 'reserved or documentation',
    linkLocal: 'link-local',
    carrierGradeNat: 'carrier-grade NAT',
    uniqueLocal: 'unique-local',
  }
  return names[range] ?? range
}
