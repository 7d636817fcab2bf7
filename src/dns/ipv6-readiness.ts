import { mapLimit } from '../lib/map-limit'
import { formatRecord } from './dig-format'
import { DnsQueryError, DomainNotFoundError } from './errors'
import type { DnsRecord } from './message'
import { absolute } from './name'
import { type DnsResult, finalRecords, type Resolve } from './resolve'

/**
 * `unknown`: a lookup the check needs failed (SERVFAIL, REFUSED, a timeout...), so there is no
 * evidence either way. It is neither scored nor given a fix: "publish AAAA" for a record that may
 * well exist would be wrong advice.
 */
export type Verdict = 'pass' | 'fail' | 'warning' | 'info' | 'unknown'

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
  /**
   * 0-100 over the checks that apply: pass 1, warning ½, fail 0; info and unknown checks do not
   * count (0 when none does, with the verdict `unknown`).
   */
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
  /** Subrequest budgets (default READINESS_MAX_LOOKUPS and READINESS_MAX_CONNECTS). */
  maxLookups?: number
  maxConnects?: number
}

const LOOKUP_CONCURRENCY = 4

/**
 * A report's subrequests: every lookup is a DoH fetch and every connect a socket, and a Worker on
 * the free plan may make 50 per request. 30 lookups cover the fixed 8 and 11 NS or MX hosts (two
 * each); 16 connects cover 8 addresses on two ports. What is past the budget is not looked up or
 * not tried, and says so: its check is unknown, never passed or failed on a guess.
 */
export const READINESS_MAX_LOOKUPS = 30
export const READINESS_MAX_CONNECTS = 16

/** Thrown by a budgeted resolve once the budget is spent; a lookup outcome, not a failure. */
class LookupBudgetSpent extends Error {
  override name = 'LookupBudgetSpent'
}

function budgeted(resolve: Resolve, max: number): Resolve {
  let used = 0
  return (name, type) => {
    if (used >= max) {
      return Promise.reject(
        new LookupBudgetSpent(
          `${absolute(name)} ${type} not looked up: the report's ${max} lookups are spent (a Worker has 50 subrequests per request)`,
        ),
      )
    }
    used++
    return resolve(name, type)
  }
}

/**
 * The IPv6 readiness of a domain, in the spirit of internet.nl's IPv6 category: AAAA on the apex
 * and www, on every name server (≥ 2) and every mail exchanger, and TCP reachability of the web
 * AAAA addresses on port 80 and/or 443.
 */
export async function checkIpv6Readiness(
  domain: string,
  given: ReadinessOptions,
): Promise<ReadinessReport> {
  const options = {
    ...given,
    resolve: budgeted(given.resolve, given.maxLookups ?? READINESS_MAX_LOOKUPS),
  }
  const apex = absolute(domain)
  const www = absolute(`www.${domain}`)
  // The apex lookup also proves the resolver works: its transport failure (timeout, HTTP error)
  // is the request's failure, and an NXDOMAIN leaves nothing to check.
  const [apexAaaa, apexA] = await Promise.all([
    options.resolve(domain, 'AAAA'),
    options.resolve(domain, 'A'),
  ])
  // NXDOMAIN belongs to the last name of a CNAME chain (RFC 6604): a name whose CNAME target is
  // gone exists, and its web check says so; only a name that is not there at all is a 422.
  const nx = [apexAaaa, apexA].find((r) => r.rcode === 'NXDOMAIN' && r.cnameChain.length === 0)
  if (nx) throw new DomainNotFoundError(apex, `${nx.question.name} ${nx.question.type}`)
  const attempt = (name: string, type: 'A' | 'AAAA' | 'MX') =>
    lookupOutcome(options.resolve, name, type)
  // MX is per name (mail to www.x.test goes to www.x.test's MX), so it stays at the name; NS is
  // per zone, so a name that is not a zone apex is checked through its enclosing zone.
  const [wwwAaaa, wwwA, ns, mx] = await Promise.all([
    attempt(`www.${domain}`, 'AAAA'),
    attempt(`www.${domain}`, 'A'),
    zoneNameServers(domain, options.resolve),
    attempt(domain, 'MX'),
  ])
  const apexCheck = webAaaaCheck('web_aaaa_apex', apex, outcomeOf(apexAaaa), outcomeOf(apexA))
  const wwwCheck = webAaaaCheck('web_aaaa_www', www, wwwAaaa, wwwA)
  const [nsCheck, mxCheck, reachCheck] = await Promise.all([
    nsAaaaCheck(ns, options.resolve),
    mxAaaaCheck(apex, mx, options.resolve),
    webReachCheck([outcomeOf(apexAaaa), wwwAaaa], options),
  ])
  const checks = [apexCheck, wwwCheck, nsCheck, mxCheck, reachCheck]
  const score = scoreOf(checks)
  return { domain: apex, score: score ?? 0, verdict: overallVerdict(checks, score), checks }
}

