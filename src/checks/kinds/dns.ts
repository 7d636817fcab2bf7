import type { ProbeKind } from './kind'

const PRESETS: Record<string, string> = {
  cloudflare: 'https://cloudflare-dns.com/dns-query',
  google: 'https://dns.google/dns-query',
  quad9: 'https://dns.quad9.net/dns-query',
  he: 'https://ordns.he.net/dns-query',
}

/**
 * SmokePing's DNS probe over DoH: `host` is the resolver (a URL, a preset name, or a host
 * serving `/dns-query`), `lookup` the name asked. NOERROR and NXDOMAIN are answers; SERVFAIL,
 * REFUSED and the like count as lost, since the resolver did not do its job.
 */
export const dnsKind: ProbeKind = {
  name: 'dns',
  smokepingModules: ['DNS', 'AnotherDNS', 'EchoPingDNS'],
  defaultTimeout: 5,
  vars: ['lookup'],
  hostForm: 'resolver',
  prepare(target) {
    if (!target.lookup) return "the dns probe needs 'lookup' (the name to ask for)"
    if (!/^[A-Za-z0-9_.-]{1,253}$/.test(target.lookup))
      return `lookup '${target.lookup}' is not a domain name`
    const url = resolverUrl(target.host)
    try {
      const u = new URL(url)
      if (u.protocol !== 'https:' && u.protocol !== 'http:') return 'the resolver must be http(s)'
    } catch {
      return `host '${target.host}' is not a resolver URL or name`
    }
    return null
  },
  contactHost: (t) => new URL(resolverUrl(t.host)).hostname,
  describe: (t) => `${t.pings} DoH queries for ${t.lookup ?? ''} at ${resolverUrl(t.host)}`,
  async probe(target, ports, signal) {
    if (!ports.dns) return { ok: false, reason: 'no DNS port' }
    const url = resolverUrl(target.host)
    const refused = ports.refuseHost(new URL(url).hostname)
    if (refused) return { ok: false, reason: refused }
    const r = await ports.dns(url, target.lookup ?? '', signal)
    if (!r.ok) return r
    if (r.rcode !== 'NOERROR' && r.rcode !== 'NXDOMAIN') return { ok: false, reason: r.rcode }
    return { ok: true, ms: r.ms }
  },
}

export function resolverUrl(host: string): string {
  if (/^https?:\/\//.test(host)) return host
  return PRESETS[host] ?? `https://${host}/dns-query`
}
