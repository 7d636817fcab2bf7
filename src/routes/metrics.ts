import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi'
import { lastRounds } from '../checks/history'
import { renderOpenMetrics } from '../checks/openmetrics'
import type { AppEnv } from '../env'
import { problemResponse } from '../http/problem'
import { validationHook } from '../http/validation'
import { createCheckStore, getChecksConfig, retentionFrom } from '../kv/checks-store'

export const metricsRoutes = new OpenAPIHono<AppEnv>({ defaultHook: validationHook })

metricsRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/',
    tags: ['Checks'],
    summary: "OpenMetrics text of each target's last round, for Prometheus",
    responses: {
      200: {
        description: 'application/openmetrics-text',
        content: { 'application/openmetrics-text': { schema: z.string() } },
      },
      500: problemResponse('KV could not be read'),
    },
  }),
  async (c) => {
    const stored = await getChecksConfig(c.env.EDGEPING_KV)
    const last = stored
      ? await lastRounds(
          stored,
          createCheckStore(c.env.EDGEPING_KV, retentionFrom(c.env)),
          Date.now(),
        )
      : new Map()
    return c.body(renderOpenMetrics(stored?.resolved ?? [], last), 200, {
      'content-type': 'application/openmetrics-text; version=1.0.0; charset=utf-8',
    })
  },
)
