import { TargetsConfigError } from '../checks/targets-error'
import {
  DnsNameError,
  DnsParamError,
  DnsQueryError,
  type DnsQueryErrorCode,
  DomainNotFoundError,
} from '../dns/errors'
import { ResolverChoiceError } from '../dns/resolvers'
import { FilterError } from '../flows/filter/index'
import { FilterParamError } from '../flows/filter-spec'
import { FlowLimitError, FlowOutputError, FlowParseError } from '../flows/flow-errors'
import { GeneratorInputError } from '../generators/generator'
import { RefererProbeError } from '../probes'
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
  if (err instanceof DnsParamError) {
    return {
      type: '/problems/invalid-request',
      title: 'Invalid request',
      status: 422,
      detail: err.message,
      code: err.code,
      errors: [{ path: err.path, message: err.issue }],
    }
  }
  if (err instanceof DomainNotFoundError) {
    return {
      type: '/problems/domain-not-found',
      title: 'Domain does not exist',
      status: 422,
      detail: err.message,
      code: err.code,
      domain: err.domain,
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
          code: err.code,
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
  if (err instanceof RefererProbeError) {
    return {
      type: err.code === 'target_refused' ? '/problems/target-refused' : '/problems/invalid-probe',
      title: err.code === 'target_refused' ? 'Target refused' : 'Invalid probe request',
      status: 422,
      detail: err.message,
      code: err.code,
      errors: [{ path: `json.${err.path}`, message: err.message }],
    }
  }
  if (err instanceof GeneratorInputError) {
    return {
      type: '/problems/invalid-generator-input',
      title: 'Invalid generator input',
      status: 422,
      detail: err.message,
      code: err.code,
      errors: err.issues,
    }
  }
  return flowProblem(err)
}

/** Flow analyzer errors: unreadable files name the file and byte offset (or line); filters their position. */
function flowProblem(err: unknown): Problem | undefined {
  if (err instanceof FlowParseError) {
    const where =
      err.extra.line !== undefined
        ? `line ${err.extra.line}`
        : `${err.extra.inflated ? 'inflated byte offset' : 'byte offset'} ${err.offset}`
    return {
      type: '/problems/bad-flow-file',
      title: 'Unreadable flow file',
      status: 422,
      // Text readers' messages start with their line already.
      detail: `${err.file ? `${err.file}: ` : ''}${err.message}${
        err.message.startsWith(`${where}:`) ||
        err.message.startsWith(`${where},`) ||
        err.message.startsWith(`${where} `)
          ? ''
          : ` (${where})`
      }`,
      code: err.code,
      offset: err.offset,
      ...(err.file ? { file: err.file } : {}),
      ...(err.extra.line !== undefined ? { line: err.extra.line } : {}),
      ...(err.extra.inflated ? { inflated: true } : {}),
      ...(err.extra.flowsRead !== undefined ? { flowsRead: err.extra.flowsRead } : {}),
    }
  }
  if (err instanceof FlowLimitError) {
    return {
      type: '/problems/flow-limit',
      title: 'Flow upload over a limit',
      status: 413,
      detail: `${err.file ? `${err.file}: ` : ''}${err.message}`,
      code: err.code,
      limit: err.limit,
      ...(err.file ? { file: err.file } : {}),
    }
  }
  if (err instanceof FlowOutputError) {
    return {
      type: '/problems/unsupported-output',
      title: 'Output not possible for these records',
      status: 422,
      detail: err.message,
      code: err.code,
      ...(err.file ? { file: err.file } : {}),
    }
  }
  if (err instanceof FilterParamError) {
    return {
      type: '/problems/invalid-request',
      title: 'Invalid request',
      status: 422,
      detail: err.message,
      code: 'bad_def',
      errors: [{ path: 'query.def', message: err.message }],
    }
  }
  if (err instanceof FilterError) {
    // Config and filter syntax: where (line, column, a caret excerpt) and what was wrong.
    return {
      type: '/problems/invalid-filter',
      title: 'Invalid flow filter',
      status: 422,
      detail: err.message,
      code: err.code,
      source: err.source,
      ...(err.line !== undefined ? { line: err.line } : {}),
      ...(err.column !== undefined ? { column: err.column } : {}),
      ...(err.excerpt !== undefined ? { excerpt: err.excerpt } : {}),
    }
  }
  return undefined
}
