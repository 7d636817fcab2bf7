/**
 * Browser sessions for the dashboard: after the API token is entered once in the login form, the
 * browser holds an HttpOnly, SameSite=Strict cookie `sid.expires.signature`, signed with
 * HMAC-SHA256 keyed by the API token (so rotating the token ends every session). Forms that
 * send traffic or write carry a CSRF token derived from the session id.
 */
export const SESSION_COOKIE = 'edgeping_session'
export const SESSION_SECONDS = 12 * 60 * 60

export type UiSession = { id: string; expires: number; csrf: string }

export async function createSession(
  apiToken: string,
  now = Date.now(),
): Promise<{ cookie: string; session: UiSession }> {
  const id = toHex(crypto.getRandomValues(new Uint8Array(16)))
  const expires = Math.floor(now / 1000) + SESSION_SECONDS
  const payload = `${id}.${expires}`
  const cookie = `${payload}.${await sign(apiToken, `session:v1:${payload}`)}`
  return { cookie, session: { id, expires, csrf: await sign(apiToken, `csrf:v1:${id}`) } }
}

/** Returns the session a cookie value proves, or null (bad signature, expired, malformed). */
export async function readSession(
  apiToken: string,
  cookie: string | undefined,
  now = Date.now(),
): Promise<UiSession | null> {
  if (!cookie || !apiToken) return null
  const m = /^([0-9a-f]{32})\.(\d{1,12})\.([0-9a-f]{64})$/.exec(cookie)
  if (!m?.[1] || !m[2] || !m[3]) return null
  const [id, expiresText, signature] = [m[1], m[2], m[3]]
  const expected = await sign(apiToken, `session:v1:${id}.${expiresText}`)
  if (!equalHex(expected, signature)) return null
  const expires = Number(expiresText)
  if (expires * 1000 <= now) return null
  return { id, expires, csrf: await sign(apiToken, `csrf:v1:${id}`) }
}

/** Compares a submitted CSRF token with the session's, in constant time. */
export function csrfMatches(session: UiSession | null, submitted: unknown): boolean {
  return session !== null && typeof submitted === 'string' && equalHex(session.csrf, submitted)
}

async function sign(key: string, message: string): Promise<string> {
  const enc = new TextEncoder()
  const k = await crypto.subtle.importKey(
    'raw',
    enc.encode(key),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  )
  return toHex(new Uint8Array(await crypto.subtle.sign('HMAC', k, enc.encode(message))))
}

function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')
}

function equalHex(a: string, b: string): boolean {
  if (a.length !== b.length) return false
  let diff = 0
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i)
  return diff === 0
}
