import type { ProbeOutcome, SendProbe } from '../probes/types'

/** Only the start of a page is hashed: enough to tell a block page from the real one. */
const FINGERPRINT_BYTES = 1024

/**
 * The referer probe's HTTP port over `fetch`. The tested header is set explicitly: workerd ignores
 * the browser-style `referrer` init option (reference/workers-limits.md §4). Redirects are not
 * followed (a redirect is an answer to compare, and following one could lead to a host the target
 * policy never saw), nothing is cached, and all but the first KiB of a body is cancelled so the
 * connection is freed for the next request (6 simultaneous connections per invocation).
 */
export const sendHttpProbe: SendProbe = async (request, timeoutMs) => {
  const signal = AbortSignal.timeout(timeoutMs)
  const started = performance.now()
  const elapsed = () => Math.round(performance.now() - started)
  try {
    // `& { cf?: unknown }`: the same file also compiles under the Node config of the unit tests,
    // whose RequestInit has no `cf` (Node ignores it at run time).
    const init: RequestInit & { cf?: unknown } = {
      method: request.method,
      headers: request.headers,
      redirect: 'manual',
      signal,
      cf: { cacheTtlByStatus: { '100-599': -1 } },
    }
    const res = await fetch(request.url, init)
    const head = await readHead(res, FINGERPRINT_BYTES)
    // A redirect's body is usually empty, so its target is what tells two redirects apart; a
    // Retry-After marks a "come back later" that says nothing about the tested value.
    return {
      kind: 'response',
      status: res.status,
      elapsedMs: elapsed(),
      fingerprint: await hash(head),
      location: res.headers.get('location') ?? undefined,
      retryAfter: res.headers.get('retry-after') ?? undefined,
    }
  } catch (err) {
    const detail = err instanceof Error ? err.message : String(err)
    const outcome: ProbeOutcome = signal.aborted
      ? {
          kind: 'failed',
          reason: 'timeout',
          detail: `no answer within ${timeoutMs} ms`,
          elapsedMs: elapsed(),
        }
      : { kind: 'failed', reason: 'network', detail, elapsedMs: elapsed() }
    return outcome
  }
}

/** Reads at most `limit` bytes of the body and cancels the rest. */
async function readHead(res: Response, limit: number): Promise<Uint8Array<ArrayBuffer>> {
  if (!res.body) return new Uint8Array()
  const reader = res.body.getReader()
  const head = new Uint8Array(limit)
  let length = 0
  try {
    while (length < limit) {
      const { done, value } = await reader.read()
      if (done) break
      const take = Math.min(value.byteLength, limit - length)
      head.set(value.subarray(0, take), length)
      length += take
    }
  } finally {
    await reader.cancel().catch(() => {})
  }
  return head.subarray(0, length)
}

/** First 64 bits of SHA-256, hex: short enough to read, long enough never to collide by chance. */
async function hash(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes))
  return [...digest.subarray(0, 8)].map((b) => b.toString(16).padStart(2, '0')).join('')
}
