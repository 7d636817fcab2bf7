import { DnsQueryError } from '../dns/errors'
import type { SendQuery } from '../dns/resolve'
import { joinBytes } from '../lib/bytes'

/** A DNS message never exceeds 65,535 bytes (RFC 1035 §4.2.2 length field). */
const MAX_REPLY_BYTES = 65_535

export type DohMethod = 'post' | 'get'

/**
 * The RFC 8484 transport over `fetch`: POST `application/dns-message` by default, or GET with
 * the query in `?dns=` as unpadded base64url (§4.1). Anything but a 2xx `application/dns-message`
 * body is a `DnsQueryError` naming what came back.
 *
 * Redirects are never followed: the resolver URL was checked against the target policy once, and
 * a followed 3xx would take the Worker (and a re-sent POST body) to wherever the resolver says,
 * plain http or a refused address included. A 3xx is an upstream HTTP error like a 5xx.
 */
export function createDohSender(url: string, method: DohMethod = 'post'): SendQuery {
  return async (query, signal) => {
    const headers = { accept: 'application/dns-message' }
    const init: RequestInit =
      method === 'post'
        ? {
            method: 'POST',
            headers: { ...headers, 'content-type': 'application/dns-message' },
            body: query,
            signal,
            redirect: 'manual',
          }
        : { method: 'GET', headers, signal, redirect: 'manual' }
    const target = method === 'post' ? url : withDnsParam(url, query)
    const res = await fetch(target, init)
    if (isRedirect(res)) {
      await res.body?.cancel()
      const location = oneLine(res.headers.get('location') ?? '').slice(0, 200)
      throw new DnsQueryError(
        'upstream_http',
        `the resolver answered HTTP ${res.status} (a redirect${location ? ` to ${location}` : ''}); redirects are not followed: give the resolver's final URL`,
        url,
      )
    }
    if (!res.ok) {
      const text = await readText(res)
      throw new DnsQueryError(
        'upstream_http',
        `the resolver answered HTTP ${res.status}${text ? `: ${text}` : ''}`,
        url,
      )
    }
    const type = (res.headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase()
    if (type !== 'application/dns-message') {
      await res.body?.cancel()
      throw new DnsQueryError(
        'not_dns',
        `the resolver answered with content-type '${type || 'none'}' instead of application/dns-message`,
        url,
      )
    }
    return readCapped(res, url)
  }
}

/** Under `redirect: 'manual'` workerd (and Node) hand the 3xx itself back. */
function isRedirect(res: Response): boolean {
  return res.status >= 300 && res.status < 400
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim()
}

function withDnsParam(url: string, query: Uint8Array): string {
  const u = new URL(url)
  // RFC 8484 §4.1: base64url without padding.
  let bin = ''
  for (const b of query) bin += String.fromCharCode(b)
  u.searchParams.set('dns', btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, ''))
  return u.toString()
}

async function readCapped(res: Response, url: string): Promise<Uint8Array> {
  if (!res.body) return new Uint8Array()
  const chunks: Uint8Array[] = []
  let total = 0
  const reader = res.body.getReader()
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    total += value.byteLength
    if (total > MAX_REPLY_BYTES) {
      await reader.cancel()
      throw new DnsQueryError(
        'not_dns',
        `the resolver's reply exceeds ${MAX_REPLY_BYTES} bytes, the DNS maximum`,
        url,
      )
    }
    chunks.push(value)
  }
  return joinBytes(chunks, total)
}

/** The first 200 characters of an error body, on one line, for the problem detail. */
async function readText(res: Response): Promise<string> {
  try {
    return oneLine(await res.text()).slice(0, 200)
  } catch {
    return ''
  }
}
