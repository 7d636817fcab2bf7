import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi'
import type { AppEnv } from '../env'
import { requireToken } from '../http/auth'
import { bodyCap } from '../http/body-cap'
import { wantsText } from '../http/negotiate'
import { JSON_BODY_ERRORS, problemResponse } from '../http/problem'
import { validationHook } from '../http/validation'
import { checkHost } from '../net/target-policy'
import { sendHttpProbe } from '../ports/http-probe'
import { formatRefererReport, runRefererProbe } from '../probes'
import { RefererProbeBodySchema, RefererProbeReportSchema } from './probes-schemas'

export const probeRoutes = new OpenAPIHono<AppEnv>({ defaultHook: validationHook })

// It sends requests to a caller-chosen host: token only (ARCHITECTURE.md, security model).
probeRoutes.use('/referer', requireToken)

/**
 * A full probe request (10 referers or 15 custom variants of 512 characters, every character
 * JSON-escaped) stays under 32 KiB; the cap stops a huge body before it is read and parsed.
 */
const MAX_JSON_BODY = 64 * 1024
probeRoutes.use('/referer', bodyCap(MAX_JSON_BODY, 'a referer probe request body'))

const referer = createRoute({
  method: 'post',
  path: '/referer',
  tags: ['Probes'],
  summary: 'Does the site block these Referer (or other header) values in every letter case?',
  description:
    'Two clean baselines (no header, a benign value), then each value as given and in its variants, ' +
    'then the request without the header again (a site that changed meanwhile gives status-only ' +
    'comparison or no verdict). A variant is blocked when its status class, body fingerprint or ' +
    'redirect (status and Location) differs from the baseline; 429, 503 and Retry-After are unknown. ' +
    'Per value: blocked and allowed variants, a verdict and a ModSecurity rule that fixes any gap.',
  security: [{ bearer: [] }],
  request: {
    query: z.object({
      format: z
        .enum(['json', 'text'])
        .optional()
        .openapi({ description: 'text: a terminal report (also with Accept: text/plain)' }),
    }),
    body: { content: { 'application/json': { schema: RefererProbeBodySchema } }, required: true },
  },
  responses: {
    200: {
      description: 'The report (a site that fails or times out is reported, not an error)',
      content: {
        'application/json': { schema: RefererProbeReportSchema },
        'text/plain': { schema: z.string() },
      },
    },
    ...JSON_BODY_ERRORS,
    401: problemResponse('No or wrong API token'),
    413: problemResponse('Body larger than 64 KiB'),
    422: problemResponse('Invalid request, a refused target or a probe over its limits'),
  },
})

probeRoutes.openapi(referer, async (c) => {
  const allowPrivate = c.env.ALLOW_PRIVATE_TARGETS === 'true'
  const report = await runRefererProbe(c.req.valid('json'), {
    send: sendHttpProbe,
    now: () => Date.now(),
    newSeed: () => crypto.getRandomValues(new Uint32Array(1))[0] ?? 0,
    refuseHost: (host) => {
      const verdict = checkHost(host, allowPrivate)
      return verdict.allowed ? null : verdict.reason
    },
  })
  if (wantsText(c, c.req.valid('query').format, ['text'])) {
    return c.text(formatRefererReport(report), 200)
  }
  return c.json(report, 200)
})
