import { describe, expect, it } from 'vitest'
import { createResolve } from '../../../src/dns/resolve'
import { withCache } from '../../../src/ports/dns-cache'
import { fakeSender, rr } from './fake-resolver'

/** The two Cache API methods withCache uses, over a Map keyed by URL. */
function memoryCache(): { cache: Cache; keys: () => string[] } {
  const entries = new Map<string, Response>()
  const cache = {
    match: async (key: Request) => entries.get(key.url)?.clone(),
    put: async (key: Request, res: Response) => {
      entries.set(key.url, res)
    },
  } as unknown as Cache
  return { cache, keys: () => [...entries.keys()] }
}

const zone = {
  '.': [rr('.', 'NS', 'a.root-servers.test', 518400)],
  'big.test': [rr('big.test', 'A', '192.0.2.1', 0xffffffff)],
  'ok.test': [rr('ok.test', 'A', '192.0.2.2', 300)],
}

async function cachedTwice(name: string, type: 'A' | 'NS') {
  const { cache, keys } = memoryCache()
  const pending: Promise<unknown>[] = []
  const cached = withCache(
    createResolve(fakeSender(zone), { timeoutMs: 1000 }),
    cache,
    'https://doh.test/dns-query',
    (p) => pending.push(p),
  )
  const first = await cached.resolve(name, type)
  await Promise.all(pending)
  const second = await cached.resolve(name, type)
  return { first, second, statuses: cached.statuses, keys: keys() }
}

describe('withCache', () => {
  it('stores and hits an ordinary answer', async () => {
    const r = await cachedTwice('ok.test', 'A')
    expect(r.statuses).toEqual(['miss', 'hit'])
    expect(r.second.answer[0]?.ttl).toBeLessThanOrEqual(300)
  })

  it('never stores a 0xFFFFFFFF TTL, which RFC 2181 §8 reads as zero', async () => {
    const r = await cachedTwice('big.test', 'A')
    expect(r.keys).toEqual([])
    expect(r.statuses).toEqual(['miss', 'miss'])
    expect([r.first.answer[0]?.ttl, r.second.answer[0]?.ttl]).toEqual([0, 0])
  })

  it('keys the root by its name (a "." path segment would vanish from the URL)', async () => {
    const r = await cachedTwice('.', 'NS')
    expect(r.statuses).toEqual(['miss', 'hit'])
    expect(r.keys).toHaveLength(1)
    expect(new URL(r.keys[0] ?? '').searchParams.get('name')).toBe('.')
  })
})
