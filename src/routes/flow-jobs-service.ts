import { z } from '@hono/zod-openapi'
import type { AppEnv } from '../env'
import { checkRouter } from '../flows/archive/archive-index'
import { compileFilterChain } from '../flows/filter/index'
import { buildFilterSpec, FilterParamError, parseDefinitionParam } from '../flows/filter-spec'
import { TIMELINE_BUCKETS } from '../flows/report/timeline'
import { TOP_SORTS } from '../flows/report/top-talkers'
import { invalidRequest, ProblemError } from '../http/problem'
import {
  FLOW_OUTPUT_FORMATS,
  groupSizeFor,
  JOB_ID,
  JOB_OUTPUTS,
  type JobFileRef,
  type JobSpec,
  type JobStatus,
  jobElapsedMs,
  MAX_JOB_FILES,
  taskMessages,
} from '../jobs/job'
import { flowsTrailer, type JobResult } from '../jobs/result'
import { sendJobMessages } from '../ports/flow-jobs'
import { type ArchivedFile, byStart, listFlowFiles } from '../storage/flow-archive'
import {
  flowOutputStream,
  getJobFailure,
  getJobResult,
  getJobSpec,
  jobProgress,
  putJobSpec,
} from '../storage/flow-jobs'
import { timeRange } from './flow-archive'
import { savedFilterConfig } from './flows-upload'

/**
 * Starting and reading archive query jobs: one code path for the API (JSON) and the dashboard's
 * forms, so a query started from a page is checked and fanned out exactly like a curl one.
 */

