import { OpenAPIHono, z as zo } from '@hono/zod-openapi'
import type { Context } from 'hono'
import { z } from 'zod'
import type { AppEnv } from '../env'
import { type Generator, GeneratorInputError } from '../generators/generator'
import { findGenerator, GENERATORS } from '../generators/registry'
import { smokepingTargetsFromChecks, storedTargetsError } from '../generators/smokeping-from-checks'
import { assertToken } from '../http/auth'
import { bodyCap } from '../http/body-cap'
import { jsonRequestBody } from '../http/json-body'
import { invalidRequest, JSON_BODY_ERRORS, problemResponse } from '../http/problem'
import { validationHook } from '../http/validation'
import { getChecksConfig } from '../kv/checks-store'
import { lookupAddressesPort } from './dns-service'
import { givenTwice, queryToInput, topLevelFields } from './generate-query'

export const generateRoutes = new OpenAPIHono<AppEnv>({ defaultHook: validationHook })

const MAX_BODY = 64 * 1024
/** Query parameters of the route itself, not of a generator (`source=stored`: smokeping only). */
const RESERVED = ['format', 'source']

const errors = {
  401: problemResponse('zone-records with lookup=true needs the API token'),
  404: problemResponse('No generator of that kind'),
  413: problemResponse('Body larger than 64 KiB'),
  422: problemResponse('Invalid input: every error names its field'),
  502: problemResponse('The live lookup failed (zone-records with lookup=true)'),
}

const textOrJson = {
  description:
    'Paste-ready text with a comment header (text/plain, the default), or JSON with format=json / Accept: application/json',
  content: {
    'text/plain': { schema: zo.string() },
    'application/json': {
      schema: zo.object({
        kind: zo.string(),
        title: zo.string(),
        purpose: zo.string(),
        filename: zo.string(),
        text: zo.string(),
      }),
    },
  },
}

function jsonSchemaOf(g: Generator): Record<string, unknown> {
  return z.toJSONSchema(g.schema, { io: 'input', unrepresentable: 'any' }) as Record<
    string,
    unknown
  >
}

const storedSource = {
  source: zo.enum(['stored']).optional().openapi({
    description: 'stored: the SmokePing config of the targets stored with PUT /targets',
  }),
}

// Each generator appears in the OpenAPI document with its own schema, for GET and POST.
for (const g of GENERATORS) {
  const fields = topLevelFields(g.schema)
  const source = g.kind === 'smokeping' ? storedSource : {}
  const query = zo.object({
    ...Object.fromEntries(
      Object.entries(fields).map(([name, field]) => [
        name,
        zo
          .string()
          .optional()
          .openapi({ description: field.description ?? name }),
      ]),
    ),
    format: zo.enum(['text', 'json']).optional(),
    ...source,
  })
  generateRoutes.openAPIRegistry.registerPath({
    method: 'get',
    path: `/${g.kind}`,
    tags: ['Generators'],
    summary: `${g.title} (parameters in the query string)`,
    description: `${g.purpose}. Arrays: repeat the parameter or separate with commas; nested values as JSON text.`,
    request: { query },
    responses: { 200: textOrJson, ...errors },
  })
  generateRoutes.openAPIRegistry.registerPath({
    method: 'post',
    path: `/${g.kind}`,
    tags: ['Generators'],
    summary: `${g.title} (parameters as JSON)`,
    description: g.purpose,
    request: {
      query: zo.object({ format: zo.enum(['text', 'json']).optional(), ...source }),
      body: { content: { 'application/json': { schema: g.schema } }, required: true },
    },
    responses: {
      200: textOrJson,
      ...JSON_BODY_ERRORS,
      ...errors,
    },
  })
}

generateRoutes.openAPIRegistry.registerPath({
  method: 'get',
  path: '/',
  tags: ['Generators'],
  summary: 'List every generator with its parameters (JSON Schema)',
  responses: {
    200: {
      description: 'The generators',
      content: {
        'application/json': {
          schema: zo.object({
            generators: zo.array(zo.object({ kind: zo.string() }).passthrough()),
          }),
        },
      },
    },
    404: problemResponse('Not found'),
  },
})

generateRoutes.get('/', (c) =>
  c.json({
    generators: GENERATORS.map((g) => ({
      kind: g.kind,
      title: g.title,
      purpose: g.purpose,
      filename: g.filename,
      get: `/generate/${g.kind}`,
      post: `/generate/${g.kind}`,
      parameters: jsonSchemaOf(g),
    })),
  }),
)

generateRoutes.get('/:kind', (c) => {
  const g = generatorOf(c.req.param('kind'))
  return answer(c, g, queryToInput(g.schema, c.req.queries(), RESERVED))
})

