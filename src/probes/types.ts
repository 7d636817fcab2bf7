/**
 * The shapes the referer probe works with. The network is a port (`SendProbe`), so the engine runs
 * the same in a route, in the scheduler and in plain-Node unit tests.
 */

/** One outbound request of the probe. */
export type ProbeRequest = {
  url: string
  method: 'GET' | 'HEAD'
  /** Extra request headers (the tested header, when there is one). */
  headers: Readonly<Record<string, string>>
}

/**
 * What one request gave. A failed request is data, not an exception (ARCHITECTURE.md).
 * `fingerprint` is a hash of the first KiB of the body.
 */
export type ProbeOutcome =
  | {
      kind: 'response'
      status: number
      elapsedMs: number
      fingerprint: string
      /** The Location header as sent: redirects are compared, not followed. */
      location?: string | undefined
      /** The Retry-After header (RFC 9110 §10.2.3): the site asks to come back later. */
      retryAfter?: string | undefined
      /**
       * True when the status and headers came but the timeout cut the body before its first KiB
       * was read: `fingerprint` is then over the bytes read, so it says nothing about the page.
       */
      partialBody?: true | undefined
    }
  | { kind: 'failed'; reason: 'timeout' | 'network'; detail: string; elapsedMs: number }

/** Sends one request, giving up after `timeoutMs`. Never throws for network trouble. */
export type SendProbe = (request: ProbeRequest, timeoutMs: number) => Promise<ProbeOutcome>

export type RefererProbePorts = {
  send: SendProbe
  /** Milliseconds, for the overall deadline. */
  now: () => number
  /** A fresh 32-bit seed when the request does not bring one. */
  newSeed: () => number
  /** The no-open-proxy rule: a reason to refuse the host, or null when it may be contacted. */
  refuseHost: (host: string) => string | null
}

export type VariantLabel =
  | 'exact'
  | 'lower'
  | 'upper'
  | 'capitalized'
  | 'alternating'
  | 'random'
  | 'encoded-all'
  | 'encoded-random'
  | 'custom'

export type Variant = { label: VariantLabel; value: string }
