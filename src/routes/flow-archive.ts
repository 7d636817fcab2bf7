import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi'
import type { AppEnv } from '../env'
import {
  ArchiveNameError,
  checkArchivePath,
  checkRouter,
  fileSpan,
} from '../flows/archive/archive-index'
import { sniffFtHeader } from '../flows/archive/header-sniff'
import { FlowParseError } from '../flows/flow-errors'
import { requireToken } from '../http/auth'
import { invalidRequest, ProblemError, problemResponse } from '../http/problem'
import { validationHook } from '../http/validation'
import { deleteFlowFiles, listFlowFiles, storeFlowFile } from '../storage/flow-archive'

/**
 * The flow archive: flow files kept in R2 by router and time, for queries that span more files
 * than one request can carry. Everything here needs the API token (flow data is sensitive).
 */
export const flowArchiveRoutes = new OpenAPIHono<AppEnv>({ defaultHook: validationHook })
flowArchiveRoutes.use('/archive', requireToken)
flowArchiveRoutes.use('/archive/*', requireToken)

const ArchivedFileSchema = z
  .object({
    router: z.string(),
    name: z.string().openapi({ example: 'ft-v05.2010-11-09.000000+0000' }),
    key: z.string(),
    size: z.number().int(),
    uploaded: z.string(),
    start: z.number().int().openapi({ description: 'Unix seconds of the capture start' }),
    end: z.number().int(),
    endEstimated: z
      .boolean()
      .openapi({ description: 'The file was not closed: end = start + one rotation' }),
    spanSource: z.enum(['header', 'name']),
    recordVersion: z.string().openapi({ example: '5' }),
    compressed: z.boolean(),
    flows: z.number().int().optional(),
  })
  .openapi('ArchivedFile')

const errors = {
  401: problemResponse('Missing or wrong API token'),
  422: problemResponse('Bad router, name, time range, or a file that is not a flow-tools file'),
}

const Params = z.object({
  router: z.string().openapi({ example: 'rtr8', description: '1-64 letters, digits, . _ -' }),
  name: z.string().openapi({
    example: 'ft-v05.2010-11-09.000000+0000',
    description: "The file's name (flow-capture's naming gives the time span of an open file)",
  }),
})

flowArchiveRoutes.openapi(
  createRoute({
    method: 'put',
    path: '/archive/{router}/{name}',
    tags: ['Flow archive'],
    summary: 'Store one flow-tools file (raw body; Content-Length required)',
    security: [{ bearer: [] }],
    request: { params: Params },
    responses: {
      201: {
        description: 'Stored',
        content: { 'application/json': { schema: ArchivedFileSchema } },
      },
      411: problemResponse('No Content-Length (use curl -T or --data-binary @file)'),
      413: problemResponse('Larger than ARCHIVE_MAX_FILE_BYTES'),
      ...errors,
    },
  }),
  async (c) => {
    const { router, name } = c.req.valid('param')
    const base = archivePath(router, name)
    const length = Number(c.req.header('content-length'))
    if (!c.req.header('content-length') || !Number.isSafeInteger(length)) {
      throw new ProblemError({
        type: '/problems/length-required',
        title: 'Length Required',
        status: 411,
        detail: 'send the file with a Content-Length (curl -T FILE or --data-binary @FILE)',
      })
    }
    const max = Number(c.env.ARCHIVE_MAX_FILE_BYTES) || 100 * 1024 * 1024
    if (length > max) {
      throw new ProblemError({
        type: '/problems/file-too-large',
        title: 'Flow file too large',
        status: 413,
        detail: `the file is ${length} bytes; one upload may be at most ${max} bytes`,
      })
    }
    const body = c.req.raw.body
    if (!body || length === 0)
      throw flowFileProblem(
        base,
        new FlowParseError('empty_file', 0, 'empty file: no ft stream header'),
      )
    let sniffed: Awaited<ReturnType<typeof sniffFtHeader>>
    try {
      sniffed = await sniffFtHeader(body)
    } catch (err) {
      if (err instanceof FlowParseError) throw flowFileProblem(base, err)
      throw err
    }
    const span = fileSpan(base, sniffed.header)
    if (!span) {
      await sniffed.stream.cancel()
      throw invalidRequest(
        `cannot tell the time span of '${base}': its header has no capture times (the file was not closed) and the name is not flow-capture's ft-vNN.YYYY-MM-DD.HHMMSS+ZZZZ`,
        { errors: [{ path: 'param.name', message: 'not a flow-capture file name' }] },
      )
    }
    const stored = await storeFlowFile(
      c.env.FLOW_ARCHIVE,
      router,
      base,
      span,
      sniffed.header,
      sniffed.stream,
      length,
    )
    return c.json(stored, 201)
  },
)

