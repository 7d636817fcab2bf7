import ipaddr from 'ipaddr.js'
import { z } from 'zod'
import { ipv4, ipv6, ipv6Prefix } from '../fields'

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
      clientIpv6: ipv6.describe('Your IPv6 address on the tunnel link (HE: Client IPv6, the ::2)'),
      serverIpv6: ipv6
        .optional()
        .describe(
          "The server's IPv6 on the link (HE: the ::1). Default: the client's prefix with ::1; an interface id like ::1 is placed in the client's prefix",
        ),
      prefixLength: z
        .number()
        .int()
        .min(1)
        .max(128)
        .default(64)
        .describe('Tunnel link prefix length'),
      routedPrefix: ipv6Prefix
        .optional()
        .describe('The routed prefix for your LAN (HE: Routed /64)'),
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
      const serverIpv6 = resolveServer(t.clientIpv6, t.serverIpv6, t.prefixLength)
      if (serverIpv6 === t.clientIpv6) {
        ctx.addIssue({
          code: 'custom',
          path: ['serverIpv6'],
          message: 'must differ from clientIpv6',
        })
      }
      if (!sameNetwork(serverIpv6, t.clientIpv6, t.prefixLength)) {
        ctx.addIssue({
          code: 'custom',
          path: ['serverIpv6'],
          message: `must be inside the client's /${t.prefixLength} (the tunnel link)`,
        })
      }
      if (t.localIpv4 === t.brokerIpv4) {
        ctx.addIssue({
          code: 'custom',
          path: ['brokerIpv4'],
          message: 'must differ from localIpv4',
        })
      }
      return { ...t, serverIpv6 }
    })
}

function resolveServer(client: string, server: string | undefined, len: number): string {
  const clientBytes = ipaddr.IPv6.parse(client).toByteArray()
  const id = ipaddr.IPv6.parse(server ?? '::1').toByteArray()
  // A value whose network part is all zero (like ::1) is an interface id inside the client prefix.
  if (server !== undefined && !isInsideZeroPrefix(id, len)) return server
  const out = clientBytes.map(
    (b, i) => (b & maskByte(i, len)) | ((id[i] ?? 0) & ~maskByte(i, len) & 0xff),
  )
  return ipaddr.fromByteArray(out).toString()
}

function maskByte(index: number, len: number): number {
  const bits = Math.max(0, Math.min(8, len - index * 8))
  return (0xff << (8 - bits)) & 0xff
}

function isInsideZeroPrefix(bytes: number[], len: number): boolean {
  return bytes.every((b, i) => (b & maskByte(i, len)) === 0)
}

function sameNetwork(a: string, b: string, len: number): boolean {
  return ipaddr.IPv6.parse(a).match(ipaddr.IPv6.parse(b), len)
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
  const [addr, len] = ipaddr.IPv6.parseCIDR(prefix)
  const bytes = addr.toByteArray()
  bytes[15] = (bytes[15] ?? 0) | 1
  return `${ipaddr.fromByteArray(bytes).toString()}/${Math.max(len, 64)}`
}
