import { DnsQueryError } from './errors'
import { buildQuery, type DnsReply, parseReply, type QueryOptions } from './message'
import { absolute } from './name'
import type { RecordType } from './record-types'

/** The network, injected: send a wire-format query, get the wire-format reply. */
export type SendQuery = (query: Uint8Array, signal: AbortSignal) => Promise<Uint8Array>

export type DnsResult = DnsReply & {
  /** Owner names from the question through every CNAME in the answer; empty when none. */
  cnameChain: string[]
  elapsedMs: number
}

/** What the readiness report and the lookup route call: one question, one result. */
export type Resolve = (name: string, type: RecordType) => Promise<DnsResult>

export type ResolverOptions = QueryOptions & {
  /** Deadline per query (the resolver may hang: dnsdist does on some malformed queries). */
  timeoutMs: number
  now?: () => number
}

/**
 * Sends one query and decodes the reply. NXDOMAIN and SERVFAIL come back as results; only a
 * missing or unusable reply throws `DnsQueryError`.
 *
 * @example await resolveRecord('www.example.test', 'AAAA', send, { timeoutMs: 5000 })
 */
export async function resolveRecord(
  name: string,
  type: RecordType,
  send: SendQuery,
  options: ResolverOptions,
): Promise<DnsResult> {
  const now = options.now ?? (() => performance.now())
  const signal = AbortSignal.timeout(options.timeoutMs)
  const started = now()
  let bytes: Uint8Array
  try {
    bytes = await send(buildQuery(name, type, options), signal)
  } catch (err) {
    if (err instanceof DnsQueryError) throw err
    if (signal.aborted) {
      throw new DnsQueryError(
        'timeout',
        `the resolver did not answer within ${options.timeoutMs} ms`,
      )
    }
    throw new DnsQueryError('network', `the resolver could not be reached (${errorText(err)})`)
  }
  const elapsedMs = Math.round(now() - started)
  const reply = parseReply(bytes, { name, type })
  return { ...reply, cnameChain: followCnames(reply, name), elapsedMs }
}

/** Binds a sender and options into a `Resolve`. */
export function createResolve(send: SendQuery, options: ResolverOptions): Resolve {
  return (name, type) => resolveRecord(name, type, send, options)
}

/**
 * Follows CNAMEs from the question name through the answer section (a resolver returns the chain
 * in order, RFC 1034 §4.3.2, but we match names rather than trust order). Stops on a loop.
 */
export function followCnames(reply: Pick<DnsReply, 'answer'>, qname: string): string[] {
  const chain: string[] = []
  let current = absolute(qname).toLowerCase()
  const seen = new Set<string>()
  for (;;) {
    const cname = reply.answer.find((r) => r.type === 'CNAME' && r.name.toLowerCase() === current)
    if (!cname || typeof cname.data !== 'string' || seen.has(current)) break
    if (chain.length === 0) chain.push(cname.name)
    seen.add(current)
    chain.push(cname.data)
    current = cname.data.toLowerCase()
  }
  return chain
}

/** The records of the wanted type at the end of the CNAME chain. */
export function finalRecords(result: DnsResult, type: string): DnsResult['answer'] {
  const target = (result.cnameChain.at(-1) ?? result.question.name).toLowerCase()
  return result.answer.filter((r) => r.type === type && r.name.toLowerCase() === target)
}

/**
 * The freshness lifetime of a result (RFC 8484 §5.1): the smallest answer TTL, or for a negative
 * answer the SOA MINIMUM (capped by the SOA's own TTL, RFC 2308 §5). 0 = do not cache.
 *
 * Only complete NOERROR and NXDOMAIN replies are kept. A SERVFAIL (or REFUSED...) may still carry
 * the CNAMEs found before the failure, and caching it would repeat a passing failure for the
 * CNAME's TTL; a truncated reply (TC, RFC 1035 §4.1.1) is by definition not the whole answer.
 */
export function cacheLifetime(result: DnsReply): number {
  if (result.flags.tc) return 0
  if (result.rcode !== 'NOERROR' && result.rcode !== 'NXDOMAIN') return 0
  if (result.answer.length > 0) return Math.min(...result.answer.map((r) => r.ttl))
  const soa = result.authority.find((r) => r.type === 'SOA')
  if (soa && typeof soa.data === 'object' && 'minimum' in soa.data)
    return Math.min(soa.ttl, soa.data.minimum)
  return 0
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}
