import ipaddr from 'ipaddr.js'
import { z } from 'zod'
import {
  formatIpv6,
  hasNoHostBits,
  ipv4,
  ipv6,
  ipv6Bytes,
  ipv6Prefix,
  prefixMaskByte,
} from '../fields'

/** A validated tunnel description, with the server address resolved. */
export type Tunnel = {
  localIpv4: string
  brokerIpv4: string
  clientIpv6: string
  serverIpv6: string
  prefixLength: number
  routedPrefix?: string | undefined
  interface: string
  mtu: number
}

// HE and most brokers use a /64 link; /127 is the point-to-point form of RFC 6164. A /128 leaves
// no room for the server, and shorter links make the derived ::1 meaningless.
const MIN_LINK_PREFIX = 64
const MAX_LINK_PREFIX = 127
const LINK_PREFIX_RULE = `must be ${MIN_LINK_PREFIX} to ${MAX_LINK_PREFIX}: brokers use /64 (HE) or /127 (RFC 6164), and a /128 leaves no address for the server`
// The LAN gets a /64 (SLAAC) out of the routed prefix; brokers route a /64 or a /48.
const MIN_ROUTED_PREFIX = 32
const MAX_ROUTED_PREFIX = 64
// RFC 3849: the documentation prefix the examples and tests use; ipaddr.js calls it 'reserved'.
const DOCUMENTATION = bytesOf('2001:db8::')

type InterfaceRule = { pattern: RegExp; hint: string; fallback: string }

/**
 * The input of every tunnel generator (tunnel-broker style 6in4, IP protocol 41). `serverIpv6`
 * may be left out (the client's prefix with `::1`, as HE assigns it) or given as an interface id
 * like `::1`, which is placed in the client's prefix. The interface-name rule is per OS (gifN on
 * the BSDs, TunnelN on IOS, …).
 */
export function tunnelSchema(rule: InterfaceRule) {
  return z
    .object({
      localIpv4: ipv4.describe(
        'Your IPv4 end of the tunnel: the private address when behind NAT (HE calls it Client IPv4)',
      ),
      brokerIpv4: ipv4.describe('The tunnel server IPv4 (HE: Server IPv4 Address)'),
      clientIpv6: ipv6.describe(
        'Your IPv6 address on the tunnel link (HE: Client IPv6, the ::2); global unicast',
      ),
      serverIpv6: ipv6
        .optional()
        .describe(
          "The server's IPv6 on the link (HE: the ::1). Default: the client's prefix with ::1; an interface id like ::1 is placed in the client's prefix",
        ),
      prefixLength: z
        .number()
        .int()
        .min(MIN_LINK_PREFIX, LINK_PREFIX_RULE)
        .max(MAX_LINK_PREFIX, LINK_PREFIX_RULE)
        .default(64)
        .describe(`Tunnel link prefix length, ${MIN_LINK_PREFIX} to ${MAX_LINK_PREFIX} (HE: 64)`),
      routedPrefix: ipv6Prefix
        .optional()
        .describe(
          `The routed prefix for your LAN (HE: Routed /64 or /48), /${MIN_ROUTED_PREFIX} to /${MAX_ROUTED_PREFIX}, apart from the tunnel link`,
        ),
      interface: z
        .string()
        .regex(rule.pattern, rule.hint)
        .default(rule.fallback)
        .describe(`Tunnel interface name (default ${rule.fallback})`),
      mtu: z
        .number()
        .int()
        .min(1280)
        .max(1480)
        .default(1480)
        .describe(
          '1480 on a 1500-byte path, 1472 behind PPPoE, 1280 if path MTU discovery is unreliable',
        ),
    })
    .transform((t, ctx): Tunnel => {
      const issue = (path: string, message: string) =>
        ctx.addIssue({ code: 'custom', path: [path], message })
      const len = t.prefixLength
      const client = bytesOf(t.clientIpv6)
      const serverIpv6 = resolveServer(t.clientIpv6, t.serverIpv6, len)
      // The server and the routed prefix are judged against the client, so a bad client is enough.
      const clientProblem = endpointProblem(client, len)
      if (clientProblem) issue('clientIpv6', clientProblem)
      else if (t.serverIpv6 === undefined && serverIpv6 === t.clientIpv6) {
        // The server was derived (prefix + ::1): blame what the caller sent, and say why.
        issue(
          'clientIpv6',
          `is the default server address (its /${len} with ::1): give serverIpv6, or use the ::2 the broker assigned`,
        )
      } else if (t.serverIpv6 !== undefined) {
        const server = bytesOf(serverIpv6)
        const serverProblem = endpointProblem(server, len)
        if (serverProblem) issue('serverIpv6', serverProblem)
        else if (serverIpv6 === t.clientIpv6) issue('serverIpv6', 'must differ from clientIpv6')
        else if (!sameNetwork(server, client, len)) {
          issue('serverIpv6', `must be inside the client's /${len} (the tunnel link)`)
        }
      }
      const routedProblem =
        t.routedPrefix && !clientProblem
          ? routedPrefixProblem(t.routedPrefix, client, len)
          : undefined
      if (routedProblem) issue('routedPrefix', routedProblem)
      const localProblem = ipv4EndpointProblem(t.localIpv4)
      if (localProblem) issue('localIpv4', localProblem)
      const brokerProblem = ipv4EndpointProblem(t.brokerIpv4)
      if (brokerProblem) issue('brokerIpv4', brokerProblem)
      if (t.localIpv4 === t.brokerIpv4) issue('brokerIpv4', 'must differ from localIpv4')
      return { ...t, serverIpv6 }
    })
}