/** Undefined when no check could be scored (all info or unknown). */
function scoreOf(checks: ReadinessCheck[]): number | undefined {
  const counted = checks.filter((c) => c.verdict !== 'info' && c.verdict !== 'unknown')
  if (counted.length === 0) return undefined
  const points = counted.reduce(
    (sum, c) => sum + (c.verdict === 'pass' ? 1 : c.verdict === 'warning' ? 0.5 : 0),
    0,
  )
  return Math.round((100 * points) / counted.length)
}

/** A check whose evidence is missing keeps the report from passing: it is unknown instead. */
function overallVerdict(checks: ReadinessCheck[], score: number | undefined): Verdict {
  if (score === undefined) return 'unknown'
  if (score === 100) return checks.some((c) => c.verdict === 'unknown') ? 'unknown' : 'pass'
  return score >= 50 ? 'warning' : 'fail'
}

/**
 * One lookup's outcome: the result when the resolver answered the question (NOERROR, or
 * NXDOMAIN: the name does not exist, which is evidence too), else why there is no evidence.
 */
type LookupOutcome = { ok: true; result: DnsResult } | { ok: false; why: string }

async function lookupOutcome(
  resolve: Resolve,
  name: string,
  type: 'A' | 'AAAA' | 'NS' | 'MX' | 'SOA',
): Promise<LookupOutcome> {
  try {
    return outcomeOf(await resolve(name, type))
  } catch (err) {
    if (err instanceof LookupBudgetSpent) return { ok: false, why: err.message }
    if (!(err instanceof DnsQueryError)) throw err
    return { ok: false, why: `${absolute(name)} ${type} lookup failed: ${err.message}` }
  }
}

/** SERVFAIL, REFUSED and other rcodes say the resolver could not answer, not that no record exists. */
function outcomeOf(result: DnsResult): LookupOutcome {
  if (result.rcode === 'NOERROR' || result.rcode === 'NXDOMAIN') return { ok: true, result }
  const q = result.question
  return {
    ok: false,
    why: `${q.name} ${q.type} lookup failed: the resolver answered ${result.rcode}`,
  }
}

