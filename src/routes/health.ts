import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi'
import type { AppEnv } from '../env'
import { validationHook } from '../http/validation'

export const healthRoutes = new OpenAPIHono<AppEnv>({ defaultHook: validationHook })

const HealthSchema = z
  .object({
    status: z.literal('ok'),
    service: z.literal('edgeping'),
    version: z.string(),
    time: z.string().openapi({ example: '2026-11-25T12:00:00.000Z' }),
  })
  .openapi('Health')

healthRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/',
    tags: ['Meta'],
    summary: 'Liveness: answers without touching KV or the network',
    responses: {
      200: {
        description: 'The Worker is up',
        content: { 'application/json': { schema: HealthSchema } },
      },
    },
  }),
  (c) =>
    c.json(
      {
        status: 'ok' as const,
        service: 'edgeping' as const,
        version: VERSION,
        time: new Date().toISOString(),
      },
      200,
    ),
)

export const VERSION = '0.1.0'
