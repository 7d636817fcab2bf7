import { z } from 'zod'
import { mapLimit } from '../lib/map-limit'
import { hostname, ipv4, ipv6, ipv6Bytes } from './fields'
import { commentLines, defineGenerator, type GeneratorPorts } from './generator'

/**
 * Hosts one request may look up: each costs an A and an AAAA query, so 20 hosts are 40 DoH
 * subrequests, under the Workers free plan's 50 per request.
 */
export const MAX_LOOKUP_HOSTS = 20
// Two hosts at a time: four queries in flight, under Workers' six simultaneous connections.
const LOOKUP_CONCURRENCY = 2
// RFC 1035 §2.3.4: a name is at most 255 octets on the wire (label lengths and the root included).
const MAX_NAME_OCTETS = 255

// An owner name relative to the origin: `@` or RFC 1123 labels (no trailing dot, no wildcards).
const owner = z
  .string()
  .max(200)
  .regex(
    /^(@|(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))*)$/i,
    'must be @ or a relative host name (letters, digits, hyphens, dots)',
  )
  .transform((s) => s.toLowerCase())

const host = z.strictObject({
  name: owner.describe('Owner name relative to the origin, or @ for the apex'),
  ipv4: z.array(ipv4).max(16).default([]),
  ipv6: z.array(ipv6).max(16).default([]),
})

const schema = z
  .object({
    origin: hostname.describe('The zone, e.g. example.com'),
    ttl: z.number().int().min(0).max(2147483647).default(300),
    hosts: z
      .array(host)
      .min(1)
      .max(200)
      .describe('At most 200 hosts; with lookup=true at most 20 of them without addresses'),
    include: z
      .enum(['forward', 'reverse', 'both'])
      .default('forward')
      .describe('forward: A/AAAA; reverse: in-addr.arpa/ip6.arpa PTR; both: two sections'),
    lookup: z
      .boolean()
      .default(false)
      .describe('Fill hosts that list no address from a live A/AAAA lookup (needs the API token)'),
  })
  .superRefine((z0, ctx) => {
    const zone = z0.origin.replace(/\.$/, '')
    // Every (owner, address) once: a repeat is the same record twice.
    const records = new Map<string, string>()
    z0.hosts.forEach((h, i) => {
      // Owners are relative: `www.example.com` in example.com is www.example.com.example.com.
      if (h.name === zone || h.name.endsWith(`.${zone}`)) {
        const relative = h.name === zone ? '@' : h.name.slice(0, -zone.length - 1)
        ctx.addIssue({
          code: 'custom',
          path: ['hosts', i, 'name'],
          message: `is relative to the origin, so this is ${fqdn(h.name, z0.origin)}; give ${relative}`,
        })
      }
      for (const family of ['ipv4', 'ipv6'] as const) {
        h[family].forEach((a, j) => {
          const key = `${h.name} ${a}`
          const at = records.get(key)
          if (at !== undefined) {
            ctx.addIssue({
              code: 'custom',
              path: ['hosts', i, family, j],
              message: `duplicates ${at} (the same record twice)`,
            })
          } else records.set(key, `hosts.${i}.${family}.${j}`)
        })
      }
      // Owners and PTR targets are `name.origin.`; its wire form is one octet longer than its text.
      const octets = fqdn(h.name, z0.origin).length + 1
      if (octets > MAX_NAME_OCTETS) {
        ctx.addIssue({
          code: 'custom',
          path: ['hosts', i, 'name'],
          message: `with the origin this name is ${octets} octets; DNS allows ${MAX_NAME_OCTETS} (RFC 1035 §2.3.4)`,
        })
      }
    })
    if (z0.lookup) {
      const toLookUp = z0.hosts.filter((h) => h.ipv4.length + h.ipv6.length === 0).length
      if (toLookUp > MAX_LOOKUP_HOSTS) {
        ctx.addIssue({
          code: 'custom',
          path: ['hosts'],
          message: `lookup=true looks up at most ${MAX_LOOKUP_HOSTS} hosts per request (2 DNS queries each); ${toLookUp} hosts have no address: give addresses or split the request`,
        })
      }
      return
    }
    z0.hosts.forEach((h, i) => {
      if (h.ipv4.length + h.ipv6.length === 0) {
        ctx.addIssue({
          code: 'custom',
          path: ['hosts', i, 'ipv4'],
          message: 'a host needs at least one address (or set lookup=true)',
        })
      }
    })
  })

