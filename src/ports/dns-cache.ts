import { absolute } from '../dns/name'
import { cacheLifetime, type DnsResult, type Resolve } from '../dns/resolve'

export type CacheStatus = 'hit' | 'miss'

export type CachedResolve = {
  resolve: Resolve
  /** How each question was answered, in call order. */
  statuses: CacheStatus[]
}

/**
 * Wraps a `Resolve` with the Workers Cache API. Entries live for at most the smallest answer TTL
 * (RFC 8484 §5.1), and a hit has its TTLs reduced by the time spent in the cache, as a
 * resolver's cache would. Zero-lifetime answers (any rcode but NOERROR and NXDOMAIN, a truncated
 * reply, TTL 0, a TTL with the top bit set, which the reply decoder reads as 0) are never stored:
 * `cacheLifetime` decides.
 */
export function withCache(
  inner: Resolve,
  cache: Cache,
  resolverUrl: string,
  waitUntil: (p: Promise<unknown>) => void,
): CachedResolve {
  const statuses: CacheStatus[] = []
  const resolve: Resolve = async (name, type) => {
    const key = cacheKey(resolverUrl, name, type)
    const started = Date.now()
    const hit = await cache.match(key)
    if (hit) {
      const storedAt = Number(hit.headers.get('x-stored-at') ?? Date.now())
      const age = Math.max(0, Math.floor((Date.now() - storedAt) / 1000))
      statuses.push('hit')
      const stored = (await hit.json()) as DnsResult
      // The time this answer took (the cache's), not the stored query's; and the question in
      // the case it was asked, as a resolver echoes it (the key is case-blind).
      const fresh = { ...asAsked(stored, name), elapsedMs: Date.now() - started }
      return age > 0 ? aged(fresh, age) : fresh
    }
    const result = await inner(name, type)
    statuses.push('miss')
    const lifetime = cacheLifetime(result)
    if (lifetime > 0) {
      const entry = new Response(JSON.stringify(result), {
        headers: {
          'content-type': 'application/json',
          'cache-control': `max-age=${lifetime}`,
          'x-stored-at': String(Date.now()),
        },
      })
      waitUntil(cache.put(key, entry))
    }
    return result
  }
  return { resolve, statuses }
}

/**
 * The question as a cache key. The name goes in the query string: as a path segment the root's
 * `.` would be dropped by URL normalisation. v2: v1 entries may hold TTLs read before RFC 2181 §8
 * was applied, stored for up to 2^32-1 seconds. v3: v2 entries lack the reply's OPT record
 * (EDNS, Extended DNS Errors) and hold TXT strings in the older form.
 */
function cacheKey(resolverUrl: string, name: string, type: string): Request {
  const url = new URL('https://dns-cache.edgeping.invalid/v3')
  url.searchParams.set('resolver', resolverUrl)
  url.searchParams.set('name', absolute(name).toLowerCase())
  url.searchParams.set('type', type)
  return new Request(url)
}

/**
 * A cached result for a question asked in another letter case: the question, and every owner
 * name that is the question's (a resolver's reply points them at the question), in the case
 * asked now. dig shows `;UPPER.EXAMPLE.TEST.` for `UPPER.EXAMPLE.TEST`, whoever asked first.
 */
function asAsked(result: DnsResult, name: string): DnsResult {
  const before = result.question.name
  const now = absolute(name)
  if (before === now || before.toLowerCase() !== now.toLowerCase()) return result
  const owner = (rs: DnsResult['answer']) =>
    rs.map((r) => (r.name === before ? { ...r, name: now } : r))
  return {
    ...result,
    question: { ...result.question, name: now },
    answer: owner(result.answer),
    authority: owner(result.authority),
    additional: owner(result.additional),
    cnameChain: result.cnameChain.map((n) => (n === before ? now : n)),
  }
}

function aged(result: DnsResult, age: number): DnsResult {
  const dec = (rs: DnsResult['answer']) => rs.map((r) => ({ ...r, ttl: Math.max(0, r.ttl - age) }))
  return {
    ...result,
    answer: dec(result.answer),
    authority: dec(result.authority),
    additional: dec(result.additional),
  }
}

/** One header value for several questions: hit only if every one was. */
export function summarizeCache(statuses: CacheStatus[]): CacheStatus | 'partial' {
  if (statuses.length > 0 && statuses.every((s) => s === 'hit')) return 'hit'
  if (statuses.some((s) => s === 'hit')) return 'partial'
  return 'miss'
}
