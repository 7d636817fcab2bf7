import type { Context, MiddlewareHandler } from 'hono'
import { getCookie } from 'hono/cookie'
import type { AppEnv } from '../env'
import { csrfMatches, readSession, SESSION_COOKIE } from '../ui/session'
import { ProblemError } from './problem'

/**
 * Bearer-token auth against the `API_TOKEN` secret. `detectToken` runs on every request and only
 * records whether a valid token came; `requireToken` guards what probes caller-chosen hosts or
 * writes state.
 *
 * The dashboard's scripts call the same API with the login session instead: the session cookie
 * (HttpOnly, SameSite=Strict) AND its CSRF token in an `X-CSRF-Token` header. A cookie alone is
 * never enough, so another site cannot make a logged-in browser call the API.
 */
export const detectToken: MiddlewareHandler<AppEnv> = async (c, next) => {
  c.set('authenticated', (await hasValidToken(c)) || (await hasSessionWithCsrf(c)))
  await next()
}

async function hasSessionWithCsrf(c: Context<AppEnv>): Promise<boolean> {
  const expected = c.env.API_TOKEN
  const submitted = c.req.header('x-csrf-token')
  if (!expected || !submitted) return false
  const session = await readSession(expected, getCookie(c, SESSION_COOKIE))
  return csrfMatches(session, submitted)
}

export const requireToken: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (!c.get('authenticated')) throw unauthorized(c)
  await next()
}

/** For handlers where only some options need the token. */
export function assertToken(c: Context<AppEnv>, what: string): void {
  if (!c.get('authenticated')) throw unauthorized(c, what)
}

function unauthorized(c: Context<AppEnv>, what?: string): ProblemError {
  const configured = Boolean(c.env.API_TOKEN)
  return new ProblemError({
    type: '/problems/unauthorized',
    title: 'Unauthorized',
    status: 401,
    detail: configured
      ? `${what ?? 'This endpoint'} needs the API token: send 'Authorization: Bearer <API_TOKEN>' (or, from the dashboard, log in)`
      : 'No API_TOKEN is configured on this Worker (wrangler secret put API_TOKEN, or .dev.vars locally)',
  })
}

async function hasValidToken(c: Context<AppEnv>): Promise<boolean> {
  const expected = c.env.API_TOKEN
  const header = c.req.header('authorization')
  if (!expected || !header) return false
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header)
  if (!match?.[1]) return false
  return constantTimeEqual(match[1], expected)
}

/** Compares SHA-256 digests byte by byte so the time taken does not leak the token. */
export async function constantTimeEqual(a: string, b: string): Promise<boolean> {
  const enc = new TextEncoder()
  const [da, db] = await Promise.all([
    crypto.subtle.digest('SHA-256', enc.encode(a)),
    crypto.subtle.digest('SHA-256', enc.encode(b)),
  ])
  const x = new Uint8Array(da)
  const y = new Uint8Array(db)
  let diff = 0
  for (let i = 0; i < x.length; i++) diff |= (x[i] ?? 0) ^ (y[i] ?? 0)
  return diff === 0
}
