import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi'
import type { Context } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { formatDig } from '../dns/dig-format'
import { checkIpv6Readiness, formatReadiness } from '../dns/ipv6-readiness'
import { lookup } from '../dns/lookup'
import { normalizeName } from '../dns/name'
import { parseTypeList, type RecordType } from '../dns/record-types'
import { createResolve } from '../dns/resolve'
import { chooseResolver, type Resolver } from '../dns/resolvers'
import type { AppEnv } from '../env'
import { wantsText } from '../http/negotiate'
import { invalidRequest, ProblemError, problemResponse } from '../http/problem'
import { validationHook } from '../http/validation'
import { checkAddress, checkHost } from '../net/target-policy'
import { type CacheStatus, summarizeCache, withCache } from '../ports/dns-cache'
import { createDohSender, type DohMethod } from '../ports/doh-sender'
import { tcpConnect } from '../ports/tcp-connect'
import {
  LookupBodySchema,
  LookupQuerySchema,
  LookupResponseSchema,
  ReadinessQuerySchema,
  ReadinessResponseSchema,
} from './dns-schemas'

export const dnsRoutes = new OpenAPIHono<AppEnv>({ defaultHook: validationHook })

/** A lookup request is a few hundred bytes; anything near this is not one. */
const MAX_JSON_BODY = 16 * 1024
dnsRoutes.use(
  '/lookup',
  bodyLimit({
    maxSize: MAX_JSON_BODY,
    onError: () => {
      throw new ProblemError({
        type: '/problems/body-too-large',
        title: 'Request body too large',
        status: 413,
        detail: `a lookup request body may be at most ${MAX_JSON_BODY} bytes`,
      })
    },
  }),
)

const errors = {
  400: problemResponse('Malformed JSON body'),
  401: problemResponse('A custom resolver URL without the API token'),
  422: problemResponse('Invalid name, type or resolver'),
  502: problemResponse(
    'The resolver answered with an HTTP error, a non-DNS body or a malformed DNS message',
  ),
  504: problemResponse('The resolver did not answer within DOH_TIMEOUT_MS'),
}

const lookupResponses = {
  200: {
    description:
      'One result per type. JSON by default; dig-style text with `Accept: text/plain` or `format=dig`. Header X-Edgeping-Cache: hit, miss or partial.',
    content: {
      'application/json': { schema: LookupResponseSchema },
      'text/plain': { schema: z.string() },
    },
  },
  ...errors,
}

const lookupGet = createRoute({
  method: 'get',
  path: '/lookup',
  tags: ['DNS'],
  summary: 'Look up DNS records over DoH (RFC 8484)',
  request: { query: LookupQuerySchema },
  responses: lookupResponses,
})

const lookupPost = createRoute({
  method: 'post',
  path: '/lookup',
  tags: ['DNS'],
  summary: 'Look up DNS records over DoH, parameters as JSON',
  request: {
    body: { content: { 'application/json': { schema: LookupBodySchema } }, required: true },
  },
  responses: lookupResponses,
})

type LookupParams = {
  name: string
  type?: string | string[] | undefined
  resolver?: string | undefined
  format?: 'json' | 'dig' | undefined
  transport?: DohMethod | undefined
}

dnsRoutes.openapi(lookupGet, (c) => answerLookup(c, c.req.valid('query')))
dnsRoutes.openapi(lookupPost, (c) => answerLookup(c, c.req.valid('json')))

async function answerLookup(c: Context<AppEnv>, params: LookupParams) {
  const types = recordTypes(params.type, params.name)
  const { resolver, cached } = dnsContext(c, params.resolver, params.transport)
  const started = performance.now()
  const result = await lookup(params.name, types, cached.resolve)
  const cache = summarizeCache(cached.statuses)
  c.header('X-Edgeping-Cache', cache)
  const results = result.results.map((r, i) => ({
    ...r,
    cache: cached.statuses[i] ?? ('miss' as CacheStatus),
  }))
  if (wantsText(c, params.format, ['dig'])) {
    const head = `; <<>> edgeping <<>> @${resolver.url} ${result.name} ${types.join(',')}\n`
    return c.text(head + results.map((r) => formatDig(r, resolver.url)).join('\n'), 200)
  }
  return c.json(
    {
      name: result.name,
      resolver,
      elapsedMs: Math.round(performance.now() - started),
      cache,
      results,
    },
    200,
  )
}

