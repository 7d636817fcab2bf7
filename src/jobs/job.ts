import type { FilterStage } from '../flows/filter/index'
import type { TimelineBucket } from '../flows/report/timeline'
import type { TopSort } from '../flows/report/top-talkers'

/**
 * An archive query split into Queue work. The job's files are cut into tasks (one message each:
 * a file, or a small group of files when there are many), each task writes a partial result,
 * and partials are merged FAN_IN at a time, level by level, until one is left: the answer.
 *
 *   level 0: task partials 0..n0-1        (n0 = tasks)
 *   level 1: merges of level-0 groups     (n1 = ceil(n0 / FAN_IN))
 *   ...                                   until a level has one partial
 *
 * Every step is keyed by (job, level, index) and writes the same bytes whenever it runs, so a
 * re-delivered message never counts anything twice.
 */

export const JOB_OUTPUTS = ['summary', 'timeline', 'top', 'flows'] as const
export type JobOutput = (typeof JOB_OUTPUTS)[number]
export const FLOW_OUTPUT_FORMATS = ['csv', 'ndjson'] as const
export type FlowOutputFormat = (typeof FLOW_OUTPUT_FORMATS)[number]

/**
 * Partials merged by one merge message. With 32, a merge reads 32 objects and writes one: well
 * inside the free plan's 50 subrequests per invocation.
 */
export const FAN_IN = 32
/**
 * Messages one query may enqueue. A month of 5-minute files (8,640) becomes 2,000 tasks of up
 * to 5 files; the submitting request sends them 100 per call (20 subrequests).
 */
export const MAX_TASKS = 2000
/** Files one query may cover (a year of 5-minute files from three routers). */
export const MAX_JOB_FILES = 320_000

export type JobFileRef = { index: number; router: string; name: string; key: string; size: number }

/** What a job does, as stored when it is created (the file list travels in the messages). */
export type JobSpec = {
  id: string
  created: string
  from: number
  to: number
  routers: string[]
  /** The filter chain, saved set and filter.cfg already resolved into one spec. */
  filter: { config?: string; stages: FilterStage[] }
  /** The query as asked, for people reading the job. */
  asked: Record<string, unknown>
  output: JobOutput
  bucket: TimelineBucket
  sort: TopSort
  top: number
  flowFormat: FlowOutputFormat
  /** Matching flows written per file for output=flows. */
  flowLimit: number
  filesTotal: number
  bytesTotal: number
  tasks: number
  groupSize: number
}

export type TaskMessage = { kind: 'task'; job: string; task: number; files: JobFileRef[] }
export type MergeMessage = { kind: 'merge'; job: string; level: number; group: number }
export type JobMessage = TaskMessage | MergeMessage

/** Files per task so that a job stays within MAX_TASKS messages. */
export function groupSizeFor(files: number): number {
  return Math.max(1, Math.ceil(files / MAX_TASKS))
}

/** The task messages of a job, files in job order. */
export function taskMessages(job: string, files: readonly JobFileRef[]): TaskMessage[] {
  const g = groupSizeFor(files.length)
  const out: TaskMessage[] = []
  for (let t = 0; t * g < files.length; t++) {
    out.push({ kind: 'task', job, task: t, files: files.slice(t * g, (t + 1) * g) })
  }
  return out
}

/** How many partials level `level` has when level 0 has `tasks`. */
export function levelSize(tasks: number, level: number): number {
  let n = tasks
  for (let l = 0; l < level; l++) n = Math.ceil(n / FAN_IN)
  return n
}

/** The merge group a partial belongs to, and how many partials that group must hold. */
export function groupOf(
  tasks: number,
  level: number,
  index: number,
): { group: number; size: number } {
  const n = levelSize(tasks, level)
  const group = Math.floor(index / FAN_IN)
  return { group, size: Math.min(FAN_IN, n - group * FAN_IN) }
}

/** Job ids are random UUIDs: knowing one is not enough to find another. */
export const JOB_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/

/** Checks a message body from the queue (anything else is dropped with a log line). */
export function parseJobMessage(body: unknown): JobMessage | null {
  if (typeof body !== 'object' || body === null) return null
  const m = body as Record<string, unknown>
  if (typeof m.job !== 'string' || !JOB_ID.test(m.job)) return null
  if (m.kind === 'task' && Number.isSafeInteger(m.task) && Array.isArray(m.files)) {
    return m as TaskMessage
  }
  if (m.kind === 'merge' && Number.isSafeInteger(m.level) && Number.isSafeInteger(m.group)) {
    return m as MergeMessage
  }
  return null
}

/**
 * A job's running time in ms: from `created` to `finished` when it ended (done or failed),
 * else to `now`. A job that has ended keeps the same elapsed time: measured to now, a failed
 * job's time kept growing on every read, as if it were still running.
 */
export function jobElapsedMs(created: string, finished: string | undefined, now: number): number {
  const start = Date.parse(created)
  const end = finished === undefined ? Number.NaN : Date.parse(finished)
  // An unreadable finish time is no reason to report a growing one: the start is then the end.
  return Math.max(0, (finished === undefined ? now : Number.isNaN(end) ? start : end) - start)
}

/** Where a job stands, as GET /flows/jobs/{id} and the job page show it. */
export type JobStatus = {
  id: string
  state: 'queued' | 'running' | 'done' | 'failed'
  /** state failed: the step that ran out of retries, and its last error. */
  error?: string
  created: string
  finished?: string
  elapsedMs: number
  filesTotal: number
  filesDone: number
  filesFailed: number
  flowsScanned: number
  tasks: number
  tasksDone: number
  query: Record<string, unknown>
}
