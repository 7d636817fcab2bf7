import { exports } from 'cloudflare:workers'
import { inject } from 'vitest'

export const TOKEN = 'test-token'
/** The misbehaving DoH server started by test/servers/loopback-servers.ts. */
export const FAKE_DOH = inject('fakeDohUrl')

/** Calls the Worker's fetch handler as a client would. */
export function call(
  path: string,
  init: RequestInit & { token?: boolean } = {},
): Promise<Response> {
  const headers = new Headers(init.headers)
  if (init.token) headers.set('authorization', `Bearer ${TOKEN}`)
  return exports.default.fetch(new Request(`https://edgeping.test${path}`, { ...init, headers }))
}

export async function problemOf(res: Response): Promise<Record<string, unknown>> {
  if (!res.headers.get('content-type')?.startsWith('application/problem+json')) {
    throw new Error(
      `expected problem+json, got ${res.status} ${res.headers.get('content-type')}: ${await res.text()}`,
    )
  }
  return (await res.json()) as Record<string, unknown>
}