function recordTypes(param: string | string[] | undefined, name: string): RecordType[] {
  const text = Array.isArray(param) ? param.join(',') : param
  if (text === undefined || text.trim() === '') {
    // An address asks for its reverse name by default.
    return /^[\d.]+$|:/.test(name.trim()) ? ['PTR'] : ['A', 'AAAA']
  }
  const { types, unknown } = parseTypeList(text)
  if (unknown.length > 0 || types.length === 0) {
    throw invalidRequest(
      `unknown record type ${unknown.map((u) => `'${u}'`).join(', ') || "''"}; use A, AAAA, CNAME, MX, NS, TXT, SOA, PTR, SRV or CAA (HTTPS/SVCB are not supported)`,
      { errors: [{ path: 'type', message: `unknown type: ${unknown.join(', ')}` }] },
    )
  }
  return types
}

/** Builds the ports for one request: the chosen resolver, its DoH sender, the cache around it. */
function dnsContext(
  c: Context<AppEnv>,
  requested: string | undefined,
  transport: DohMethod | undefined,
) {
  const allowPrivate = c.env.ALLOW_PRIVATE_TARGETS === 'true'
  const resolver: Resolver = chooseResolver(requested, c.env.DOH_URL, {
    authenticated: c.get('authenticated'),
    allowPrivate,
    checkHost: (host) => {
      const v = checkHost(host, allowPrivate)
      return v.allowed ? null : v.reason
    },
  })
  const timeoutMs = Number(c.env.DOH_TIMEOUT_MS) > 0 ? Number(c.env.DOH_TIMEOUT_MS) : 5000
  const resolve = createResolve(createDohSender(resolver.url, transport ?? 'post'), { timeoutMs })
  const cached = withCache(resolve, caches.default, `${resolver.url}`, (p) =>
    c.executionCtx.waitUntil(p),
  )
  return { resolver, cached, allowPrivate }
}

const readiness = createRoute({
  method: 'get',
  path: '/ipv6-readiness',
  tags: ['DNS'],
  summary: 'IPv6 readiness report of a domain',
  description:
    'AAAA for apex and www, for every NS (at least two) and MX host, and TCP reachability of the web AAAA addresses. ' +
    'The reachability check opens connections, so it runs only with the API token; without it the check is reported as skipped.',
  request: { query: ReadinessQuerySchema },
  responses: {
    200: {
      description: 'The report: a verdict per check with evidence and fixes, and a 0-100 score',
      content: {
        'application/json': { schema: ReadinessResponseSchema },
        'text/plain': { schema: z.string() },
      },
    },
    ...errors,
  },
})

dnsRoutes.openapi(readiness, async (c) => {
  const q = c.req.valid('query')
  const domain = normalizeName(q.domain)
  const ports = (q.ports ?? '80,443').split(',').map(Number)
  const bad = ports.find((p) => p < 1 || p > 65535)
  if (bad !== undefined)
    throw invalidRequest(`port ${bad} is out of range 1-65535`, {
      errors: [{ path: 'query.ports', message: 'out of range' }],
    })
  const { resolver, cached, allowPrivate } = dnsContext(c, q.resolver, 'post')
  const authenticated = c.get('authenticated')
  const report = await checkIpv6Readiness(domain, {
    resolve: cached.resolve,
    ...(authenticated
      ? { connect: tcpConnect }
      : { skipReachReason: 'it opens TCP connections, so it needs the API token' }),
    ports,
    connectTimeoutMs: 3000,
    refuseAddress: (address) => {
      const v = checkAddress(address, allowPrivate)
      return v.allowed ? null : v.reason
    },
  })
  c.header('X-Edgeping-Cache', summarizeCache(cached.statuses))
  if (wantsText(c, q.format, ['text']))
    return c.text(`${formatReadiness(report)}resolver: ${resolver.url}\n`, 200)
  return c.json({ ...report, resolver }, 200)
})