/*
 * IPv4 ranges that can never be an end of a 6in4 tunnel: the kernel either refuses them or sends
 * nowhere. Private addresses stay allowed (the local end behind NAT, a broker in a lab).
 */
const NON_UNICAST_IPV4: readonly { first: number; bits: number; what: string }[] = [
  { first: 0, bits: 8, what: '0.0.0.0/8 ("this network", RFC 1122 §3.2.1.3)' },
  { first: 127, bits: 8, what: '127.0.0.0/8 (loopback)' },
  { first: 224, bits: 4, what: '224.0.0.0/4 (multicast)' },
  { first: 240, bits: 4, what: '240.0.0.0/4 (reserved, and the broadcast 255.255.255.255)' },
]

/** Why a dotted quad cannot be a tunnel end, or undefined. */
function ipv4EndpointProblem(address: string): string | undefined {
  const top = Number(address.split('.')[0])
  const range = NON_UNICAST_IPV4.find((r) => top >> (8 - r.bits) === r.first >> (8 - r.bits))
  return range ? `must be a unicast IPv4 address; ${address} is in ${range.what}` : undefined
}

function bytesOf(address: string): number[] {
  return ipv6Bytes(address) ?? []
}

/** What an address is when it is not global unicast (nor documentation), else undefined. */
function nonGlobalKind(bytes: number[]): string | undefined {
  if (sameNetwork(bytes, DOCUMENTATION, 32)) return undefined
  const range = ipaddr.fromByteArray(bytes).range()
  if (range !== 'unicast') return `a ${range} address`
  // ipaddr.js calls everything it has no name for 'unicast', ::2 included; IANA allocates 2000::/3.
  return ((bytes[0] ?? 0) & 0xe0) === 0x20 ? undefined : 'outside 2000::/3'
}

/**
 * Why an address cannot be a tunnel end, or undefined: it must be global unicast (inside 2000::/3
 * and not a special range) or documentation, and not the Subnet-Router anycast address.
 */
function endpointProblem(bytes: number[], len: number): string | undefined {
  const kind = nonGlobalKind(bytes)
  if (kind) {
    return `must be a global unicast address (2000::/3, or the documentation prefix 2001:db8::/32); this is ${kind}`
  }
  // RFC 4291 §2.6.1; RFC 6164 §6 frees the all-zero host part on a /127.
  if (len < 127 && hasNoHostBits(bytes, len)) {
    return `is the Subnet-Router anycast address of its /${len} (host part all zero); tunnel ends are usually ::1 and ::2`
  }
  return undefined
}

