import { swaggerUI } from '@hono/swagger-ui'
import { OpenAPIHono } from '@hono/zod-openapi'
import { requestId } from 'hono/request-id'
import type { AppEnv } from './env'
import { detectToken } from './http/auth'
import { drainUnreadBody } from './http/drain-body'
import { notFoundOrWrongMethod, onErrorWith } from './http/on-error'
import { withOperationIds } from './http/operation-ids'
import { validationHook } from './http/validation'
import { checksRoutes } from './routes/checks'
import { dnsRoutes } from './routes/dns'
import { flowArchiveRoutes } from './routes/flow-archive'
import { flowFilterRoutes } from './routes/flow-filters'
import { flowJobRoutes } from './routes/flow-jobs'
import { flowRoutes } from './routes/flows'
import { generateRoutes } from './routes/generate'
import { healthRoutes, VERSION } from './routes/health'
import { metricsRoutes } from './routes/metrics'
import { probeRoutes } from './routes/probes'
import { targetsRoutes } from './routes/targets'
import { filterSetsPage, generatorPages, problemPages, targetsPage, uiRoutes } from './routes/ui'
import { analysisPage, archivePage, archiveUiRoutes, jobPage } from './routes/ui-flows'

type OpenApiDocument = ReturnType<OpenAPIHono<AppEnv>['getOpenAPI31Document']>

/** The request-body media types of the operation at `method path`, from the OpenAPI document. */
function bodyMediaTypes(doc: OpenApiDocument, method: string, path: string): string[] | undefined {
  for (const [template, item] of Object.entries(doc.paths ?? {})) {
    // `{name}` is one segment; everything else is literal.
    const body = template
      .split('/')
      .map((seg) =>
        /^\{[^}]+\}$/.test(seg) ? '[^/]+' : seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'),
      )
      .join('/')
    const pattern = new RegExp(`^${body}$`)
    if (!pattern.test(path)) continue
    const operation = (item as Record<string, { requestBody?: { content?: object } }>)[
      method.toLowerCase()
    ]
    const content = operation?.requestBody?.content
    if (content) return Object.keys(content)
  }
  return undefined
}

/** Assembles the HTTP app. No I/O happens at import time. */
export function createApp(): OpenAPIHono<AppEnv> {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook })
  // Outermost: it sees every error answer, whichever route, middleware or handler made it.
  app.use(drainUnreadBody)
  app.use(requestId({ headerName: 'X-Request-Id' }))
  app.use(problemPages)
  app.use(detectToken)
  app.onError(onErrorWith((method, path) => bodyMediaTypes(documentOf(), method, path)))
  app.notFound(notFoundOrWrongMethod(app.routes))

  app.route('/health', healthRoutes)
  app.route('/dns', dnsRoutes)
  app.use('/flows/analyses/:id', analysisPage)
  app.route('/flows', flowRoutes)
  // The archive and job pages share the API's paths: they answer browsers, then step aside.
  app.use('/flows/archive', archivePage)
  app.route('/flows', flowArchiveRoutes)
  app.use('/flows/jobs/:id', jobPage)
  app.route('/flows', flowJobRoutes)
  app.use('/generate', generatorPages)
  app.use('/generate/*', generatorPages)
  app.route('/generate', generateRoutes)
  app.route('/probes', probeRoutes)
  app.use('/flows/filters', filterSetsPage)
  app.use('/flows/filters/*', filterSetsPage)
  app.route('/flows/filters', flowFilterRoutes)
  app.use('/targets', targetsPage)
  app.route('/targets', targetsRoutes)
  app.route('/checks', checksRoutes)
  app.route('/metrics', metricsRoutes)

  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
    description:
      "The API_TOKEN secret. The dashboard's own scripts send its login session cookie with the session's CSRF token in X-CSRF-Token instead; the cookie alone is never accepted.",
  })
  const docConfig = {
    openapi: '3.1.0',
    info: {
      title: 'edgeping',
      version: VERSION,
      description:
        'Network-health and DNS toolkit for system administrators. Errors are RFC 9457 application/problem+json.',
    },
    // Relative: the Worker's own origin, wherever it is deployed or run.
    servers: [{ url: '/', description: 'this Worker' }],
    security: [],
  }
  // Built once per isolate (the routes do not change); every operation gets an operationId.
  let doc: OpenApiDocument | undefined
  const documentOf = () => {
    doc ??= withOperationIds(app.getOpenAPI31Document(docConfig))
    return doc
  }
  app.get('/openapi.json', (c) => c.json(documentOf()))
  app.get('/docs', swaggerUI({ url: '/openapi.json' }))
  app.get('/api', (c) =>
    c.json({ service: 'edgeping', docs: '/docs', openapi: '/openapi.json', health: '/health' }),
  )
  // The dashboard pages (HTML) last, so API paths always win.
  app.route('/', archiveUiRoutes)
  app.route('/', uiRoutes)
  return app
}
