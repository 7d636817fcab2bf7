import type { ProbeOutcome, SendProbe } from '../probes/types'

/** Only the start of a page is hashed: enough to tell a block page from the real one. */
const FINGERPRINT_BYTES = 1024

/**
 * The referer probe's HTTP port over `fetch`. The tested header is set explicitly: workerd ignores
 * the browser-style `referrer` init option (reference/workers-limits.md §4). Redirects are not
 * followed (a redirect is an answer to compare, and following one could lead to a host the target
 * policy never saw), nothing is cached, and all but the first KiB of a body is cancelled so the
 * connection is freed for the next request (6 simultaneous connections per invocation). A body
 * the timeout cuts keeps the answer: the status counts, the fingerprint is marked `partialBody`.
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
    // The status and headers are here: from now on the timeout only cuts the body. A site that
    // answers at once and then trickles or stalls its body has answered; reported as a timeout,
    // its (maybe blocking) status was thrown away.
    const head = await readHead(res, FINGERPRINT_BYTES, signal)
    // A redirect's body is usually empty, so its target is what tells two redirects apart; a
    // Retry-After marks a "come back later" that says nothing about the tested value.
    return {
      kind: 'response',
      status: res.status,
      elapsedMs: elapsed(),
      fingerprint: await hash(head.bytes),
      location: res.headers.get('location') ?? undefined,
      retryAfter: res.headers.get('retry-after') ?? undefined,
      ...(head.cut ? { partialBody: true as const } : {}),
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

/**
 * Reads at most `limit` bytes of the body and cancels the rest. When `signal` aborts first (the
 * request's timeout), what was read so far is kept and `cut` says the body ended early. The
 * read is raced against the signal rather than left to the stream: whether an aborted fetch
 * errors a body already handed out differs between runtimes, and a stalled read must not hang.
 */
async function readHead(
  res: Response,
  limit: number,
  signal: AbortSignal,
): Promise<{ bytes: Uint8Array<ArrayBuffer>; cut: boolean }> {
  if (!res.body) return { bytes: new Uint8Array(), cut: false }
  const reader = res.body.getReader()
  const head = new Uint8Array(limit)
  let length = 0
  let cut = false
  let onAbort = () => {}
  const aborted = new Promise<'aborted'>((resolve) => {
    onAbort = () => resolve('aborted')
    if (signal.aborted) resolve('aborted')
    else signal.addEventListener('abort', onAbort, { once: true })
  })
  try {
    while (length < limit) {
      const next = await Promise.race([reader.read(), aborted]).catch((err: unknown) => {
        // The stream erroring because of the timeout is the same cut; anything else is a
        // broken connection and stays a network failure.
        if (signal.aborted) return 'aborted' as const
        throw err
      })
      if (next === 'aborted') {
        cut = true
        break
      }
      if (next.done) break
      const take = Math.min(next.value.byteLength, limit - length)
      head.set(next.value.subarray(0, take), length)
      length += take
    }
  } finally {
    signal.removeEventListener('abort', onAbort)
    // Not awaited when cut: cancelling a stalled stream can wait on the peer.
    const cancelled = reader.cancel().catch(() => {})
    if (!cut) await cancelled
  }
  return { bytes: head.subarray(0, length), cut }
}

/** First 64 bits of SHA-256, hex: short enough to read, long enough never to collide by chance. */
async function hash(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes))
  return [...digest.subarray(0, 8)].map((b) => b.toString(16).padStart(2, '0')).join('')
}
