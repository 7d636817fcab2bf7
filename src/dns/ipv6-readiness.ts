import { mapLimit } from '../lib/map-limit'
import { formatRecord } from './dig-format'
import { DnsQueryError } from './errors'
import type { DnsRecord } from './message'
import { absolute } from './name'
import { type DnsResult, finalRecords, type Resolve } from './resolve'

export type Verdict = 'pass' | 'fail' | 'warning' | 'info'

export type ReadinessCheck = {
  id: 'web_aaaa_apex' | 'web_aaaa_www' | 'ns_aaaa' | 'mx_aaaa' | 'web_reach'
  title: string
  verdict: Verdict
  summary: string
  /** What was seen: record lines in dig form, connection outcomes, lookup errors. */
  evidence: string[]
  /** What to publish or change so the check passes (absent when nothing is to be done). */
  fix?: string[]
}

export type ReadinessReport = {
  domain: string
  /** 0-100 over the checks that apply: pass 1, warning ½, fail 0; info checks do not count. */
  score: number
  verdict: Verdict
  checks: ReadinessCheck[]
}

export type ConnectOutcome = { ok: true; ms: number } | { ok: false; reason: string }

/** TCP connect, injected (cloudflare:sockets in the Worker, a fake in unit tests). */
export type Connect = (
  address: string,
  port: number,
  signal: AbortSignal,
) => Promise<ConnectOutcome>

export type ReadinessOptions = {
  resolve: Resolve
  /** Absent = the reachability check is skipped (e.g. the caller has no token). */
  connect?: Connect
  skipReachReason?: string
  ports: number[]
  connectTimeoutMs: number
  /** Returns why an address may not be contacted, or null when it may. */
  refuseAddress: (address: string) => string | null
}

const LOOKUP_CONCURRENCY = 4

/**
 * The IPv6 readiness of a domain, in the spirit of internet.nl's IPv6 category: AAAA on the apex
 * and www, on every name server (≥ 2) and every mail exchanger, and TCP reachability of the web
 * AAAA addresses on port 80 and/or 443.
 */
export async function checkIpv6Readiness(
  domain: string,
  options: ReadinessOptions,
): Promise<ReadinessReport> {
  const apex = absolute(domain)
  const www = absolute(`www.${domain}`)
  // The apex lookup also proves the resolver works: its failure is the request's failure.
  const [apexAaaa, apexA] = await Promise.all([
    options.resolve(domain, 'AAAA'),
    options.resolve(domain, 'A'),
  ])
  const [wwwAaaa, wwwA, ns, mx] = await Promise.all([
    options.resolve(`www.${domain}`, 'AAAA'),
    options.resolve(`www.${domain}`, 'A'),
    options.resolve(domain, 'NS'),
    options.resolve(domain, 'MX'),
  ])
  const apexCheck = webAaaaCheck('web_aaaa_apex', apex, apexAaaa, apexA)
  const wwwCheck = webAaaaCheck('web_aaaa_www', www, wwwAaaa, wwwA)
  const [nsCheck, mxCheck, reachCheck] = await Promise.all([
    nsAaaaCheck(apex, ns, options.resolve),
    mxAaaaCheck(apex, mx, options.resolve),
    webReachCheck([apexAaaa, wwwAaaa], options),
  ])
  const checks = [apexCheck, wwwCheck, nsCheck, mxCheck, reachCheck]
  const score = scoreOf(checks)
  return {
    domain: apex,
    score,
    verdict: score === 100 ? 'pass' : score >= 50 ? 'warning' : 'fail',
    checks,
  }
}

function scoreOf(checks: ReadinessCheck[]): number {
  const counted = checks.filter((c) => c.verdict !== 'info')
  if (counted.length === 0) return 0
  const points = counted.reduce(
    (sum, c) => sum + (c.verdict === 'pass' ? 1 : c.verdict === 'warning' ? 0.5 : 0),
    0,
  )
  return Math.round((100 * points) / counted.length)
}

function isMapped(address: string): boolean {
  return address.toLowerCase().startsWith('::ffff:')
}

function addressesOf(result: DnsResult, type: 'A' | 'AAAA'): DnsRecord[] {
  return finalRecords(result, type)
}

