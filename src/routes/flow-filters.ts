import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi'
import type { HonoRequest } from 'hono'
import type { AppEnv } from '../env'
import { checkFilterConfig } from '../flows/filter'
import { requireToken } from '../http/auth'
import { bodyCap } from '../http/body-cap'
import { wantsText } from '../http/negotiate'
import { ProblemError, problemResponse } from '../http/problem'
import { validationHook } from '../http/validation'
import {
  deleteFilterSet,
  FILTER_SET_NAME,
  getFilterSet,
  listFilterSets,
  MAX_FILTER_SET_BYTES,
  putFilterSet,
} from '../kv/filter-sets'

/** Saved flow-nfilter configurations (`filters=NAME` on the flow endpoints). */
export const flowFilterRoutes = new OpenAPIHono<AppEnv>({ defaultHook: validationHook })

const NameParam = z.object({
  name: z
    .string()
    .regex(FILTER_SET_NAME, 'letters, digits, ".", "_" and "-", 1-64 characters')
    .openapi({ param: { name: 'name', in: 'path' }, example: 'incident-2010-11' }),
})

const FormatQuery = z.object({
  format: z.enum(['json', 'text']).optional().openapi({
    description: 'text = the configuration itself (also `Accept: text/plain`)',
  }),
})

const WarningSchema = z.object({
  code: z.string(),
  message: z.string(),
  line: z.number().int().optional(),
  column: z.number().int().optional(),
})

const FilterSetSchema = z
  .object({
    name: z.string(),
    config: z.string(),
    updatedAt: z.string(),
    primitives: z.array(z.string()),
    definitions: z.array(z.string()),
    warnings: z.array(WarningSchema),
  })
  .openapi('FilterSet')

const bearer = [{ bearer: [] }]

const list = createRoute({
  method: 'get',
  path: '/',
  tags: ['Flows'],
  summary: 'List the saved filter sets',
  responses: {
    200: {
      description: 'Names of the saved filter sets',
      content: { 'application/json': { schema: z.object({ filters: z.array(z.string()) }) } },
    },
    500: problemResponse('Storage failure'),
  },
})

const get = createRoute({
  method: 'get',
  path: '/{name}',
  tags: ['Flows'],
  summary: 'Fetch a saved filter set',
  request: { params: NameParam, query: FormatQuery },
  responses: {
    200: {
      description: 'The set with what it defines; the bare configuration as text on request',
      content: {
        'application/json': { schema: FilterSetSchema },
        'text/plain': { schema: z.string() },
      },
    },
    404: problemResponse('No filter set of that name'),
    422: problemResponse('Invalid name'),
  },
})

const put = createRoute({
  method: 'put',
  path: '/{name}',
  tags: ['Flows'],
  summary: 'Save a flow-nfilter configuration under a name (API token)',
  description:
    'The body is filter.cfg text (`filter-primitive` / `filter-definition`), sent as text/plain or as JSON `{ "config": "..." }`. ' +
    'It is parsed and every definition resolved against the built-in stock and book definitions before it is saved; ' +
    'lines whose `@VAR` has no default are checked when the set is used with its variables.',
  security: bearer,
  // A chunked body is counted as it comes (configFromBody checks a declared length and the text).
  middleware: [
    requireToken,
    bodyCap(6 * MAX_FILTER_SET_BYTES + 64, 'a filter configuration body'),
  ] as const,
  request: {
    params: NameParam,
    body: {
      // Not `required`: the validator would then demand JSON; text bodies are read by hand.
      required: false,
      content: {
        'text/plain': { schema: z.string() },
        'application/json': { schema: z.object({ config: z.string() }) },
      },
    },
  },
  responses: {
    200: { description: 'Saved', content: { 'application/json': { schema: FilterSetSchema } } },
    401: problemResponse('Missing or wrong API token'),
    400: problemResponse('Malformed JSON body'),
    413: problemResponse(`Configuration larger than ${MAX_FILTER_SET_BYTES} bytes`),
    415: problemResponse('Body neither text/plain nor JSON'),
    422: problemResponse('Invalid name, or a configuration error with line, column and excerpt'),
  },
})