export const QueryBody = z
  .object({
    from: z.union([z.string(), z.number().int()]).openapi({
      example: '2010-10-15T00:00:00Z',
      description: 'ISO 8601 or unix seconds; flows that START at or after it count',
    }),
    to: z.union([z.string(), z.number().int()]).openapi({
      example: '2010-11-15T00:00:00Z',
      description:
        'ISO 8601 or unix seconds; flows that START in this second or before count. A date alone is that midnight, not included (from 2010-11-09 to 2010-11-10 is the day 2010-11-09), as timeRange reads it',
    }),
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
  // A misspelt key (exp for expr) would run another query than the one meant: refused.
  .strict()
  .openapi('ArchiveQuery')

export type ArchiveQuery = z.infer<typeof QueryBody>

export type StartedJob = {
  id: string
  state: 'queued'
  filesTotal: number
  tasks: number
  href: string
}

type Env = AppEnv['Bindings']

/**
 * Checks the query (range, routers, filter: a bad filter is a 422 now, not a failure in every
 * consumer later), lists the files, stores the job's spec and queues its tasks.
 */
export async function startArchiveQuery(env: Env, q: ArchiveQuery): Promise<StartedJob> {
  // The range comes in the JSON body (or the dashboard's form body): errors name body.from.
  const { from, to } = timeRange(String(q.from), String(q.to), 'body')
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
      : await savedFilterConfig(env.EDGEPING_KV, q.filters, 'body.filters')
  if (q.filterCfg !== undefined)
    config = config === undefined ? q.filterCfg : `${config}\n${q.filterCfg}`
  // Each def is checked here, so a bad one names its place in the body (body.def.1); left to
  // buildFilterSpec, the shared error mapping names query.def, the place GET /flows uses.
  for (const [i, d] of (q.def ?? []).entries()) {
    try {
      parseDefinitionParam(d)
    } catch (err) {
      if (!(err instanceof FilterParamError)) throw err
      throw invalidRequest(err.message, {
        code: 'bad_def',
        errors: [{ path: `body.def.${i}`, message: err.message }],
      })
    }
  }
  const filter = buildFilterSpec(q.def ?? [], q.expr, config)
  compileFilterChain(filter)

  const listed: ArchivedFile[] = []
  for (const router of [...new Set(q.routers)]) {
    const listing = await listFlowFiles(
      env.FLOW_ARCHIVE,
      router,
      from,
      to,
      MAX_JOB_FILES - listed.length,
    )
    if (listing.truncated) {
      throw invalidRequest(
        `more than ${MAX_JOB_FILES} archived files meet the range: narrow it or split the query`,
      )
    }
    listed.push(...listing.files)
  }
  // Oldest first across routers, as a listing is: the job's file order (first seen, output).
  listed.sort(byStart)
  const files: JobFileRef[] = []
  const versions = new Set<string>()
  let bytes = 0
  for (const f of listed) {
    files.push({ index: files.length, router: f.router, name: f.name, key: f.key, size: f.size })
    versions.add(f.recordVersion)
    bytes += f.size
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
  await putJobSpec(env.FLOW_ARCHIVE, spec)
  await sendJobMessages(env.FLOW_JOBS, messages)
  return {
    id,
    state: 'queued',
    filesTotal: files.length,
    tasks: spec.tasks,
    href: `/flows/jobs/${id}`,
  }
}

/** The job's spec, or a 422 (not a job id) / 404 (unknown or expired) problem. */
export async function loadSpec(bucket: R2Bucket, given: string): Promise<JobSpec> {
  // Ids are handed out in lower case; one copied in upper case is the same id.
  const id = given.toLowerCase()
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

/** Where a job stands: its result when done, else the progress its finished tasks recorded. */
export async function jobStatus(
  bucket: R2Bucket,
  spec: JobSpec,
  now = Date.now(),
): Promise<{ status: JobStatus; result: JobResult | null }> {
  const result = await getJobResult(bucket, spec.id)
  if (result) {
    return {
      result,
      status: {
        id: spec.id,
        state: 'done',
        created: spec.created,
        finished: result.finished,
        elapsedMs: jobElapsedMs(spec.created, result.finished, now),
        filesTotal: spec.filesTotal,
        filesDone: result.totals.files,
        filesFailed: result.totals.filesFailed,
        flowsScanned: result.totals.flowsScanned,
        tasks: spec.tasks,
        tasksDone: spec.tasks,
        query: spec.asked,
      },
    }
  }
  const [progress, failure] = await Promise.all([
    jobProgress(bucket, spec.id),
    getJobFailure(bucket, spec.id),
  ])
  return {
    result: null,
    status: {
      id: spec.id,
      state: failure ? 'failed' : progress.tasksDone > 0 ? 'running' : 'queued',
      ...(failure
        ? {
            finished: failure.at,
            error: `${failure.step} failed ${failure.attempts} times: ${failure.error}`,
          }
        : {}),
      created: spec.created,
      // A failed job ended at its failure: its time stops there.
      elapsedMs: jobElapsedMs(spec.created, failure?.at, now),
      filesTotal: spec.filesTotal,
      filesDone: progress.files,
      filesFailed: progress.failed,
      flowsScanned: progress.flows,
      tasks: spec.tasks,
      tasksDone: progress.tasksDone,
      query: spec.asked,
    },
  }
}

/** The matching flows of a finished output=flows job, streamed; 409 when there are none yet. */
export async function jobFlowsResponse(bucket: R2Bucket, spec: JobSpec): Promise<Response> {
  if (spec.output !== 'flows') {
    throw new ProblemError({
      type: '/problems/job-conflict',
      title: 'No flow output',
      status: 409,
      detail: `job ${spec.id} asked for output=${spec.output}; start one with output=flows`,
    })
  }
  const result = await getJobResult(bucket, spec.id)
  if (!result) {
    throw new ProblemError({
      type: '/problems/job-conflict',
      title: 'Job still running',
      status: 409,
      detail: `job ${spec.id} has not finished: poll /flows/jobs/${spec.id}`,
    })
  }
  const stream = await flowOutputStream(bucket, spec.id, spec.tasks)
  const csv = spec.flowFormat === 'csv'
  const type = csv ? 'text/csv; charset=utf-8' : 'application/x-ndjson'
  // What the flows leave out, at their end: a download alone never passes for the whole answer.
  const trailer = new TextEncoder().encode(flowsTrailer(result, csv))
  const body =
    trailer.length === 0
      ? stream
      : stream.pipeThrough(
          new TransformStream<Uint8Array, Uint8Array>({
            flush: (controller) => controller.enqueue(trailer),
          }),
        )
  return new Response(body, { status: 200, headers: { 'content-type': type } })
}
