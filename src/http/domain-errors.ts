import { TargetsConfigError } from '../checks/targets-error'
import { DnsNameError, DnsQueryError, type DnsQueryErrorCode } from '../dns/errors'
import { ResolverChoiceError } from '../dns/resolvers'
import type { Problem } from './problem'

const DNS_QUERY: Record<DnsQueryErrorCode, Pick<Problem, 'type' | 'title' | 'status'>> = {
  timeout: { type: '/problems/resolver-timeout', title: 'Resolver timed out', status: 504 },
  network: { type: '/problems/resolver-unreachable', title: 'Resolver unreachable', status: 502 },
  upstream_http: {
    type: '/problems/resolver-http-error',
    title: 'Resolver HTTP error',
    status: 502,
  },
  not_dns: { type: '/problems/resolver-not-dns', title: 'Resolver reply is not DNS', status: 502 },
  malformed_reply: {
    type: '/problems/resolver-malformed-reply',
    title: 'Malformed DNS reply',
    status: 502,
  },
  mismatched_reply: {
    type: '/problems/resolver-mismatched-reply',
    title: 'DNS reply does not match the question',
    status: 502,
  },
}

/**
 * Maps domain errors to problems, so routes never pick status codes. Returns undefined for
 * anything that is not a known domain error.
 */
export function domainProblem(err: unknown): Problem | undefined {
  if (err instanceof DnsQueryError) {
    return {
      ...DNS_QUERY[err.code],
      detail: err.message,
      code: err.code,
      ...(err.resolver ? { resolver: err.resolver } : {}),
    }
  }
  if (err instanceof DnsNameError) {
    return {
      type: '/problems/invalid-name',
      title: 'Invalid domain name',
      status: 422,
      detail: err.message,
      code: err.code,
    }
  }
  if (err instanceof ResolverChoiceError) {
    return err.code === 'needs_token'
      ? { type: '/problems/unauthorized', title: 'Unauthorized', status: 401, detail: err.message }
      : {
          type: '/problems/invalid-resolver',
          title: 'Invalid resolver',
          status: 422,
          detail: err.message,
        }
  }
  if (err instanceof TargetsConfigError) {
    return {
      type: '/problems/invalid-targets',
      title: 'Invalid targets configuration',
      status: 422,
      detail: err.message,
      code: err.code,
      ...(err.line !== undefined ? { line: err.line } : {}),
      ...(err.path !== undefined ? { path: err.path } : {}),
    }
  }
  return undefined
}