/** Why a routed prefix cannot serve the LAN, or undefined. */
function routedPrefixProblem(prefix: string, client: number[], len: number): string | undefined {
  const [addr = '', lenText = ''] = prefix.split('/')
  const bytes = bytesOf(addr)
  const routedLength = Number(lenText)
  if (routedLength < MIN_ROUTED_PREFIX || routedLength > MAX_ROUTED_PREFIX) {
    return `must be /${MIN_ROUTED_PREFIX} to /${MAX_ROUTED_PREFIX}: the LAN gets a /64 out of it`
  }
  const kind = nonGlobalKind(bytes)
  if (kind) {
    return `must be a global unicast prefix (inside 2000::/3, or the documentation prefix 2001:db8::/32); this is ${kind}`
  }
  if (sameNetwork(bytes, client, Math.min(routedLength, len))) {
    const link = client.map((b, i) => b & prefixMaskByte(i, len))
    return `overlaps the tunnel link ${formatIpv6(link)}/${len}: the LAN needs a prefix of its own (HE: the Routed /64)`
  }
  return undefined
}

function resolveServer(client: string, server: string | undefined, len: number): string {
  const clientBytes = bytesOf(client)
  const id = bytesOf(server ?? '::1')
  // A value whose network part is all zero (like ::1) is an interface id inside the client prefix.
  if (server !== undefined && !isInsideZeroPrefix(id, len)) return server
  const out = clientBytes.map(
    (b, i) => (b & prefixMaskByte(i, len)) | ((id[i] ?? 0) & ~prefixMaskByte(i, len) & 0xff),
  )
  return formatIpv6(out)
}

function isInsideZeroPrefix(bytes: number[], len: number): boolean {
  return bytes.every((b, i) => (b & prefixMaskByte(i, len)) === 0)
}

/** True when the first `len` bits of `a` and `b` are equal. */
function sameNetwork(a: readonly number[], b: readonly number[], len: number): boolean {
  return ipaddr.fromByteArray([...a]).match(ipaddr.fromByteArray([...b]), len)
}

/** The comment lines every tunnel output carries: the check and the usual pitfalls. */
export function tunnelNotes(t: Tunnel): string[] {
  const lines = [
    `Check: ping6 -c 3 ${t.serverIpv6}   (the server end), then any public IPv6 host.`,
    'Pitfalls:',
    '- IP protocol 41 (6in4) must pass every firewall and NAT on the way: forward it to this',
    '  host or put it in the DMZ; it is neither TCP nor UDP, so port forwards do not help.',
    `- Behind NAT the local address is the private one, not the public one (here: ${t.localIpv4}).`,
    '- The broker must be able to ping your public IPv4 (allow ICMP echo requests).',
    `- MTU ${t.mtu}: 6in4 adds 20 bytes; use 1472 behind PPPoE, 1280 if PMTUD is broken, and`,
    '  never filter ICMPv6 Packet Too Big.',
    '- Only one host per public IPv4 can terminate the tunnel.',
  ]
  if (t.routedPrefix) {
    lines.push(
      `- The tunnel link is for the link only; give LAN hosts ${t.routedPrefix} (routed prefix).`,
    )
  }
  return lines
}

/** `addr/len` of the client on the tunnel link. */
export function clientCidr(t: Tunnel): string {
  return `${t.clientIpv6}/${t.prefixLength}`
}

/** The first address of the routed prefix (`…::1`), used for the LAN interface suggestion. */
export function routedGateway(prefix: string): string {
  const bytes = bytesOf(prefix.split('/')[0] ?? '')
  bytes[15] = (bytes[15] ?? 0) | 1
  // The LAN is a /64 (SLAAC) even when a /48 is routed; the schema keeps the prefix /32 to /64.
  return `${formatIpv6(bytes)}/64`
}
