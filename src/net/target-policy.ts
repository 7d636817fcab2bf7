import ipaddr from 'ipaddr.js'
import { classifyIpv6, type Ipv6Special, parseIpv6 } from './ipv6-special'

/**
 * The no-open-proxy rule (ARCHITECTURE.md, security model): an address we would connect to or
 * fetch from on a caller's behalf must be a public unicast address. Loopback, private, link-local
 * (incl. the 169.254.169.254 metadata service), CGNAT and unique-local addresses are allowed only
 * when the operator sets ALLOW_PRIVATE_TARGETS (local development and tests). Documentation,
 * reserved, multicast and unspecified addresses are never reachable, so they are always refused.
 * IPv6 outside plain global unicast is refused too unless private targets are allowed: transition
 * addresses (NAT64, 6to4, Teredo, SIIT, IPv4-compatible) reach an IPv4 address that the IPv6 text
 * hides, so `64:ff9b::7f00:1` would otherwise be a way to 127.0.0.1.
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
  // A zone id (fe80::1%eth0) names an interface of this host: meaningless for a remote target.
  if (text.includes('%')) {
    return {
      allowed: false,
      reason: `${text} carries a zone id, which only means something locally`,
    }
  }
  let ip = ipaddr.IPv6.isValid(text) ? parseIpv6(text) : ipaddr.parse(text)
  // ::ffff:a.b.c.d is the IPv4 address in disguise: judge that one.
  if (ip instanceof ipaddr.IPv6 && ip.isIPv4MappedAddress()) ip = ip.toIPv4Address()
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
      reason: `${text} is a ${describe(range)} address; ${PRIVATE_HINT}`,
    }
  }
  if (ip instanceof ipaddr.IPv6) {
    const special = classifyIpv6(ip, range)
    if (special) return judgeSpecial(text, special, allowPrivate)
  }
  return { allowed: true }
}

const PRIVATE_HINT =
  'edgeping does not connect to those (set ALLOW_PRIVATE_TARGETS only for local testing)'

function judgeSpecial(text: string, special: Ipv6Special, allowPrivate: boolean): TargetVerdict {
  const { kind, label, embedded } = special
  if (kind === 'never') {
    return { allowed: false, reason: `${text} is ${label}, not reachable on the Internet` }
  }
  if (kind === 'local') {
    return allowPrivate
      ? { allowed: true }
      : { allowed: false, reason: `${text} is ${label}; ${PRIVATE_HINT}` }
  }
  const reaches = embedded
    ? `it reaches ${embedded.toString()}`
    : 'it reaches an IPv4 address through a translator'
  if (!allowPrivate) {
    // Refused whatever the embedded address: the IPv6 text is not what gets contacted.
    return {
      allowed: false,
      reason: `${text} is ${label}: ${reaches}; edgeping connects only to global unicast IPv6 addresses`,
    }
  }
  // Local testing: the embedded address still must be reachable at all (not 0.0.0.0, multicast...).
  if (!embedded) return { allowed: true }
  const inner = checkAddress(embedded.toString(), true)
  return inner.allowed
    ? inner
    : { allowed: false, reason: `${text} is ${label}: ${reaches}, and ${inner.reason}` }
}

/**
 * Decides whether a host (name or IP literal) may be contacted. Names are allowed except the
 * obviously local ones; the platform's own egress rules refuse private addresses behind names.
 */
export function checkHost(host: string, allowPrivate: boolean): TargetVerdict {
  const bare = host.replace(/^\[|\]$/g, '')
  // A rooted name ends in one dot (RFC 1034 §3.1); `127.0.0.1.` still connects to 127.0.0.1.
  const rootless = bare.endsWith('.') ? bare.slice(0, -1) : bare
  if (ipaddr.isValid(rootless)) return checkAddress(rootless, allowPrivate)
  const lower = rootless.toLowerCase()
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