const RangeQuery = z.object({
  router: z.string().openapi({ example: 'rtr8' }),
  from: z
    .string()
    .openapi({ example: '2010-11-09T00:00:00Z', description: 'ISO 8601 time or unix seconds' }),
  to: z
    .string()
    .openapi({ example: '2010-11-10T00:00:00Z', description: 'ISO 8601 time or unix seconds' }),
})

flowArchiveRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/archive',
    tags: ['Flow archive'],
    summary: "List a router's files whose time span meets [from, to]",
    security: [{ bearer: [] }],
    request: {
      query: RangeQuery.extend({ limit: z.coerce.number().int().min(1).max(10000).default(1000) }),
    },
    responses: {
      200: {
        description: 'The files, oldest first; truncated when more than limit match',
        content: {
          'application/json': {
            schema: z
              .object({ files: z.array(ArchivedFileSchema), truncated: z.boolean() })
              .openapi('ArchiveListing'),
          },
        },
      },
      ...errors,
    },
  }),
  async (c) => {
    const q = c.req.valid('query')
    const { from, to } = timeRange(q.from, q.to)
    named(() => checkRouter(q.router))
    return c.json(await listFlowFiles(c.env.FLOW_ARCHIVE, q.router, from, to, q.limit), 200)
  },
)

flowArchiveRoutes.openapi(
  createRoute({
    method: 'delete',
    path: '/archive',
    tags: ['Flow archive'],
    summary: 'Delete the files of a router that START within [from, to] (at most 1000 per call)',
    security: [{ bearer: [] }],
    request: { query: RangeQuery },
    responses: {
      200: {
        description: 'What was deleted; call again while more remain',
        content: {
          'application/json': {
            schema: z
              .object({ deleted: z.array(z.string()), more: z.boolean() })
              .openapi('ArchiveDeletion'),
          },
        },
      },
      ...errors,
    },
  }),
  async (c) => {
    const q = c.req.valid('query')
    const { from, to } = timeRange(q.from, q.to)
    named(() => checkRouter(q.router))
    const { files, truncated } = await listFlowFiles(c.env.FLOW_ARCHIVE, q.router, from, to, 1000)
    const doomed = files.filter((f) => f.start >= from && f.start <= to)
    await deleteFlowFiles(
      c.env.FLOW_ARCHIVE,
      doomed.map((f) => f.key),
    )
    return c.json({ deleted: doomed.map((f) => f.name), more: truncated }, 200)
  },
)

function archivePath(router: string, name: string): string {
  return named(() => checkArchivePath(router, name))
}

/** Runs a name check, turning its error into a 422 naming the parameter. */
function named<T>(check: () => T): T {
  try {
    return check()
  } catch (err) {
    if (err instanceof ArchiveNameError) {
      throw invalidRequest(err.message, {
        errors: [
          { path: `param.${err.field === 'path' ? 'name' : 'router'}`, message: err.message },
        ],
      })
    }
    throw err
  }
}

/** ISO 8601 or unix seconds → unix seconds; from ≤ to; at most ~3 years at once. */
export function timeRange(fromText: string, toText: string): { from: number; to: number } {
  const from = parseTime(fromText, 'from')
  const to = parseTime(toText, 'to')
  if (from > to)
    throw invalidRequest(`from (${fromText}) is after to (${toText})`, {
      errors: [{ path: 'query.from', message: 'after to' }],
    })
  return { from, to }
}

function parseTime(text: string, field: string): number {
  const seconds = /^\d{1,11}$/.test(text) ? Number(text) : Date.parse(text) / 1000
  if (!Number.isFinite(seconds)) {
    throw invalidRequest(
      `${field} '${text.slice(0, 40)}' is neither an ISO 8601 time nor unix seconds`,
      {
        errors: [{ path: `query.${field}`, message: 'not a time' }],
      },
    )
  }
  return Math.floor(seconds)
}

function flowFileProblem(file: string, err: FlowParseError): ProblemError {
  return new ProblemError({
    type: '/problems/bad-flow-file',
    title: 'Unreadable flow file',
    status: 422,
    detail: `${file}: ${err.message} (byte ${err.offset})`,
    code: err.code,
    file,
    offset: err.offset,
  })
}
