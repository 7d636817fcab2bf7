import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi'
import type { Context } from 'hono'
import { formatDig, formatShort } from '../dns/dig-format'
import { formatReadiness } from '../dns/ipv6-readiness'
import type { AppEnv } from '../env'
import { bodyCap } from '../http/body-cap'
import { wantsText } from '../http/negotiate'
import { problemResponse } from '../http/problem'
import { validationHook } from '../http/validation'
import {
  LookupBodySchema,
  LookupQuerySchema,
  LookupResponseSchema,
  ReadinessQuerySchema,
  ReadinessResponseSchema,
} from './dns-schemas'
import { type LookupParams, runLookup, runReadiness } from './dns-service'

export const dnsRoutes = new OpenAPIHono<AppEnv>({ defaultHook: validationHook })

/** A lookup request is a few hundred bytes; anything near this is not one. */
const MAX_JSON_BODY = 16 * 1024
dnsRoutes.use('/lookup', bodyCap(MAX_JSON_BODY, 'a lookup request body'))

/**
 * The token is optional here (OpenAPI 3.1: `{}` is "no credentials"): without it a lookup uses a
 * preset resolver and the readiness report skips its connections; with it, custom resolvers and
 * the reachability check. Listed so /docs can send it.
 */
const optionalToken = [{}, { bearer: [] }]

const errors = {
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
      "One result per type. JSON by default; dig-style text with `Accept: text/plain` or `format=dig`; `format=short` as `dig +short` (the answers' data, one per line). Header X-Edgeping-Cache: hit, miss or partial.",
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
  security: optionalToken,
  request: { query: LookupQuerySchema },
  responses: lookupResponses,
})

const lookupPost = createRoute({
  method: 'post',
  path: '/lookup',
  tags: ['DNS'],
  summary: 'Look up DNS records over DoH, parameters as JSON',
  security: optionalToken,
  request: {
    body: { content: { 'application/json': { schema: LookupBodySchema } }, required: true },
  },
  responses: {
    ...lookupResponses,
    400: problemResponse('Malformed JSON body'),
    413: problemResponse('Body larger than 16 KiB'),
    415: problemResponse('The body is not sent as application/json'),
  },
})

dnsRoutes.openapi(lookupGet, (c) => answerLookup(c, c.req.valid('query')))
dnsRoutes.openapi(lookupPost, (c) => answerLookup(c, c.req.valid('json')))

async function answerLookup(
  c: Context<AppEnv>,
  params: LookupParams & { format?: 'json' | 'dig' | 'short' | undefined },
) {
  const outcome = await runLookup(c, params)
  c.header('X-Edgeping-Cache', outcome.cache)
  if (params.format === 'short') return c.text(outcome.results.map(formatShort).join(''), 200)
  if (wantsText(c, params.format, ['dig'])) {
    const { resolver, name, types, results } = outcome
    const head = `; <<>> edgeping <<>> @${resolver.url} ${name} ${types.join(',')}\n`
    return c.text(head + results.map((r) => formatDig(r, resolver.url)).join('\n'), 200)
  }
  const { types: _types, ...body } = outcome
  return c.json(body, 200)
}

const readiness = createRoute({
  method: 'get',
  path: '/ipv6-readiness',
  tags: ['DNS'],
  summary: 'IPv6 readiness report of a domain',
  security: optionalToken,
  description:
    'AAAA for apex and www, for every NS (at least two; for a name below a zone apex, the NS of its enclosing zone) and MX host, and TCP reachability of the web AAAA addresses. ' +
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
  const { report, resolver, cache } = await runReadiness(c, q)
  c.header('X-Edgeping-Cache', cache)
  if (wantsText(c, q.format, ['text'])) {
    return c.text(`${formatReadiness(report)}resolver: ${resolver.url}\n`, 200)
  }
  return c.json({ ...report, resolver }, 200)
})