generateRoutes.post('/:kind', bodyCap(MAX_BODY, 'a generator request body'), async (c) => {
  const g = generatorOf(c.req.param('kind'))
  const extra = Object.keys(c.req.queries()).filter((k) => !RESERVED.includes(k))
  if (extra.length > 0) {
    throw invalidRequest(
      `POST takes its parameters as JSON; unexpected query parameter '${extra[0]}'`,
      {
        errors: extra.map((k) => ({ path: `query.${k}`, message: 'unknown parameter' })),
      },
    )
  }
  const body = await jsonRequestBody(c.req.raw, '{"field": "value", ...}')
  rejectUnknownFields(g, body)
  return answer(c, g, body)
})

/** A misspelt top-level key would otherwise be dropped silently and its default used. */
function rejectUnknownFields(g: Generator, body: unknown): void {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return // the schema says why
  const fields = topLevelFields(g.schema)
  const unknown = Object.keys(body).filter((k) => !Object.hasOwn(fields, k))
  if (unknown.length > 0) {
    throw invalidRequest(
      `unknown field '${unknown[0]}'; this generator takes: ${Object.keys(fields).join(', ')}`,
      { errors: unknown.map((k) => ({ path: `json.${k}`, message: 'unknown field' })) },
    )
  }
}

function generatorOf(kind: string): Generator {
  const g = findGenerator(kind)
  if (!g) {
    throw invalidRequest(`no generator '${kind.slice(0, 40)}'; GET /generate lists them`, {
      status: 404,
      title: 'Unknown generator',
      type: '/problems/unknown-generator',
    })
  }
  return g
}

async function answer(c: Context<AppEnv>, g: Generator, raw: unknown) {
  for (const key of RESERVED) if ((c.req.queries(key)?.length ?? 0) > 1) throw givenTwice(key)
  const format = c.req.query('format')
  if (format !== undefined && format !== 'text' && format !== 'json') {
    throw invalidRequest("format must be 'text' or 'json'", {
      errors: [{ path: 'query.format', message: "must be 'text' or 'json'" }],
    })
  }
  const { input, stored } = await withStoredTargets(c, g, raw)
  let prepared: ReturnType<Generator['prepare']>
  try {
    prepared = g.prepare(input)
  } catch (err) {
    throw stored && err instanceof GeneratorInputError ? storedTargetsError(err, stored) : err
  }
  if (prepared.usesNetwork) assertToken(c, 'A live lookup (lookup=true)')
  const text = await prepared.render(
    prepared.usesNetwork ? { lookupAddresses: lookupAddressesPort(c) } : {},
  )
  if (wantsJson(c, format)) {
    return c.json(
      {
        kind: g.kind,
        title: g.title,
        purpose: prepared.purpose,
        filename: prepared.filename,
        text,
      },
      200,
    )
  }
  c.header('Content-Disposition', `inline; filename="${prepared.filename}"`)
  return c.text(text, 200)
}

/** Text unless format=json or the Accept header prefers JSON over text/plain. */
function wantsJson(c: Context<AppEnv>, format: string | undefined): boolean {
  if (format !== undefined) return format === 'json'
  const accept = c.req.header('accept') ?? ''
  const json = accept.indexOf('application/json')
  const text = accept.indexOf('text/plain')
  return json >= 0 && (text < 0 || json < text)
}

/**
 * `?source=stored` fills the SmokePing generator's targets (and step/pings) from the checks'
 * stored tree (PUT /targets), so the edge checks and a classic SmokePing can watch the same hosts.
 */
async function withStoredTargets(
  c: Context<AppEnv>,
  g: Generator,
  raw: unknown,
): Promise<{ input: unknown; stored?: ReturnType<typeof smokepingTargetsFromChecks> }> {
  const source = c.req.query('source')
  if (source === undefined) return { input: raw }
  if (source !== 'stored' || g.kind !== 'smokeping') {
    throw invalidRequest(
      'source=stored is the only source, and only the smokeping generator takes it',
      {
        errors: [{ path: 'query.source', message: 'only source=stored on /generate/smokeping' }],
      },
    )
  }
  const stored = await getChecksConfig(c.env.EDGEPING_KV)
  if (!stored) {
    throw invalidRequest('no targets are stored yet: PUT /targets first', {
      status: 404,
      title: 'No targets',
      type: '/problems/no-targets',
    })
  }
  const base = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {}
  if (Object.hasOwn(base, 'targets')) {
    const where = c.req.method === 'GET' ? 'query' : 'json'
    throw invalidRequest('source=stored takes the targets from PUT /targets; do not send targets', {
      errors: [{ path: `${where}.targets`, message: 'not allowed with source=stored' }],
    })
  }
  const db = stored.config.database ?? {}
  const targets = smokepingTargetsFromChecks(stored.config, stored.resolved)
  return {
    input: {
      ...(db.step !== undefined ? { step: db.step } : {}),
      ...(db.pings !== undefined ? { pings: db.pings } : {}),
      ...base,
      targets,
    },
    stored: targets,
  }
}