type ZoneInput = z.output<typeof schema>

function fqdn(name: string, origin: string): string {
  const zone = origin.endsWith('.') ? origin : `${origin}.`
  return name === '@' ? zone : `${name}.${zone}`
}

/** Forward records, then (if asked) PTR records with absolute ip6.arpa / in-addr.arpa owners. */
function renderZone(z0: ZoneInput): string {
  const width = Math.max(...z0.hosts.map((h) => h.name.length), 1)
  const out: string[] = []
  if (z0.include !== 'reverse') {
    out.push(...commentLines(';', [`A/AAAA records for ${fqdn('@', z0.origin)}`]))
    for (const h of z0.hosts) {
      for (const a of h.ipv4) out.push(`${h.name.padEnd(width)} ${z0.ttl} IN A     ${a}`)
      for (const a of h.ipv6) out.push(`${h.name.padEnd(width)} ${z0.ttl} IN AAAA  ${a}`)
    }
  }
  if (z0.include !== 'forward') {
    out.push(
      ...commentLines(';', [
        'PTR records: paste into the reverse zone(s) that hold these addresses (absolute names)',
      ]),
    )
    for (const h of z0.hosts) {
      const target = fqdn(h.name, z0.origin)
      for (const a of [...h.ipv4, ...h.ipv6]) {
        out.push(`${reverseName(a)} ${z0.ttl} IN PTR ${target}`)
      }
    }
  }
  return out.join('\n')
}

/** RFC 3596 §2.5 nibble form for IPv6, RFC 1035 §3.5 in-addr.arpa for IPv4. */
export function reverseName(address: string): string {
  const bytes = ipv6Bytes(address)
  if (!bytes) return `${address.split('.').reverse().join('.')}.in-addr.arpa.`
  const nibbles = bytes.flatMap((b) => [b >> 4, b & 0xf]).map((n) => n.toString(16))
  return `${nibbles.reverse().join('.')}.ip6.arpa.`
}

async function fillFromLookup(z0: ZoneInput, ports: GeneratorPorts): Promise<ZoneInput> {
  const look = ports.lookupAddresses
  if (!look) throw new Error('zone-records: lookup requested but no lookup port given')
  const hosts = await mapLimit(z0.hosts, LOOKUP_CONCURRENCY, async (h) => {
    if (h.ipv4.length + h.ipv6.length > 0) return h
    const found = await look(fqdn(h.name, z0.origin))
    // Only values that pass the same validation as caller input reach the zone text.
    const v4 = found.a.filter((a) => ipv4.safeParse(a).success)
    const v6 = found.aaaa.map((a) => ipv6.safeParse(a)).flatMap((r) => (r.success ? [r.data] : []))
    return { ...h, ipv4: v4, ipv6: v6 }
  })
  return { ...z0, hosts }
}

/** A/AAAA (and PTR) records in BIND zone-file syntax, optionally filled from a live lookup. */
export const zoneRecords = defineGenerator({
  kind: 'zone-records',
  title: 'DNS zone records (BIND syntax)',
  purpose:
    'Paste into the zone file of the origin (bump the SOA serial), then: named-checkzone ORIGIN FILE',
  comment: ';',
  filename: 'zone-records.txt',
  schema,
  render: renderZone,
  usesNetwork: (z0) => z0.lookup && z0.hosts.some((h) => h.ipv4.length + h.ipv6.length === 0),
  renderAsync: async (z0, ports) => {
    const filled = await fillFromLookup(z0, ports)
    const empty = filled.hosts.filter((h) => h.ipv4.length + h.ipv6.length === 0).map((h) => h.name)
    const note =
      empty.length > 0
        ? `\n${commentLines(';', [`no A/AAAA found for: ${empty.join(', ')}`])[0]}`
        : ''
    return renderZone(filled) + note
  },
})
