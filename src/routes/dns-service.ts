import type { Context } from 'hono'
import { checkIpv6Readiness, type ReadinessReport } from '../dns/ipv6-readiness'
import { lookup } from '../dns/lookup'
import { isIpAddress, normalizeDomain } from '../dns/name'
import { parsePorts } from '../dns/reach-ports'
import { type RecordType, typesFromParam } from '../dns/record-types'
import { createResolve, type DnsResult } from '../dns/resolve'
import { chooseResolver, type Resolver } from '../dns/resolvers'
import type { AppEnv } from '../env'
import { checkAddress, checkHost } from '../net/target-policy'
import { type CacheStatus, summarizeCache, withCache } from '../ports/dns-cache'
import { createDohSender, type DohMethod } from '../ports/doh-sender'
import { tcpConnect } from '../ports/tcp-connect'

/**
 * The DNS use cases as the HTTP edges (API routes and UI pages) run them: build the ports from
 * the request's env and auth, call the domain, hand back plain data.
 */

export type LookupParams = {
  name: string
  type?: string | string[] | undefined
  resolver?: string | undefined
  transport?: DohMethod | undefined
}

export type LookupOutcome = {
  name: string
  types: RecordType[]
  resolver: Resolver
  elapsedMs: number
  cache: CacheStatus | 'partial'
  results: (DnsResult & { cache: CacheStatus })[]
}

export async function runLookup(c: Context<AppEnv>, params: LookupParams): Promise<LookupOutcome> {
  const types = typesFromParam(params.type, () => defaultTypes(params.name))
  const { resolver, cached } = dnsPorts(c, params.resolver, params.transport)
  const started = performance.now()
  const result = await lookup(params.name, types, cached.resolve)
  return {
    name: result.name,
    types,
    resolver,
    elapsedMs: Math.round(performance.now() - started),
    cache: summarizeCache(cached.statuses),
    results: result.results.map((r, i) => ({ ...r, cache: cached.statuses[i] ?? 'miss' })),
  }
}

export type ReadinessParams = {
  domain: string
  resolver?: string | undefined
  ports?: string | undefined
}

export async function runReadiness(
  c: Context<AppEnv>,
  params: ReadinessParams,
): Promise<{ report: ReadinessReport; resolver: Resolver; cache: CacheStatus | 'partial' }> {
  const domain = normalizeDomain(params.domain)
  const ports = parsePorts(params.ports ?? '80,443')
  const { resolver, cached, allowPrivate } = dnsPorts(c, params.resolver, 'post')
  const report = await checkIpv6Readiness(domain, {
    resolve: cached.resolve,
    ...(c.get('authenticated')
      ? { connect: tcpConnect }
      : { skipReachReason: 'it opens TCP connections, so it needs the API token' }),
    ports,
    connectTimeoutMs: 3000,
    refuseAddress: (address) => {
      const v = checkAddress(address, allowPrivate)
      return v.allowed ? null : v.reason
    },
  })
  return { report, resolver, cache: summarizeCache(cached.statuses) }
}

/**
 * An IP address asks for its reverse name (PTR); the root asks NS, as `dig` with no name does
 * (it has no addresses); any other name asks A and AAAA.
 */
function defaultTypes(name: string): RecordType[] {
  if (isIpAddress(name)) return ['PTR']
  if (name.trim() === '.') return ['NS']
  return ['A', 'AAAA']
}

/** Builds the ports for one request: the chosen resolver, its DoH sender, the cache around it. */
function dnsPorts(
  c: Context<AppEnv>,
  requested: string | undefined,
  transport: DohMethod | undefined,
) {
  const allowPrivate = c.env.ALLOW_PRIVATE_TARGETS === 'true'
  const resolver: Resolver = chooseResolver(requested, c.env.DOH_URL, {
    authenticated: c.get('authenticated'),
    allowPrivate,
    checkHost: (host) => {
      const v = checkHost(host, allowPrivate)
      return v.allowed ? null : v.reason
    },
  })
  const timeoutMs = Number(c.env.DOH_TIMEOUT_MS) > 0 ? Number(c.env.DOH_TIMEOUT_MS) : 5000
  const resolve = createResolve(createDohSender(resolver.url, transport ?? 'post'), { timeoutMs })
  const cached = withCache(resolve, caches.default, resolver.url, (p) =>
    c.executionCtx.waitUntil(p),
  )
  return { resolver, cached, allowPrivate }
}

/** A and AAAA addresses of a name through the configured resolver (the zone generator's lookup). */
export function lookupAddressesPort(
  c: Context<AppEnv>,
): (name: string) => Promise<{ a: string[]; aaaa: string[] }> {
  const { cached } = dnsPorts(c, undefined, 'post')
  return async (name) => {
    const { results } = await lookup(name, ['A', 'AAAA'], cached.resolve)
    const of = (type: string) =>
      results.flatMap((r) => r.answer.filter((a) => a.type === type).map((a) => String(a.data)))
    return { a: of('A'), aaaa: of('AAAA') }
  }
}
