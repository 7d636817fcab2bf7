import { RefererProbeError } from './errors'
import type { FixOptions } from './fix'
import { DEFAULT_RULE_BASE_ID, REFERER_PROBE_LIMITS as L } from './limits'
import type { VariantMode } from './variants'

/** What a caller asks for. Everything but `url` and `referers` has a default. */
export type RefererProbeRequest = {
  url: string
  /** Values to test, sent as the header exactly as given (plus their variants). */
  referers: readonly string[]
  /** The header to test, `Referer` by default; `User-Agent` works the same. */
  header?: string | undefined
  variants?: VariantMode | undefined
  method?: 'GET' | 'HEAD' | undefined
  encodings?: boolean | undefined
  /** Statuses that always mean "blocked", on top of "differs from the baseline". */
  blockedStatus?: readonly number[] | undefined
  /** Replays the random case mixes of an earlier report. */
  seed?: number | undefined
  randomMixes?: number | undefined
  /** The harmless value of the second baseline request. */
  benign?: string | undefined
  timeoutMs?: number | undefined
  deadlineMs?: number | undefined
  fix?:
    | {
        baseId?: number | undefined
        status?: number | undefined
        caseMode?: FixOptions['caseMode'] | undefined
      }
    | undefined
}

/** A request with every default filled in and every limit checked. */
export type CheckedRequest = {
  url: URL
  referers: string[]
  header: string
  variants: VariantMode
  method: 'GET' | 'HEAD'
  encodings: boolean
  blockedStatus: readonly number[]
  randomMixes: number
  benign: string
  timeoutMs: number
  deadlineMs: number
  fixBaseId: number
  fix: FixOptions
}

// RFC 9110 §5.1 allows any token as a field name; real ones are letters, digits and hyphens, and
// keeping to those lets the name go into a ModSecurity rule (variable and msg) without escaping.
const HEADER_NAME = /^[A-Za-z0-9-]{1,64}$/
// Fields the platform or the protocol owns; sending variants of them would test nothing useful.
const RESERVED = new Set([
  'host',
  'content-length',
  'transfer-encoding',
  'connection',
  'keep-alive',
  'upgrade',
  'te',
  'trailer',
  'expect',
  'authorization',
  'cookie',
  // Credentials and hop-by-hop fields of proxies (RFC 9110 §11.7, §7.6.1): never forwarded as a
  // probe's variants, whatever the site does with them.
  'proxy-authorization',
  'proxy-authenticate',
  'proxy-connection',
])
// RFC 9110 §5.5: visible ASCII, spaces and tabs; no CR/LF (no header injection) and no NUL.
const FIELD_VALUE = /^[\x20-\x7e\t]+$/

/**
 * Validates a probe request (the same rules for the route and the scheduler) and fills defaults.
 * `refuseHost` is the no-open-proxy rule (src/net/target-policy.ts), injected.
 */
export function checkRequest(
  request: RefererProbeRequest,
  refuseHost: (host: string) => string | null,
): CheckedRequest {
  let url: URL
  try {
    url = new URL(request.url)
  } catch {
    throw new RefererProbeError('bad_url', 'url', `'${request.url}' is not an absolute URL`)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new RefererProbeError(
      'bad_url',
      'url',
      `only http and https URLs can be probed, not ${url.protocol}`,
    )
  }
  if (url.username || url.password) {
    throw new RefererProbeError('bad_url', 'url', 'the url must not carry credentials')
  }
  const refused = refuseHost(url.hostname)
  if (refused) throw new RefererProbeError('target_refused', 'url', refused)

  const header = request.header ?? 'Referer'
  if (
    !HEADER_NAME.test(header) ||
    RESERVED.has(header.toLowerCase()) ||
    header.toLowerCase().startsWith('cf-')
  ) {
    throw new RefererProbeError(
      'bad_header',
      'header',
      `'${header}' cannot be probed: use a plain request header name such as Referer or User-Agent (not Host, Cookie, credentials such as Authorization or Proxy-Authorization, hop-by-hop or cf-* fields)`,
    )
  }
  const referers = [...new Set(request.referers)]
  if (referers.length === 0)
    throw new RefererProbeError('bad_value', 'referers', 'referers is empty')
  if (referers.length > L.maxReferers) {
    throw new RefererProbeError(
      'too_many_referers',
      'referers',
      `at most ${L.maxReferers} referers per probe, got ${referers.length}`,
    )
  }
  for (const [i, r] of referers.entries()) checkValue(r, `referers.${i}`)
  const variants = request.variants ?? 'case'
  if (Array.isArray(variants)) {
    if (referers.length !== 1) {
      throw new RefererProbeError(
        'custom_variants_need_one_referer',
        'variants',
        'a list of custom variants belongs to one referer: send exactly one referer with it',
      )
    }
    if (variants.length + 1 > L.maxVariants) {
      throw new RefererProbeError(
        'too_many_variants',
        'variants',
        `at most ${L.maxVariants - 1} custom variants`,
      )
    }
    for (const [i, v] of variants.entries()) checkValue(v, `variants.${i}`)
  }
  const benign = request.benign ?? defaultBenign(header, url)
  checkValue(benign, 'benign')
  return {
    url,
    referers,
    header,
    variants,
    method: request.method ?? 'GET',
    encodings: request.encodings ?? false,
    blockedStatus: request.blockedStatus ?? [],
    randomMixes: bounded(
      request.randomMixes,
      L.defaultRandomMixes,
      0,
      L.maxRandomMixes,
      'randomMixes',
    ),
    benign,
    timeoutMs: bounded(request.timeoutMs, L.defaultTimeoutMs, 100, L.maxTimeoutMs, 'timeoutMs'),
    deadlineMs: bounded(
      request.deadlineMs,
      L.defaultDeadlineMs,
      100,
      L.maxDeadlineMs,
      'deadlineMs',
    ),
    fixBaseId: request.fix?.baseId ?? DEFAULT_RULE_BASE_ID,
    fix: {
      phase: 1,
      status: request.fix?.status ?? 403,
      caseMode: request.fix?.caseMode ?? 'lowercase',
    },
  }
}

function checkValue(value: string, path: string): void {
  if (value.length === 0 || value.length > L.maxValueLength || !FIELD_VALUE.test(value)) {
    throw new RefererProbeError(
      'bad_value',
      path,
      `${path} must be 1-${L.maxValueLength} printable ASCII characters (a header value cannot hold line breaks or other control characters)`,
    )
  }
  // RFC 9110 §5.5: leading and trailing whitespace is not part of a field value, and fetch strips
  // it, so 'porn ' would go out as 'porn': a report about a value that was never sent.
  if (EDGE_WHITESPACE.test(value)) {
    throw new RefererProbeError(
      'bad_value',
      path,
      `${path} starts or ends with a space or tab, which is stripped before sending: remove it, the value would not be sent as given`,
    )
  }
}

const EDGE_WHITESPACE = /^[ \t]|[ \t]$/

function bounded(
  value: number | undefined,
  fallback: number,
  min: number,
  max: number,
  path: string,
): number {
  if (value === undefined) return fallback
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RefererProbeError(
      'bad_limit',
      path,
      `${path} must be an integer from ${min} to ${max}`,
    )
  }
  return value
}

/** A same-site Referer is the most harmless one there is; other headers get a browser-like value. */
function defaultBenign(header: string, url: URL): string {
  const name = header.toLowerCase()
  if (name === 'referer') return `${url.origin}/`
  if (name === 'user-agent')
    return 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0'
  return 'edgeping-baseline'
}
