import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi'
import type { AppEnv } from '../env'
import { checkRouter } from '../flows/archive/archive-index'
import { compileFilterChain } from '../flows/filter/index'
import { buildFilterSpec } from '../flows/filter-spec'
import { TIMELINE_BUCKETS } from '../flows/report/timeline'
import { TOP_SORTS } from '../flows/report/top-talkers'
import { requireToken } from '../http/auth'
import { wantsText } from '../http/negotiate'
import { invalidRequest, ProblemError, problemResponse } from '../http/problem'
import { validationHook } from '../http/validation'
import {
  FLOW_OUTPUT_FORMATS,
  groupSizeFor,
  JOB_ID,
  JOB_OUTPUTS,
  type JobFileRef,
  type JobSpec,
  MAX_JOB_FILES,
  taskMessages,
} from '../jobs/job'
import { renderJobText } from '../jobs/result'
import { sendJobMessages } from '../ports/flow-jobs'
import { listFlowFiles } from '../storage/flow-archive'
import {
  deleteJob,
  flowOutputStream,
  getJobResult,
  getJobSpec,
  jobProgress,
  putJobSpec,
} from '../storage/flow-jobs'
import { timeRange } from './flow-archive'
import { savedFilterConfig } from './flows-upload'

/**
 * Queries across the flow archive: a job fanned out over the Queue, one message per file (or
 * small group of files), partial results merged in R2, progress and answer by job id.
 */
export const flowJobRoutes = new OpenAPIHono<AppEnv>({ defaultHook: validationHook })
flowJobRoutes.use('/archive/query', requireToken)
flowJobRoutes.use('/jobs/*', requireToken)

const QueryBody = z
  .object({
    from: z.union([z.string(), z.number().int()]).openapi({ example: '2010-10-15T00:00:00Z' }),
    to: z.union([z.string(), z.number().int()]).openapi({ example: '2010-11-15T00:00:00Z' }),
    routers: z
      .array(z.string())
      .min(1)
      .max(32)
      .openapi({ example: ['rtr8'] }),
    expr: z.string().max(4096).optional().openapi({ example: 'port 6667 or port 7000' }),
    def: z
      .array(z.string().max(1024))
      .max(32)
      .optional()
      .openapi({ description: 'flow-nfilter definitions NAME:VAR=value,..., chained in order' }),
    filters: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/)
      .optional()
      .openapi({ description: 'A saved filter set (PUT /flows/filters/{name})' }),
    filterCfg: z
      .string()
      .max(256 * 1024)
      .optional()
      .openapi({ description: 'filter.cfg text (added after a saved set)' }),
    output: z.enum(JOB_OUTPUTS).default('summary'),
    bucket: z.enum(TIMELINE_BUCKETS).default('day'),
    sort: z.enum(TOP_SORTS).default('octets'),
    top: z.number().int().min(1).max(1000).default(10),
    format: z
      .enum(FLOW_OUTPUT_FORMATS)
      .default('csv')
      .openapi({ description: 'output=flows: flow-export -f 2 CSV or NDJSON' }),
    limit: z
      .number()
      .int()
      .min(1)
      .max(100_000)
      .default(10_000)
      .openapi({ description: 'output=flows: matching flows kept per file (cut files are named)' }),
  })
  .openapi('ArchiveQuery')