function webAaaaCheck(
  id: 'web_aaaa_apex' | 'web_aaaa_www',
  name: string,
  aaaa: DnsResult,
  a: DnsResult,
): ReadinessCheck {
  const title = `IPv6 address for ${name}`
  const v6 = addressesOf(aaaa, 'AAAA')
  const v4 = addressesOf(a, 'A')
  const evidence = [...aaaa.answer, ...a.answer].map(formatRecord)
  const good = v6.filter((r) => typeof r.data === 'string' && !isMapped(r.data))
  const mapped = v6.filter((r) => typeof r.data === 'string' && isMapped(r.data))
  const owner = aaaa.cnameChain.at(-1) ?? name
  if (good.length > 0) {
    return {
      id,
      title,
      verdict: 'pass',
      summary: `${name} has ${good.length} AAAA record(s)`,
      evidence,
    }
  }
  if (v4.length === 0 && mapped.length === 0 && id === 'web_aaaa_www') {
    return {
      id,
      title,
      verdict: 'info',
      summary: `${name} does not exist or has no address (${aaaa.rcode}); nothing to check`,
      evidence,
    }
  }
  const why =
    mapped.length > 0
      ? `${name} has only IPv4-mapped AAAA records (::ffff:…), which IPv6 clients cannot use`
      : `${name} has ${v4.length > 0 ? 'an IPv4 address but ' : ''}no AAAA record (${aaaa.rcode})`
  return {
    id,
    title,
    verdict: 'fail',
    summary: why,
    evidence: evidence.length > 0 ? evidence : [`${name} AAAA: ${aaaa.rcode}, no records`],
    fix: [`${owner}\t300\tIN\tAAAA\t<the web server's IPv6 address>`],
  }
}

type HostAddresses = { host: string; v6: string[]; v4: string[]; error?: string }

async function hostAddresses(host: string, resolve: Resolve): Promise<HostAddresses> {
  try {
    const [aaaa, a] = await Promise.all([resolve(host, 'AAAA'), resolve(host, 'A')])
    const strings = (rs: DnsRecord[]) =>
      rs.flatMap((r) => (typeof r.data === 'string' ? [r.data] : []))
    return {
      host: absolute(host),
      v6: strings(addressesOf(aaaa, 'AAAA')).filter((x) => !isMapped(x)),
      v4: strings(addressesOf(a, 'A')),
    }
  } catch (err) {
    if (!(err instanceof DnsQueryError)) throw err
    return { host: absolute(host), v6: [], v4: [], error: err.message }
  }
}

function hostEvidence(h: HostAddresses): string {
  if (h.error) return `${h.host} lookup failed: ${h.error}`
  const v6 = h.v6.length > 0 ? h.v6.join(', ') : 'no AAAA'
  const v4 = h.v4.length > 0 ? h.v4.join(', ') : 'no A'
  return `${h.host} IPv6: ${v6}; IPv4: ${v4}`
}

async function nsAaaaCheck(apex: string, ns: DnsResult, resolve: Resolve): Promise<ReadinessCheck> {
  const title = 'IPv6 addresses for name servers'
  const hosts = ns.answer
    .filter((r) => r.type === 'NS')
    .flatMap((r) => (typeof r.data === 'string' ? [r.data] : []))
  if (hosts.length === 0) {
    return {
      id: 'ns_aaaa',
      title,
      verdict: 'fail',
      summary: `no NS records for ${apex} (${ns.rcode})`,
      evidence: [],
    }
  }
  const found = await mapLimit(hosts.sort(), LOOKUP_CONCURRENCY, (h) => hostAddresses(h, resolve))
  const withV6 = found.filter((h) => h.v6.length > 0)
  const without = found.filter((h) => h.v6.length === 0)
  const evidence = found.map(hostEvidence)
  const fix = without.map((h) => `${h.host}\t3600\tIN\tAAAA\t<IPv6 address of ${h.host}>`)
  const base = { id: 'ns_aaaa' as const, title, evidence }
  if (without.length === 0 && withV6.length >= 2) {
    return {
      ...base,
      verdict: 'pass',
      summary: `all ${withV6.length} name servers have IPv6 addresses`,
    }
  }
  if (withV6.length === 0) {
    return {
      ...base,
      verdict: 'fail',
      summary: 'no name server has an IPv6 address: IPv6-only resolvers cannot reach the zone',
      fix,
    }
  }
  if (withV6.length === 1) {
    return {
      ...base,
      verdict: 'fail',
      summary: `only one name server (${withV6[0]?.host}) has an IPv6 address; at least two are needed`,
      fix:
        fix.length > 0
          ? fix
          : [`add a second name server with an IPv6 address to the NS set of ${apex}`],
    }
  }
  return {
    ...base,
    verdict: 'warning',
    summary: `${withV6.length} of ${found.length} name servers have IPv6 addresses; ${without.map((h) => h.host).join(', ')} ha${without.length === 1 ? 's' : 've'} none`,
    fix,
  }
}

