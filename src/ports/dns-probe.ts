import type { DnsPort } from '../checks/kinds/ports'
import { DnsQueryError } from '../dns/errors'
import { buildQuery, parseReply } from '../dns/message'
import { createDohSender } from './doh-sender'

/**
 * One DoH query (RFC 8484 POST) for `name` A, timed around the exchange. Errors of the
 * transport or the reply are loss with a reason, as a dropped DNS packet would be.
 */
export const dnsProbe: DnsPort = async (resolverUrl, name, signal) => {
  const send = createDohSender(resolverUrl, 'post')
  const started = performance.now()
  try {
    const bytes = await send(buildQuery(name, 'A', {}), signal)
    const ms = performance.now() - started
    const reply = parseReply(bytes, { name, type: 'A' })
    return { ok: true, ms: Math.round(ms * 1000) / 1000, rcode: reply.rcode }
  } catch (err) {
    if (signal.aborted) return { ok: false, reason: 'timeout' }
    if (err instanceof DnsQueryError) return { ok: false, reason: err.code }
    return { ok: false, reason: err instanceof Error ? err.message : String(err) }
  }
}
