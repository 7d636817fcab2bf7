/** TCP connect, injected (cloudflare:sockets in the Worker, a fake in unit tests). */
export type ConnectPort = (
  host: string,
  port: number,
  signal: AbortSignal,
) => Promise<{ ok: true; ms: number } | { ok: false; reason: string }>

export type HttpOutcome =
  | {
      ok: true
      status: number
      ms: number
      keywordFound?: boolean
      /** The Retry-After header, when sent (a throttled answer, RFC 9110 §10.2.3). */
      retryAfter?: string
    }
  | { ok: false; reason: string }

/**
 * One HTTP GET, injected. The port never follows redirects (each hop would be a subrequest),
 * reads the body only to look for `keyword` and cancels it otherwise.
 */
export type HttpPort = (
  url: string,
  options: { signal: AbortSignal; keyword?: string; headers?: Record<string, string> },
) => Promise<HttpOutcome>

export type DnsOutcome = { ok: true; ms: number; rcode: string } | { ok: false; reason: string }

/** One DoH query for `name` A at `resolverUrl`, injected. */
export type DnsPort = (
  resolverUrl: string,
  name: string,
  signal: AbortSignal,
) => Promise<DnsOutcome>

/**
 * Everything probes may use. A new kind (the referer-block probe, for one) adds its port here as
 * an optional member and registers itself in `kinds/registry.ts`.
 */
export type ProbePorts = {
  connect?: ConnectPort
  http?: HttpPort
  dns?: DnsPort
  /** Why a host may not be contacted (the no-open-proxy rule), or null. */
  refuseHost: (host: string) => string | null
}