async function mxAaaaCheck(apex: string, mx: DnsResult, resolve: Resolve): Promise<ReadinessCheck> {
  const title = 'IPv6 addresses for mail servers'
  const records = mx.answer.flatMap((r) =>
    r.type === 'MX' && typeof r.data === 'object' && 'exchange' in r.data ? [r.data] : [],
  )
  const evidence = mx.answer.map(formatRecord)
  if (records.length === 0) {
    return {
      id: 'mx_aaaa',
      title,
      verdict: 'info',
      summary: `${apex} has no MX records (${mx.rcode}); if it sends no mail, publish a null MX (RFC 7505)`,
      evidence,
      fix: [`${apex}\t300\tIN\tMX\t0 .`],
    }
  }
  // RFC 7505: a single MX with preference 0 and exchange "." says the domain accepts no mail.
  if (records.some((r) => r.exchange === '.')) {
    const valid = records.length === 1 && records[0]?.preference === 0
    return {
      id: 'mx_aaaa',
      title,
      verdict: 'info',
      summary: valid
        ? `${apex} has a null MX (RFC 7505): it accepts no mail, nothing to check`
        : `${apex} mixes a null MX with other MX records (invalid per RFC 7505 §3)`,
      evidence,
    }
  }
  const hosts = [...new Set(records.map((r) => r.exchange))].sort()
  const found = await mapLimit(hosts, LOOKUP_CONCURRENCY, (h) => hostAddresses(h, resolve))
  const without = found.filter((h) => h.v6.length === 0)
  const base = {
    id: 'mx_aaaa' as const,
    title,
    evidence: [...evidence, ...found.map(hostEvidence)],
  }
  const fix = without.map((h) => `${h.host}\t300\tIN\tAAAA\t<IPv6 address of ${h.host}>`)
  if (without.length === 0)
    return {
      ...base,
      verdict: 'pass',
      summary: `all ${found.length} mail servers have IPv6 addresses`,
    }
  if (without.length === found.length) {
    return {
      ...base,
      verdict: 'fail',
      summary: 'no mail server has an IPv6 address: IPv6-only senders cannot deliver',
      fix,
    }
  }
  return {
    ...base,
    verdict: 'warning',
    summary: `${found.length - without.length} of ${found.length} mail servers have IPv6 addresses`,
    fix,
  }
}

async function webReachCheck(
  results: DnsResult[],
  options: ReadinessOptions,
): Promise<ReadinessCheck> {
  const id = 'web_reach' as const
  const title = `IPv6 reachability of the web server (TCP ${options.ports.join(', ')})`
  const addresses = [
    ...new Set(
      results.flatMap((r) =>
        addressesOf(r, 'AAAA').flatMap((x) =>
          typeof x.data === 'string' && !isMapped(x.data) ? [x.data] : [],
        ),
      ),
    ),
  ]
  if (addresses.length === 0) {
    return {
      id,
      title,
      verdict: 'info',
      summary: 'no web AAAA addresses to connect to',
      evidence: [],
    }
  }
  if (!options.connect) {
    return {
      id,
      title,
      verdict: 'info',
      summary: `skipped: ${options.skipReachReason ?? 'connections are disabled'}`,
      evidence: addresses,
    }
  }
  const connect = options.connect
  const evidence: string[] = []
  const reachable = await mapLimit(addresses, 2, async (address) => {
    const refused = options.refuseAddress(address)
    if (refused) {
      evidence.push(`[${address}] not tried: ${refused}`)
      return false
    }
    let any = false
    for (const port of options.ports) {
      const outcome = await connect(address, port, AbortSignal.timeout(options.connectTimeoutMs))
      evidence.push(
        outcome.ok
          ? `[${address}]:${port} connected in ${outcome.ms} ms`
          : `[${address}]:${port} ${outcome.reason}`,
      )
      any ||= outcome.ok
    }
    return any
  })
  const ok = reachable.filter(Boolean).length
  evidence.sort()
  if (ok === addresses.length) {
    return {
      id,
      title,
      verdict: 'pass',
      summary: `all ${ok} web IPv6 address(es) accept TCP connections`,
      evidence,
    }
  }
  const fix = [
    'make the web server listen on its IPv6 address (e.g. nginx `listen [::]:443`, Apache `Listen [::]:443`)',
    'allow inbound TCP 80/443 over IPv6 in the firewall (ip6tables/nftables, security groups)',
    'or remove AAAA records that point to hosts that do not serve the site',
  ]
  if (ok === 0) {
    return {
      id,
      title,
      verdict: 'fail',
      summary: 'no web IPv6 address accepts TCP connections',
      evidence,
      fix,
    }
  }
  return {
    id,
    title,
    verdict: 'warning',
    summary: `${ok} of ${addresses.length} web IPv6 addresses accept TCP connections`,
    evidence,
    fix,
  }
}

/** The report as plain text, one block per check. */
export function formatReadiness(report: ReadinessReport): string {
  const lines = [`IPv6 readiness of ${report.domain}: ${report.score}/100 (${report.verdict})`, '']
  for (const c of report.checks) {
    lines.push(`${c.verdict.toUpperCase().padEnd(8)}${c.id}: ${c.summary}`)
    for (const e of c.evidence) lines.push(`        ${e}`)
    for (const f of c.fix ?? []) lines.push(`  fix:  ${f}`)
    lines.push('')
  }
  return lines.join('\n')
}