const del = createRoute({
  method: 'delete',
  path: '/{name}',
  tags: ['Flows'],
  summary: 'Delete a saved filter set (API token)',
  security: bearer,
  middleware: [requireToken] as const,
  request: { params: NameParam },
  responses: {
    204: { description: 'Deleted' },
    401: problemResponse('Missing or wrong API token'),
    404: problemResponse('No filter set of that name'),
    422: problemResponse('Invalid name'),
  },
})

flowFilterRoutes.openapi(list, async (c) => {
  return c.json({ filters: await listFilterSets(c.env.EDGEPING_KV) }, 200)
})

flowFilterRoutes.openapi(get, async (c) => {
  const { name } = c.req.valid('param')
  const set = await getFilterSet(c.env.EDGEPING_KV, name)
  if (!set) throw notFound(name)
  if (wantsText(c, c.req.valid('query').format, ['text'])) return c.text(set.config, 200)
  return c.json({ ...set, ...checkFilterConfig(set.config) }, 200)
})

flowFilterRoutes.openapi(put, async (c) => {
  const { name } = c.req.valid('param')
  const config = await configFromBody(c.req)
  // Throws FilterError (422 with line, column and excerpt) before anything is stored.
  const summary = checkFilterConfig(config)
  const set = { name, config, updatedAt: new Date().toISOString() }
  await putFilterSet(c.env.EDGEPING_KV, set)
  return c.json({ ...set, ...summary }, 200)
})

flowFilterRoutes.openapi(del, async (c) => {
  const { name } = c.req.valid('param')
  if (!(await getFilterSet(c.env.EDGEPING_KV, name))) throw notFound(name)
  await deleteFilterSet(c.env.EDGEPING_KV, name)
  return c.body(null, 204)
})

async function configFromBody(req: HonoRequest): Promise<string> {
  // Hono caches the body, so reading it after the JSON validator is safe.
  const type = (req.header('content-type') ?? 'text/plain').split(';')[0]?.trim().toLowerCase()
  // The limit is on the configuration: JSON escapes (\n, \") make its body longer, by at most
  // six bytes a character (\u0000).
  const json = type === 'application/json'
  const bodyLimit = json ? 6 * MAX_FILTER_SET_BYTES + 64 : MAX_FILTER_SET_BYTES
  const declared = Number(req.header('content-length') ?? '0')
  if (declared > bodyLimit) throw tooLarge()
  const text = await req.text()
  const size = (t: string) => new TextEncoder().encode(t).length
  if (size(text) > bodyLimit) throw tooLarge()
  if (json) {
    const parsed = z.object({ config: z.string() }).safeParse(safeJson(text))
    if (!parsed.success) {
      throw new ProblemError({
        type: '/problems/invalid-request',
        title: 'Invalid request',
        status: 422,
        detail: 'the JSON body must be { "config": "<filter.cfg text>" }',
        errors: [{ path: 'json.config', message: 'expected a string' }],
      })
    }
    if (size(parsed.data.config) > MAX_FILTER_SET_BYTES) throw tooLarge()
    return parsed.data.config
  }
  if (type !== 'text/plain' && type !== 'application/octet-stream') {
    throw new ProblemError({
      type: '/problems/unsupported-media-type',
      title: 'Unsupported media type',
      status: 415,
      detail: `send the configuration as text/plain or as JSON { "config": ... }, not ${type}`,
    })
  }
  return text
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

function tooLarge(): ProblemError {
  return new ProblemError({
    type: '/problems/body-too-large',
    title: 'Request body too large',
    status: 413,
    detail: `a filter configuration may hold at most ${MAX_FILTER_SET_BYTES} bytes`,
    errors: [{ path: 'body', message: `larger than ${MAX_FILTER_SET_BYTES} bytes` }],
  })
}

function notFound(name: string): ProblemError {
  return new ProblemError({
    type: '/problems/not-found',
    title: 'Not Found',
    status: 404,
    detail: `no saved filter set "${name}"`,
  })
}
