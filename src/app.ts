import { swaggerUI } from '@hono/swagger-ui'
import { OpenAPIHono } from '@hono/zod-openapi'
import { requestId } from 'hono/request-id'
import type { AppEnv } from './env'
import { detectToken } from './http/auth'
import { notFound, onError } from './http/on-error'
import { validationHook } from './http/validation'
import { checksRoutes } from './routes/checks'
import { dnsRoutes } from './routes/dns'
import { healthRoutes, VERSION } from './routes/health'
import { metricsRoutes } from './routes/metrics'
import { targetsRoutes } from './routes/targets'

/** Assembles the HTTP app. No I/O happens at import time. */
export function createApp(): OpenAPIHono<AppEnv> {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook })
  app.use(requestId({ headerName: 'X-Request-Id' }))
  app.use(detectToken)
  app.onError(onError)
  app.notFound(notFound)

  app.route('/health', healthRoutes)
  app.route('/dns', dnsRoutes)
  app.route('/targets', targetsRoutes)
  app.route('/checks', checksRoutes)
  app.route('/metrics', metricsRoutes)

  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
    description: 'The API_TOKEN secret',
  })
  app.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'edgeping',
      version: VERSION,
      description:
        'Network-health and DNS toolkit for system administrators. Errors are RFC 9457 application/problem+json.',
    },
    security: [],
  })
  app.get('/docs', swaggerUI({ url: '/openapi.json' }))
  app.get('/', (c) =>
    c.json({ service: 'edgeping', docs: '/docs', openapi: '/openapi.json', health: '/health' }),
  )
  return app
}
