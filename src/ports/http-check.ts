import type { HttpPort } from '../checks/kinds/ports'

/** Bodies are searched for the keyword only this far (SmokePing's Curl reads everything). */
const MAX_KEYWORD_BYTES = 256 * 1024

/**
 * One timed GET with `fetch`. Redirects are not followed (each hop would cost a subrequest),
 * the cache is bypassed so every probe reaches the origin, and the body is read only when a
 * keyword is wanted, then cancelled (an unread body holds one of the 6 connections).
 * The time is measured to the response headers, or to the end of the keyword search.
 */
export const httpProbe: HttpPort = async (url, { signal, keyword, headers }) => {
  const started = performance.now()
  let res: Response
  try {
    res = await fetch(url, {
      redirect: 'manual',
      signal,
      headers: { 'user-agent': 'edgeping-checks/0.1', ...headers },
      cf: { cacheTtlByStatus: { '100-599': -1 } },
    })
  } catch (err) {
    const ms = Math.round(performance.now() - started)
    if (signal.aborted) return { ok: false, reason: `timeout (${ms} ms)` }
    return {
      ok: false,
      reason: `fetch failed (${err instanceof Error ? err.message : String(err)})`,
    }
  }
  const retry = res.headers.get('retry-after')
  const retryAfter = retry === null ? {} : { retryAfter: retry.slice(0, 100) }
  if (!keyword) {
    const ms = performance.now() - started
    await res.body?.cancel().catch(() => {})
    return { ok: true, status: res.status, ms: round(ms), ...retryAfter }
  }
  try {
    const found = await bodyContains(res, keyword)
    return {
      ok: true,
      status: res.status,
      ms: round(performance.now() - started),
      keywordFound: found,
      ...retryAfter,
    }
  } catch {
    return { ok: false, reason: signal.aborted ? 'timeout reading the body' : 'body read failed' }
  }
}

async function bodyContains(res: Response, keyword: string): Promise<boolean> {
  if (!res.body) return false
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader()
  let text = ''
  let seen = 0
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) return false
      seen += value.length
      // Keep only a keyword-long tail so a match across chunks is still found.
      text = text.slice(-keyword.length) + value
      if (text.includes(keyword)) return true
      if (seen > MAX_KEYWORD_BYTES) return false
    }
  } finally {
    await reader.cancel().catch(() => {})
  }
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000
}
