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
      | 'not_a_domain',
    message: string,
  ) {
    super(message)
  }
}
