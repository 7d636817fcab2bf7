import { afterEach, describe, expect, it, vi } from 'vitest'
import { DnsQueryError } from '../../src/dns/errors'
import { buildQuery } from '../../src/dns/message'
import { createDohSender } from '../../src/ports/doh-sender'
import { fakeSender, rr } from '../unit/dns/fake-resolver'

const RESOLVER = 'https://doh.example.test/dns-query'
const ELSEWHERE = 'http://127.0.0.1/dns-query'
const answer = fakeSender({ 'a.test': [rr('a.test', 'A', '192.0.2.1')] })

/**
 * A fetch that answers RESOLVER with a 3xx to ELSEWHERE, and ELSEWHERE with a DNS reply. Like a
 * real fetch it follows the redirect itself unless `redirect: 'manual'` is asked, so a sender
 * that forgets the option gets an answer from where it was sent.
 */
function redirectingFetch(status: number, requested: string[]) {
  return vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
    const url = String(input instanceof Request ? input.url : input)
    requested.push(`${init?.method ?? 'GET'} ${url.split('?')[0]}`)
    if (url.startsWith(ELSEWHERE)) {
      const body = await answer(buildQuery('a.test', 'A'), new AbortController().signal)
      return new Response(body, { headers: { 'content-type': 'application/dns-message' } })
    }
    if (!url.startsWith(RESOLVER)) throw new Error(`unexpected fetch of ${url}`)
    if (init?.redirect !== 'manual') return fetch(ELSEWHERE, init)
    return new Response(null, { status, headers: { location: ELSEWHERE } })
  })
}

async function failure(p: Promise<unknown>): Promise<DnsQueryError> {
  try {
    await p
  } catch (err) {
    if (err instanceof DnsQueryError) return err
    throw err
  }
  throw new Error('the query succeeded')
}

afterEach(() => {
  vi.restoreAllMocks()
})

describe('createDohSender', () => {
  for (const [method, status] of [
    ['post', 307],
    ['post', 308],
    ['get', 302],
    ['get', 301],
  ] as const) {
    it(`does not follow a ${status} redirect (${method.toUpperCase()}) and reports it as an upstream HTTP error`, async () => {
      const requested: string[] = []
      redirectingFetch(status, requested)
      const send = createDohSender(RESOLVER, method)
      const err = await failure(send(buildQuery('a.test', 'A'), new AbortController().signal))
      expect(err.code).toBe('upstream_http')
      expect(err.message).toBe(
        `the resolver answered HTTP ${status} (a redirect to ${ELSEWHERE}); redirects are not followed: give the resolver's final URL`,
      )
      expect(err.resolver).toBe(RESOLVER)
      expect(requested).toEqual([`${method.toUpperCase()} ${RESOLVER}`])
    })
  }
})
