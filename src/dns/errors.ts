/** Why a query to the resolver produced no usable DNS answer. */
export type DnsQueryErrorCode =
  | 'timeout'
  | 'network'
  | 'upstream_http'
  | 'not_dns'
  | 'malformed_reply'
  | 'mismatched_reply'

/**
 * A DoH exchange that failed. NXDOMAIN or SERVFAIL are answers, not errors: this is only for
 * "no DNS message came back" or "what came back is not a DNS message for our question".
 */
export class DnsQueryError extends Error {
  override name = 'DnsQueryError'
  constructor(
    readonly code: DnsQueryErrorCode,
    message: string,
    readonly resolver?: string,
  ) {
    super(message)
  }
}

/** A reply that is not a well-formed DNS message, saying why. */
export function malformedReply(why: string): DnsQueryError {
  return new DnsQueryError('malformed_reply', `the reply is not a well-formed DNS message (${why})`)
}

/** The input is not a name we will send to a resolver. */
export class DnsNameError extends Error {
  override name = 'DnsNameError'
  constructor(
    readonly code:
      | 'empty'
      | 'too_long'
      | 'label_too_long'
      | 'empty_label'
      | 'bad_character'
      | 'numeric_tld'
      | 'not_an_ip'
      | 'not_a_domain'
      | 'wildcard',
    message: string,
  ) {
    super(message)
  }
}

/**
 * The domain to check does not exist: the resolver answered NXDOMAIN for it (RFC 8020: nothing
 * exists at or below the name). A readiness report of it would only list "publish" fixes for a
 * domain that has to be registered or delegated first.
 */
export class DomainNotFoundError extends Error {
  override name = 'DomainNotFoundError'
  readonly code = 'nxdomain'
  constructor(
    readonly domain: string,
    question: string,
  ) {
    super(
      `${domain} does not exist: the resolver answered NXDOMAIN to ${question}; check the spelling, or the domain's registration and delegation`,
    )
  }
}

/** A request parameter of a DNS use case (type, ports) that breaks a rule; `path` names it. */
export class DnsParamError extends Error {
  override name = 'DnsParamError'
  constructor(
    readonly code:
      | 'empty_type'
      | 'unknown_type'
      | 'type_too_long'
      | 'bad_ports'
      | 'port_out_of_range',
    readonly path: string,
    message: string,
    /** The short per-field message for `errors[]`. */
    readonly issue: string,
  ) {
    super(message)
  }
}