function unknownCheck(
  id: ReadinessCheck['id'],
  title: string,
  failures: string[],
  evidence: string[] = [],
): ReadinessCheck {
  return {
    id,
    title,
    verdict: 'unknown',
    summary: `could not be determined: ${failures.join('; ')}`,
    evidence: [...evidence, ...failures],
  }
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
  aaaaOutcome: LookupOutcome,
  aOutcome: LookupOutcome,
): ReadinessCheck {
  const title = `IPv6 address for ${name}`
  if (!aaaaOutcome.ok) return unknownCheck(id, title, [aaaaOutcome.why])
  const aaaa = aaaaOutcome.result
  const v6 = addressesOf(aaaa, 'AAAA')
  const v4 = aOutcome.ok ? addressesOf(aOutcome.result, 'A') : []
  // Both answers repeat the CNAMEs of a CNAME'd name: each line once.
  const evidence = unique(
    [...aaaa.answer, ...(aOutcome.ok ? aOutcome.result.answer : [])].map(formatRecord),
  )
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
  // Without the A answer, a name with no AAAA may be a web host missing IPv6 or no host at all.
  if (!aOutcome.ok && mapped.length === 0 && aaaa.rcode === 'NOERROR') {
    return unknownCheck(id, title, [aOutcome.why], evidence)
  }
  // A name with no address at all serves no web site over either protocol (an apex that only
  // receives mail, a domain without www): "publish AAAA" would invent a web server. The apex is
  // treated as www is; with an A record but no AAAA it is a failure (below).
  if (v4.length === 0 && mapped.length === 0) {
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

/** A host's addresses; a failed lookup is its reason, never an empty list. */
type Addresses = { ok: true; list: string[] } | { ok: false; why: string }
type HostAddresses = {
  host: string
  v6: Addresses
  v4: Addresses
  /** The CNAME chain the address lookups followed; empty when the host is a canonical name. */
  alias: string[]
  /** The name (the host, or the end of its CNAME chain) does not exist (NXDOMAIN). */
  missing?: true
}

async function hostAddresses(host: string, resolve: Resolve): Promise<HostAddresses> {
  // A target printed with escapes (`ns\.x.test.`: a dot, space or non-ASCII byte inside a label)
  // is no host name (RFC 1123 §2.1), and a query built from the text would ask another name.
  if (host.includes('\\')) {
    const why = `${host} is not a host name (a label holds a character a host name may not, RFC 1123 §2.1), so it was not looked up`
    return { host, v6: { ok: false, why }, v4: { ok: false, why }, alias: [] }
  }
  const [aaaa, a] = await Promise.all([
    lookupOutcome(resolve, host, 'AAAA'),
    lookupOutcome(resolve, host, 'A'),
  ])
  const list = (o: LookupOutcome, type: 'A' | 'AAAA'): Addresses =>
    o.ok
      ? {
          ok: true,
          list: addressesOf(o.result, type).flatMap((r) =>
            typeof r.data === 'string' && !(type === 'AAAA' && isMapped(r.data)) ? [r.data] : [],
          ),
        }
      : o
  const alias = [aaaa, a].find((o) => o.ok && o.result.cnameChain.length > 0)
  const missing = [aaaa, a].some((o) => o.ok && o.result.rcode === 'NXDOMAIN')
  return {
    host: absolute(host),
    v6: list(aaaa, 'AAAA'),
    v4: list(a, 'A'),
    alias: alias?.ok ? alias.result.cnameChain : [],
    ...(missing ? { missing: true as const } : {}),
  }
}

/**
 * The fix for a target without IPv6: its AAAA record, or, for a name that does not exist (a
 * typo, or an alias of a deleted host), its removal from the set: an AAAA there, or pointing
 * the record at the alias's missing end, would not help.
 */
function missingV6Fix(h: HostAddresses, what: 'NS' | 'MX', set: string, ttl: number): string {
  const named = h.alias[0] ?? h.host
  if (h.missing) {
    const why =
      h.alias.length > 0 ? `it is an alias of ${h.host}, which does not exist` : 'it does not exist'
    return `remove ${named} from the ${what} set of ${set} or replace it with a host that exists: ${why}`
  }
  return `${h.host}\t${ttl}\tIN\tAAAA\t<IPv6 address of ${h.host}>`
}

/**
 * RFC 2181 §10.3: an NS or MX target must be a canonical name, not an alias. The lookups follow
 * the CNAME (so the addresses are still checked), but the report says so: mail servers may refuse
 * to deliver to such an MX (RFC 5321 §5.1), and resolvers may not follow it for an NS.
 */
function aliasWarnings(found: HostAddresses[], what: 'NS' | 'MX'): string[] {
  const who =
    what === 'MX' ? 'mail servers may refuse to deliver to it' : 'resolvers may fail to use it'
  return found.flatMap((h) =>
    h.missing
      ? [
          `warning: ${what} target ${h.host} does not exist${h.alias.length > 0 ? ` (an alias, CNAME to ${h.alias.at(-1)}, which does not exist)` : ''}`,
        ]
      : h.alias.length > 0
        ? [
            `warning: ${what} target ${h.host} is an alias (CNAME to ${h.alias.at(-1)}), which RFC 2181 §10.3 forbids; ${who}: point the ${what} record at ${h.alias.at(-1)}`,
          ]
        : [],
  )
}

function unique(lines: string[]): string[] {
  return [...new Set(lines)]
}

/** Names once each, whatever their case (RFC 4343): NS1.x.test and ns1.x.test are one host. */
function uniqueNames(names: string[]): string[] {
  const seen = new Map<string, string>()
  for (const n of names)
    if (!seen.has(absolute(n).toLowerCase())) seen.set(absolute(n).toLowerCase(), n)
  return [...seen.values()]
}

function hostEvidence(h: HostAddresses): string {
  if (!h.v6.ok) return h.v6.why
  const v6 = h.v6.list.length > 0 ? h.v6.list.join(', ') : 'no AAAA'
  const v4 = !h.v4.ok ? 'lookup failed' : h.v4.list.length > 0 ? h.v4.list.join(', ') : 'no A'
  return `${h.host} IPv6: ${v6}; IPv4: ${v4}${h.v4.ok ? '' : ` (${h.v4.why})`}`
}

/** Hosts sorted by what their AAAA lookup showed: some, none, or nothing known. */
function byIpv6(found: HostAddresses[]) {
  const has = (h: HostAddresses) => h.v6.ok && h.v6.list.length > 0
  return {
    withV6: found.filter(has),
    without: found.filter((h) => h.v6.ok && h.v6.list.length === 0),
    unknown: found.filter((h) => !h.v6.ok),
  }
}

function hostList(hosts: HostAddresses[]): string {
  return hosts.map((h) => h.host).join(', ')
}

/**
 * One entry per server: target names that are aliases of one canonical name (ns2 CNAME ns1) are
 * one host, counted once and named by that canonical name, where its AAAA belongs (an AAAA at the
 * alias's owner would sit beside its CNAME, which RFC 1034 §3.6.2 forbids).
 */
function byServer(found: HostAddresses[]): HostAddresses[] {
  const servers = new Map<string, HostAddresses>()
  for (const h of found) {
    const end = absolute(h.alias.at(-1) ?? h.host)
    if (!servers.has(end.toLowerCase())) servers.set(end.toLowerCase(), { ...h, host: end })
  }
  return [...servers.values()]
}

/** Targets that are aliases: "point the record at the canonical name" for each. */
function aliasFixes(found: HostAddresses[], what: 'NS' | 'MX'): string[] {
  return found.flatMap((h) =>
    h.alias.length > 0 && !h.missing
      ? [`point the ${what} record for ${h.host} at ${h.alias.at(-1)}`]
      : [],
  )
}

/**
 * A check whose targets include an alias is at best a warning (RFC 2181 §10.3, as the README
 * promises), and its fix says where to point the record.
 */
function withAliases(
  check: ReadinessCheck,
  found: HostAddresses[],
  what: 'NS' | 'MX',
): ReadinessCheck {
  const aliases = found.filter((h) => h.alias.length > 0)
  if (aliases.length === 0) return check
  // An unknown check gets no fix (README): the alias stays in its evidence.
  if (check.verdict === 'unknown') return check
  const fix = [...(check.fix ?? []), ...aliasFixes(found, what)]
  if (fix.length === 0) return check
  if (check.verdict !== 'pass') return { ...check, fix }
  const are = aliases.length === 1 ? 'is an alias' : 'are aliases'
  return {
    ...check,
    verdict: 'warning',
    summary: `${check.summary}, but ${what} target ${hostList(aliases)} ${are} (CNAME), which RFC 2181 §10.3 forbids`,
    fix,
  }
}

/**
 * The name servers to check: those of the name when it is a zone apex, else those of the zone
 * that holds it. A NODATA reply to `name NS` carries the enclosing zone's SOA in its authority
 * section (RFC 2308 §2.2), whose owner is that zone. A CNAME'd name is not an apex either (RFC 1034
 * §3.6.2), but the SOA after a CNAME is the target's zone, possibly another's: the zone is then
 * the one that holds the name's parent.
 */
type ZoneNs = {
  /** The zone whose NS set is checked (absolute). */
  zone: string
  outcome: LookupOutcome
  /** Why the zone is not the name itself; absent when it is. */
  via?: string
}

async function zoneNameServers(domain: string, resolve: Resolve): Promise<ZoneNs> {
  const name = absolute(domain)
  const atName = await lookupOutcome(resolve, domain, 'NS')
  if (!atName.ok) return { zone: name, outcome: atName }
  const reply = atName.result
  let soaOwner: string | undefined
  let via: string
  // A CNAME'd name takes the branch below whatever the rcode: the NXDOMAIN of an alias whose
  // target is gone is the target's (RFC 6604), and says nothing about the name's own zone.
  if (reply.cnameChain.length === 0) {
    if (reply.rcode !== 'NOERROR' || nsHosts(reply).length > 0)
      return { zone: name, outcome: atName }
    soaOwner = reply.authority.find((r) => r.type === 'SOA')?.name
    via = `${name} has no NS records (NODATA): it is not a zone apex`
  } else {
    const parent = name.slice(name.indexOf('.') + 1) || '.'
    const soa = await lookupOutcome(resolve, parent, 'SOA')
    if (!soa.ok) return { zone: name, outcome: soa }
    if (soa.result.cnameChain.length === 0) {
      const records = [...soa.result.answer, ...soa.result.authority]
      soaOwner = records.find((r) => r.type === 'SOA')?.name
    }
    via = `${name} is an alias (CNAME), so not a zone apex`
  }
  if (soaOwner === undefined || !isStrictAncestor(soaOwner, name)) {
    return {
      zone: name,
      outcome: {
        ok: false,
        why: `${via}, and the reply names no enclosing zone (no SOA above ${name} in its authority section)`,
      },
    }
  }
  const zone = absolute(soaOwner)
  const outcome = await lookupOutcome(resolve, zone, 'NS')
  return { zone, outcome, via: `${via}; NS of the enclosing zone ${zone}` }
}

/** True when `zone` is a proper ancestor of `name` (not the root: it is no domain's zone here). */
function isStrictAncestor(zone: string, name: string): boolean {
  const z = absolute(zone).toLowerCase()
  return z !== '.' && absolute(name).toLowerCase().endsWith(`.${z}`)
}

/** The NS hosts of the name asked (not those of a CNAME target). */
function nsHosts(result: DnsResult): string[] {
  return finalRecords(result, 'NS').flatMap((r) => (typeof r.data === 'string' ? [r.data] : []))
}

/** The check's rule: every NS host has AAAA, and at least two do (RFC 2182 §5: two or more NS). */
const NS_NEEDED = 2

async function nsAaaaCheck(zoneNs: ZoneNs, resolve: Resolve): Promise<ReadinessCheck> {
  const title = 'IPv6 addresses for name servers'
  const { zone, via } = zoneNs
  const viaLines = via ? [via] : []
  /** Appended to summaries when the NS set checked is not the name's own. */
  const of = via ? ` (NS of the enclosing zone ${zone})` : ''
  if (!zoneNs.outcome.ok) return unknownCheck('ns_aaaa', title, [zoneNs.outcome.why], viaLines)
  const ns = zoneNs.outcome.result
  const hosts = uniqueNames(nsHosts(ns))
  if (hosts.length === 0) {
    return {
      id: 'ns_aaaa',
      title,
      verdict: 'fail',
      summary: `no NS records for ${zone} (${ns.rcode})`,
      evidence: viaLines,
    }
  }
  const found = await mapLimit(hosts.sort(), LOOKUP_CONCURRENCY, (h) => hostAddresses(h, resolve))
  const servers = byServer(found)
  const { withV6, without, unknown } = byIpv6(servers)
  const evidence = unique([...viaLines, ...found.map(hostEvidence), ...aliasWarnings(found, 'NS')])
  // The fix covers the whole rule: AAAA for every host without one, and, with fewer than two NS
  // hosts, a second name server (AAAA on a lone ns1 would still leave one, not two).
  const fix = [
    ...without.map((h) => missingV6Fix(h, 'NS', zone, 3600)),
    ...(servers.length < NS_NEEDED
      ? [`add a second name server with an IPv6 address to the NS set of ${zone}`]
      : []),
  ]
  const base = { id: 'ns_aaaa' as const, title, evidence }
  const oneServer =
    found.length > servers.length && servers.length === 1
      ? ` (${hostList(found)} are names of one server, ${servers[0]?.host})`
      : ''
  const lone = servers.length < NS_NEEDED ? `; ${zone} has only one name server${oneServer}` : ''
  return withAliases(nsVerdict(), found, 'NS')

  function nsVerdict(): ReadinessCheck {
    if (unknown.length > 0) {
      const checked = partlyKnown(base, withV6, without, unknown, NS_NEEDED, 'name server', fix)
      return { ...checked, summary: checked.summary + of }
    }
    if (without.length === 0 && withV6.length >= NS_NEEDED) {
      return {
        ...base,
        verdict: 'pass',
        summary: `all ${withV6.length} name servers have IPv6 addresses${of}`,
      }
    }
    if (withV6.length === 0) {
      return {
        ...base,
        verdict: 'fail',
        summary: `no name server has an IPv6 address: IPv6-only resolvers cannot reach the zone${lone}${of}`,
        fix,
      }
    }
    if (withV6.length === 1) {
      return {
        ...base,
        verdict: 'fail',
        summary: `only one name server (${withV6[0]?.host}) has an IPv6 address; at least two are needed${oneServer}${of}`,
        fix:
          fix.length > 0
            ? fix
            : [`add a second name server with an IPv6 address to the NS set of ${zone}`],
      }
    }
    return {
      ...base,
      verdict: 'warning',
      summary: `${withV6.length} of ${servers.length} name servers have IPv6 addresses; ${without.map((h) => h.host).join(', ')} ha${without.length === 1 ? 's' : 've'} none${of}`,
      fix,
    }
  }
}

async function mxAaaaCheck(
  apex: string,
  mxOutcome: LookupOutcome,
  resolve: Resolve,
): Promise<ReadinessCheck> {
  const title = 'IPv6 addresses for mail servers'
  if (!mxOutcome.ok) return unknownCheck('mx_aaaa', title, [mxOutcome.why])
  const mx = mxOutcome.result
  const records = mx.answer.flatMap((r) =>
    r.type === 'MX' && typeof r.data === 'object' && 'exchange' in r.data ? [r.data] : [],
  )
  const evidence = mx.answer.map(formatRecord)
  // The MX lookup of an alias follows its CNAME (RFC 5321 §5.1): the MX records, and any null MX
  // to publish, belong at the chain's end; a record beside the CNAME is forbidden (RFC 1034 §3.6.2).
  const owner = mx.cnameChain.at(-1) ?? apex
  if (records.length === 0 && mx.rcode === 'NXDOMAIN' && mx.cnameChain.length > 0) {
    return {
      id: 'mx_aaaa',
      title,
      verdict: 'info',
      summary: `${apex} is an alias (CNAME) of ${owner}, which does not exist: no mail can be delivered to it`,
      evidence,
    }
  }
  if (records.length === 0) {
    const alias = owner === apex ? '' : ` (${apex} is an alias of ${owner}: MX records go there)`
    return {
      id: 'mx_aaaa',
      title,
      verdict: 'info',
      summary: `${apex} has no MX records (${mx.rcode}); if it sends no mail, publish a null MX (RFC 7505)${alias}`,
      evidence,
      fix: [`${owner}\t300\tIN\tMX\t0 .`],
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
  const hosts = uniqueNames(records.map((r) => r.exchange)).sort()
  const found = await mapLimit(hosts, LOOKUP_CONCURRENCY, (h) => hostAddresses(h, resolve))
  const servers = byServer(found)
  const { withV6, without, unknown } = byIpv6(servers)
  const base = {
    id: 'mx_aaaa' as const,
    title,
    evidence: unique([...evidence, ...found.map(hostEvidence), ...aliasWarnings(found, 'MX')]),
  }
  const fix = without.map((h) => missingV6Fix(h, 'MX', apex, 300))
  return withAliases(mxVerdict(), found, 'MX')

  function mxVerdict(): ReadinessCheck {
    if (unknown.length > 0)
      return partlyKnown(base, withV6, without, unknown, 1, 'mail server', fix)
    if (without.length === 0)
      return {
        ...base,
        verdict: 'pass',
        summary: `all ${servers.length} mail servers have IPv6 addresses`,
      }
    if (without.length === servers.length) {
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
      summary: `${servers.length - without.length} of ${servers.length} mail servers have IPv6 addresses`,
      fix,
    }
  }
}

/**
 * Some hosts' AAAA lookups failed. A host known to lack AAAA is a finding (and gets its fix);
 * the verdict is the best the failed hosts could make it: if every one of them has IPv6 and that
 * would still fall short of `needed`, fail; if only the known-missing hosts hold it back, warning;
 * if nothing is known to be missing, unknown.
 */
function partlyKnown(
  base: { id: 'ns_aaaa' | 'mx_aaaa'; title: string; evidence: string[] },
  withV6: HostAddresses[],
  without: HostAddresses[],
  unknown: HostAddresses[],
  needed: number,
  what: string,
  fix: string[],
): ReadinessCheck {
  const failed = `the lookup of ${hostList(unknown)} failed`
  const known =
    withV6.length > 0 ? `${hostList(withV6)} ha${withV6.length === 1 ? 's' : 've'} IPv6; ` : ''
  const bestCase = withV6.length + unknown.length
  if (without.length === 0 && bestCase >= needed) {
    return {
      ...base,
      verdict: 'unknown',
      summary: `could not be determined: ${known}${failed}`,
    }
  }
  if (without.length === 0) {
    // Decided whatever the failed lookups would say: even all of them with IPv6 are too few.
    return {
      ...base,
      verdict: 'fail',
      summary: `${known}${failed}, and even with IPv6 ${bestCase === 1 ? 'it' : 'they'} would be ${bestCase} of the ${needed} ${what}s needed`,
      fix,
    }
  }
  return {
    ...base,
    verdict: bestCase < needed ? 'fail' : 'warning',
    summary: `${known}${what}${without.length === 1 ? '' : 's'} ${hostList(without)} ha${without.length === 1 ? 's' : 've'} no IPv6 address; ${failed}`,
    fix,
  }
}

async function webReachCheck(
  outcomes: LookupOutcome[],
  options: ReadinessOptions,
): Promise<ReadinessCheck> {
  const id = 'web_reach' as const
  const title = `IPv6 reachability of the web server (TCP ${options.ports.join(', ')})`
  const results = outcomes.flatMap((o) => (o.ok ? [o.result] : []))
  const failures = outcomes.flatMap((o) => (o.ok ? [] : [o.why]))
  const addresses = [
    ...new Set(
      results.flatMap((r) =>
        addressesOf(r, 'AAAA').flatMap((x) =>
          typeof x.data === 'string' && !isMapped(x.data) ? [x.data] : [],
        ),
      ),
    ),
  ]
  if (addresses.length === 0 && failures.length > 0) return unknownCheck(id, title, failures)
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
  const maxConnects = options.maxConnects ?? READINESS_MAX_CONNECTS
  const triable = Math.max(1, Math.floor(maxConnects / options.ports.length))
  // An address the policy refuses costs no connect: it does not take a tried address's place.
  const refusals = new Map(addresses.map((a) => [a, options.refuseAddress(a)]))
  const allowed = addresses.filter((a) => !refusals.get(a))
  const untried = allowed.slice(triable)
  for (const address of untried) {
    evidence.push(
      `[${address}] not tried: the report's ${maxConnects} connections are spent (${triable} addresses × ${options.ports.length} ports)`,
    )
  }
  const tried = new Set(allowed.slice(0, triable))
  const toTry = addresses.filter((a) => tried.has(a) || refusals.get(a))
  const reachable = await mapLimit(toTry, 2, async (address) => {
    const refused = refusals.get(address)
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
  if (ok === reachable.length && untried.length > 0) {
    return {
      id,
      title,
      verdict: 'unknown',
      summary: `could not be determined: all ${ok} web IPv6 addresses tried accept TCP connections; ${untried.length} more were not tried`,
      evidence,
    }
  }
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
  if (ok === 0 && untried.length > 0) {
    // One of the addresses not tried may answer: fail or warning, there is no telling which.
    return {
      id,
      title,
      verdict: 'unknown',
      summary: `could not be determined: no web IPv6 address tried accepts TCP connections; ${untried.length} more were not tried`,
      evidence,
    }
  }
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
    summary: `${ok} of ${reachable.length} web IPv6 addresses tried accept TCP connections${untried.length > 0 ? ` (${untried.length} more not tried)` : ''}`,
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
