import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi'
import type { AppEnv } from '../env'
import { requireToken } from '../http/auth'
import { bodyCap } from '../http/body-cap'
import { wantsText } from '../http/negotiate'
import { JSON_BODY_ERRORS, problemResponse } from '../http/problem'
import { validationHook } from '../http/validation'
import { renderJobText } from '../jobs/result'
import { deleteJob } from '../storage/flow-jobs'
import {
  jobFlowsResponse,
  jobStatus,
  loadSpec,
  QueryBody,
  startArchiveQuery,
} from './flow-jobs-service'

/**
 * Queries across the flow archive: a job fanned out over the Queue, one message per file (or
 * small group of files), partial results merged in R2, progress and answer by job id.
 */
export const flowJobRoutes = new OpenAPIHono<AppEnv>({ defaultHook: validationHook })
flowJobRoutes.use('/archive/query', requireToken)
// The body's largest part is a filter configuration of up to 256 KiB, which JSON escapes make at
// most six times longer.
flowJobRoutes.use('/archive/query', bodyCap(2 * 1024 * 1024, 'an archive query body'))
flowJobRoutes.use('/jobs/*', requireToken)

const JobStatusSchema = z
  .object({
    id: z.string(),
    state: z.enum(['queued', 'running', 'done', 'failed']),
    error: z
      .string()
      .optional()
      .openapi({ description: 'state failed: the step that ran out of retries and its error' }),
    created: z.string(),
    finished: z.string().optional(),
    elapsedMs: z.number(),
    filesTotal: z.number().int(),
    filesDone: z.number().int(),
    filesFailed: z.number().int(),
    flowsScanned: z.number().int(),
    tasks: z.number().int(),
    tasksDone: z.number().int(),
    query: z.record(z.string(), z.unknown()),
    result: z.record(z.string(), z.unknown()).optional(),
  })
  .openapi('FlowJob')

const IdParams = z.object({
  id: z.string().openapi({ example: '0f8fad5b-d9cb-469f-a165-70867728950e' }),
})

flowJobRoutes.openapi(
  createRoute({
    method: 'post',
    path: '/archive/query',
    tags: ['Flow archive'],
    summary: 'Start a query over archived files: one Queue message per file, merged in R2',
    security: [{ bearer: [] }],
    request: { body: { content: { 'application/json': { schema: QueryBody } }, required: true } },
    responses: {
      202: {
        description: 'The job is queued; poll Location (GET /flows/jobs/{id})',
        content: {
          'application/json': {
            schema: z
              .object({
                id: z.string(),
                state: z.literal('queued'),
                filesTotal: z.number().int(),
                tasks: z.number().int(),
                href: z.string(),
              })
              .openapi('FlowJobCreated'),
          },
        },
      },
      ...JSON_BODY_ERRORS,
      401: problemResponse('Missing or wrong API token'),
      422: problemResponse(
        'Bad time range, router, filter (line, column, excerpt), no file in range, too many files, or mixed record versions for output=flows',
      ),
    },
  }),
  async (c) => {
    const job = await startArchiveQuery(c.env, c.req.valid('json'))
    c.header('Location', job.href)
    return c.json(job, 202)
  },
)

flowJobRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/jobs/{id}',
    tags: ['Flow archive'],
    summary: 'A query job: state, files done / total, flows scanned, elapsed; the result when done',
    security: [{ bearer: [] }],
    request: { params: IdParams },
    responses: {
      200: {
        description: 'JSON; `Accept: text/plain` gives the finished answer as text',
        content: {
          'application/json': { schema: JobStatusSchema },
          'text/plain': { schema: z.string() },
        },
      },
      401: problemResponse('Missing or wrong API token'),
      404: problemResponse('No such job'),
      422: problemResponse('Not a job id'),
    },
  }),
  async (c) => {
    const spec = await loadSpec(c.env.FLOW_ARCHIVE, c.req.valid('param').id)
    const { status, result } = await jobStatus(c.env.FLOW_ARCHIVE, spec)
    if (wantsText(c, undefined, [])) {
      if (result) return c.text(renderJobText(spec, result), 200)
      return c.text(
        `# job ${spec.id}: ${status.state}, ${status.filesDone}/${status.filesTotal} files, ${status.flowsScanned} flows read, ${status.elapsedMs} ms\n${status.error ? `# ${status.error}\n` : ''}`,
        200,
      )
    }
    return c.json(
      result ? { ...status, result: result as unknown as Record<string, unknown> } : status,
      200,
    )
  },
)

flowJobRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/jobs/{id}/flows',
    tags: ['Flow archive'],
    summary: 'The matching flows of a finished output=flows job (CSV or NDJSON, streamed)',
    security: [{ bearer: [] }],
    request: { params: IdParams },
    responses: {
      200: {
        description: 'The flows, file after file in job order',
        content: {
          'text/csv': { schema: z.string() },
          'application/x-ndjson': { schema: z.string() },
        },
      },
      401: problemResponse('Missing or wrong API token'),
      404: problemResponse('No such job'),
      409: problemResponse('The job is still running, or did not ask for output=flows'),
      422: problemResponse('Not a job id'),
    },
  }),
  async (c) => {
    const spec = await loadSpec(c.env.FLOW_ARCHIVE, c.req.valid('param').id)
    // A streamed CSV/NDJSON body has no typed-response helper (they know JSON and text/plain);
    // the status and media types are the documented ones.
    return (await jobFlowsResponse(c.env.FLOW_ARCHIVE, spec)) as never
  },
)

flowJobRoutes.openapi(
  createRoute({
    method: 'delete',
    path: '/jobs/{id}',
    tags: ['Flow archive'],
    summary: "Delete a job's spec, partials, flows and result",
    security: [{ bearer: [] }],
    request: { params: IdParams },
    responses: {
      204: { description: 'Deleted' },
      401: problemResponse('Missing or wrong API token'),
      404: problemResponse('No such job'),
      422: problemResponse('Not a job id'),
    },
  }),
  async (c) => {
    const spec = await loadSpec(c.env.FLOW_ARCHIVE, c.req.valid('param').id)
    while (await deleteJob(c.env.FLOW_ARCHIVE, spec.id)) {
      // more than 1000 objects: keep going
    }
    return c.body(null, 204)
  },
)
