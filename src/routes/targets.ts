import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi'
import { prepareConfig } from '../checks/prepare-config'
import { exportSmokepingText } from '../checks/smokeping-export'
import { MAX_TARGET_DEPTH, nestsDeeperThan } from '../checks/targets-model'
import type { AppEnv } from '../env'
import { requireToken } from '../http/auth'
import { bodyCap } from '../http/body-cap'
import { wantsText } from '../http/negotiate'
import { invalidRequest, ProblemError, problemResponse } from '../http/problem'
import { validationHook } from '../http/validation'
import { getChecksConfig } from '../kv/checks-store'
import { budgetsFrom } from '../ports/checks-env'
import { storeStored, storeTargetsText } from './checks-service'
import { TargetsConfigSchema, TargetsSummarySchema } from './targets-schemas'

export const targetsRoutes = new OpenAPIHono<AppEnv>({ defaultHook: validationHook })

const MAX_BODY = 256 * 1024

const putTargets = createRoute({
  method: 'put',
  path: '/',
  tags: ['Checks'],
  summary: 'Replace the targets tree (JSON, or SmokePing Targets text as text/plain)',
  description:
    'SmokePing text may be a whole config (Database step/pings, Probes, Alerts and Targets are read) or just the body of `*** Targets ***`. Errors name the line.',
  security: [{ bearer: [] }],
  middleware: [requireToken, bodyCap(MAX_BODY, 'a targets config')] as const,
  request: {
    body: {
      required: true,
      content: {
        'application/json': {
          schema: z.object({}).passthrough().openapi({ description: 'TargetsConfig' }),
        },
        'text/plain': { schema: z.string() },
      },
    },
  },
  responses: {
    200: {
      description: 'Stored; the plan says how the targets fit the budgets',
      content: { 'application/json': { schema: TargetsSummarySchema } },
    },
    401: problemResponse('No or wrong API token'),
    400: problemResponse('Malformed JSON body'),
    413: problemResponse('Body over 256 KiB'),
    415: problemResponse('Neither JSON nor text/plain'),
    422: problemResponse('Invalid config: `line` for SmokePing text, `path` for the target'),
  },
})

targetsRoutes.openapi(putTargets, async (c) => {
  const type = (c.req.header('content-type') ?? '').split(';')[0]?.trim().toLowerCase()
  let stored: ReturnType<typeof prepareConfig>
  if (type === 'text/plain') {
    stored = await storeTargetsText(c, await c.req.text())
  } else if (type === 'application/json') {
    let body: unknown
    try {
      body = await c.req.json()
    } catch {
      throw invalidRequest('the body is not valid JSON')
    }
    // Before the recursive schema, which would overflow the stack on a deep enough tree.
    const root = typeof body === 'object' && body !== null ? (body as { targets?: unknown }) : {}
    if (nestsDeeperThan(root.targets, MAX_TARGET_DEPTH)) {
      const message = `at most ${MAX_TARGET_DEPTH} levels of sections below Targets`
      throw invalidRequest(`body.targets: ${message}`, {
        errors: [{ path: 'body.targets', message }],
      })
    }
    const parsed = TargetsConfigSchema.safeParse(body)
    if (!parsed.success) {
      const errors = parsed.error.issues.map((i) => ({
        path: ['body', ...i.path.map(String)].join('.'),
        message: i.message,
      }))
      throw invalidRequest(errors.map((e) => `${e.path}: ${e.message}`).join('; '), { errors })
    }
    stored = await storeStored(c, prepareConfig(parsed.data, budgetsFrom(c.env), Date.now()))
  } else {
    throw new ProblemError({
      type: '/problems/unsupported-media-type',
      title: 'Unsupported media type',
      status: 415,
      detail: 'send application/json or text/plain (SmokePing Targets text)',
    })
  }
  return c.json(
    {
      targets: stored.resolved.length,
      multihost: stored.multihost.length,
      since: stored.updatedAt,
      plan: {
        writingTicksPerDay: stored.plan.writingTicksPerDay,
        peakProbes: stored.plan.peakProbes,
        unscheduled: stored.plan.unscheduled,
      },
    },
    200,
  )
})

const getTargets = createRoute({
  method: 'get',
  path: '/',
  tags: ['Checks'],
  summary:
    'The targets tree as JSON, or as SmokePing text (`format=smokeping` or Accept: text/plain)',
  request: { query: z.object({ format: z.enum(['json', 'smokeping']).optional() }) },
  responses: {
    200: {
      description: 'The stored config',
      content: {
        'application/json': { schema: z.object({}).passthrough() },
        'text/plain': { schema: z.string() },
      },
    },
    404: problemResponse('No targets stored yet'),
    422: problemResponse('Unknown format'),
  },
})

targetsRoutes.openapi(getTargets, async (c) => {
  const stored = await getChecksConfig(c.env.EDGEPING_KV)
  if (!stored) {
    throw new ProblemError({
      type: '/problems/no-targets',
      title: 'No targets',
      status: 404,
      detail: 'PUT /targets first',
    })
  }
  if (wantsText(c, c.req.valid('query').format, ['smokeping']))
    return c.text(exportSmokepingText(stored.config), 200)
  // The recursive TargetsConfig type is JSON, but not provably to Hono's JSONValue.
  return c.json(stored.config as unknown as Record<string, string>, 200)
})
