import type { AlertEvent } from '../checks/alerts'

/**
 * Posts a tick's alert events to one webhook as JSON. With a secret, the body is signed with
 * HMAC-SHA256 and the hex digest sent as `X-Edgeping-Signature: sha256=<hex>` (the GitHub
 * webhook convention), so the receiver can check it came from us.
 */
export function createNotifier(secret: string | undefined, timeoutMs = 5000) {
  return async (url: string, events: AlertEvent[]): Promise<void> => {
    const body = JSON.stringify({ source: 'edgeping', events })
    const headers: Record<string, string> = { 'content-type': 'application/json' }
    if (secret) headers['x-edgeping-signature'] = `sha256=${await hmacHex(secret, body)}`
    const res = await fetch(url, {
      method: 'POST',
      headers,
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    })
    await res.body?.cancel().catch(() => {})
    if (!res.ok) throw new Error(`webhook answered HTTP ${res.status}`)
  }
}

export async function hmacHex(secret: string, body: string): Promise<string> {
  const enc = new TextEncoder()
  const key = await crypto.subtle.importKey(
    'raw',
    enc.encode(secret),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  )
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, enc.encode(body)))
  return [...mac].map((b) => b.toString(16).padStart(2, '0')).join('')
}