const JobStatusSchema = z
  .object({
    id: z.string(),
    state: z.enum(['queued', 'running', 'done']),
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
      401: problemResponse('Missing or wrong API token'),
      422: problemResponse(
        'Bad time range, router, filter (line, column, excerpt), no file in range, too many files, or mixed record versions for output=flows',
      ),
    },
  }),
  async (c) => {
    const q = c.req.valid('json')
    const { from, to } = timeRange(String(q.from), String(q.to))
    for (const [i, r] of q.routers.entries()) {
      try {
        checkRouter(r)
      } catch (err) {
        throw invalidRequest((err as Error).message, {
          errors: [{ path: `body.routers.${i}`, message: 'bad router name' }],
        })
      }
    }
    let config =
      q.filters === undefined
        ? undefined
        : await savedFilterConfig(c.env.EDGEPING_KV, q.filters, 'body.filters')
    if (q.filterCfg !== undefined)
      config = config === undefined ? q.filterCfg : `${config}\n${q.filterCfg}`
    const filter = buildFilterSpec(q.def ?? [], q.expr, config)
    // A bad filter is a 422 now, not a failure in every consumer later.
    compileFilterChain(filter)

    const files: JobFileRef[] = []
    const versions = new Set<string>()
    let bytes = 0
    for (const router of [...new Set(q.routers)]) {
      const listing = await listFlowFiles(
        c.env.FLOW_ARCHIVE,
        router,
        from,
        to,
        MAX_JOB_FILES - files.length,
      )
      if (listing.truncated) {
        throw invalidRequest(
          `more than ${MAX_JOB_FILES} archived files meet the range: narrow it or split the query`,
        )
      }
      for (const f of listing.files) {
        files.push({ index: files.length, router, name: f.name, key: f.key, size: f.size })
        versions.add(f.recordVersion)
        bytes += f.size
      }
    }
    if (files.length === 0) {
      throw invalidRequest(
        `no archived file of ${q.routers.join(', ')} meets ${new Date(from * 1000).toISOString()} .. ${new Date(to * 1000).toISOString()} (GET /flows/archive lists what is stored)`,
      )
    }
    if (q.output === 'flows' && versions.size > 1) {
      throw invalidRequest(
        `output=flows needs one record version, the range holds ${[...versions].join(', ')}: query the routers one at a time`,
      )
    }
    const id = crypto.randomUUID()
    const { format, limit, filterCfg: _cfg, ...asked } = q
    const spec: JobSpec = {
      id,
      created: new Date().toISOString(),
      from,
      to,
      routers: q.routers,
      filter,
      asked: {
        ...asked,
        ...(q.output === 'flows' ? { format, limit } : {}),
        ...(q.filterCfg !== undefined ? { filterCfg: `${q.filterCfg.length} characters` } : {}),
      },
      output: q.output,
      bucket: q.bucket,
      sort: q.sort,
      top: q.top,
      flowFormat: format,
      flowLimit: limit,
      filesTotal: files.length,
      bytesTotal: bytes,
      groupSize: groupSizeFor(files.length),
      tasks: 0,
    }
    const messages = taskMessages(id, files)
    spec.tasks = messages.length
    // The spec first: a consumer that gets a message always finds its job.
    await putJobSpec(c.env.FLOW_ARCHIVE, spec)
    await sendJobMessages(c.env.FLOW_JOBS, messages)
    const href = `/flows/jobs/${id}`
    c.header('Location', href)
    return c.json(
      { id, state: 'queued' as const, filesTotal: files.length, tasks: spec.tasks, href },
      202,
    )
  },
)

async function loadSpec(bucket: R2Bucket, id: string): Promise<JobSpec> {
  if (!JOB_ID.test(id)) {
    throw invalidRequest(`'${id.slice(0, 60)}' is not a job id`, {
      errors: [{ path: 'param.id', message: 'not a job id' }],
    })
  }
  const spec = await getJobSpec(bucket, id)
  if (!spec) {
    throw new ProblemError({
      type: 'about:blank',
      title: 'Not Found',
      status: 404,
      detail: `no job ${id} (deleted, or expired by the bucket's lifecycle rule)`,
    })
  }
  return spec
}

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
    const result = await getJobResult(c.env.FLOW_ARCHIVE, spec.id)
    const created = Date.parse(spec.created)
    if (result) {
      if (wantsText(c, undefined, [])) return c.text(renderJobText(spec, result), 200)
      return c.json(
        {
          id: spec.id,
          state: 'done' as const,
          created: spec.created,
          finished: result.finished,
          elapsedMs: Date.parse(result.finished) - created,
          filesTotal: spec.filesTotal,
          filesDone: result.totals.files,
          filesFailed: result.totals.filesFailed,
          flowsScanned: result.totals.flowsScanned,
          tasks: spec.tasks,
          tasksDone: spec.tasks,
          query: spec.asked,
          result: result as unknown as Record<string, unknown>,
        },
        200,
      )
    }
    const progress = await jobProgress(c.env.FLOW_ARCHIVE, spec.id)
    const status = {
      id: spec.id,
      state: progress.tasksDone > 0 ? ('running' as const) : ('queued' as const),
      created: spec.created,
      elapsedMs: Date.now() - created,
      filesTotal: spec.filesTotal,
      filesDone: progress.files,
      filesFailed: progress.failed,
      flowsScanned: progress.flows,
      tasks: spec.tasks,
      tasksDone: progress.tasksDone,
      query: spec.asked,
    }
    if (wantsText(c, undefined, [])) {
      return c.text(
        `# job ${spec.id}: ${status.state}, ${status.filesDone}/${status.filesTotal} files, ${status.flowsScanned} flows read, ${status.elapsedMs} ms\n`,
        200,
      )
    }
    return c.json(status, 200)
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
    if (spec.output !== 'flows') {
      throw new ProblemError({
        type: '/problems/job-conflict',
        title: 'No flow output',
        status: 409,
        detail: `job ${spec.id} asked for output=${spec.output}; start one with output=flows`,
      })
    }
    if (!(await getJobResult(c.env.FLOW_ARCHIVE, spec.id))) {
      throw new ProblemError({
        type: '/problems/job-conflict',
        title: 'Job still running',
        status: 409,
        detail: `job ${spec.id} has not finished: poll /flows/jobs/${spec.id}`,
      })
    }
    const stream = await flowOutputStream(c.env.FLOW_ARCHIVE, spec.id, spec.tasks)
    const type = spec.flowFormat === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson'
    // A streamed CSV/NDJSON body has no typed-response helper (they know JSON and text/plain);
    // the status and media types are the documented ones.
    return new Response(stream, { status: 200, headers: { 'content-type': type } }) as never
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
