import { connect } from 'cloudflare:sockets'
import type { Connect } from '../dns/ipv6-readiness'

/**
 * TCP connect time with `cloudflare:sockets`. IPv6 literals must be bracketed (workerd treats a
 * bare `::1` as a name). Locally a refused port and a blocked address give the same error text,
 * so the reason says "refused or blocked".
 */
export const tcpConnect: Connect = async (address, port, signal) => {
  const hostname = address.includes(':') && !address.startsWith('[') ? `[${address}]` : address
  const started = performance.now()
  let socket: Socket | undefined
  try {
    socket = connect({ hostname, port }, { secureTransport: 'off', allowHalfOpen: false })
    await Promise.race([socket.opened, aborted(signal)])
    return { ok: true, ms: Math.round(performance.now() - started) }
  } catch (err) {
    if (signal.aborted)
      return {
        ok: false,
        reason: `no answer within the deadline (${Math.round(performance.now() - started)} ms)`,
      }
    return {
      ok: false,
      reason: `refused or blocked (${err instanceof Error ? err.message : String(err)})`,
    }
  } finally {
    socket?.close().catch(() => {})
  }
}

function aborted(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    if (signal.aborted) reject(signal.reason)
    signal.addEventListener('abort', () => reject(signal.reason), { once: true })
  })
}
