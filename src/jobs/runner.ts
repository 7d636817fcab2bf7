import { ARCHIVED_FILE_LIMITS } from '../flows/archive/file-check'
import { csvColumns, csvHeader, csvLines } from '../flows/csv-export'
import { compileFilter, FilterError } from '../flows/filter/index'
import { type FlowBatch, type FlowField, type FlowPredicate, fieldSet } from '../flows/flow-batch'
import { type CatEvent, catFlows } from '../flows/flow-cat'
import { FlowLimitError, FlowParseError } from '../flows/flow-errors'
import type { Inflater } from '../flows/inflater'
import { ndjsonLines } from '../flows/ndjson'
import {
  FAN_IN,
  groupOf,
  type JobFileRef,
  type JobMessage,
  type JobSpec,
  levelSize,
  type MergeMessage,
  type TaskMessage,
} from './job'
import {
  ANALYSIS_FIELDS,
  analyzeFile,
  type FileFailure,
  failedPartial,
  mergePartials,
  type Partial,
  startRange,
} from './partial'
import { finishJob, type JobResult } from './result'

/** Facts about a stored partial that a listing shows without reading it. */
export type PartialFacts = { files: number; failed: number; flows: number }

/** Matching flows of one task (output=flows), in file order. */
export type FlowChunk = { head: string; text: string; cut: string[] }

/** What the job runner needs from storage and the queue (bound to R2 + Queues in src/ports). */
export type JobPorts = {
  /** How compressed ft files are inflated (default: DecompressionStream; the Worker: WebAssembly). */
  inflater?: Inflater
  getSpec(job: string): Promise<JobSpec | null>
  hasPartial(job: string, level: number, index: number): Promise<boolean>
  getPartial(job: string, level: number, index: number): Promise<Partial | null>
  putPartial(
    job: string,
    level: number,
    index: number,
    p: Partial,
    facts: PartialFacts,
  ): Promise<void>
  /** How many partials of a merge group are stored. */
  countGroup(job: string, level: number, group: number): Promise<number>
  putResult(job: string, result: JobResult): Promise<void>
  putFlowChunk(job: string, task: number, chunk: FlowChunk): Promise<void>
  /** The archived file's bytes; null when it is gone from the archive. */
  openFile(key: string): Promise<ReadableStream<Uint8Array> | null>
  enqueue(messages: JobMessage[]): Promise<void>
  now(): Date
}

export type Outcome = 'ack' | 'retry'

/**
 * Handles one queue message. `attempts` counts deliveries (1 on the first); on the last one a
 * file that still cannot be read is recorded as failed, so the job finishes and says which file
 * failed and why, instead of hanging or dropping it silently.
 */
export async function handleJobMessage(
  m: JobMessage,
  attempts: number,
  maxAttempts: number,
  ports: JobPorts,
): Promise<Outcome> {
  const spec = await ports.getSpec(m.job)
  // A job deleted (or expired) while messages were in flight: nothing left to do.
  if (!spec) return 'ack'
  if (m.kind === 'task') return runTask(spec, m, attempts, maxAttempts, ports)
  return runMerge(spec, m, ports)
}

/** A file is unreadable for good (retrying changes nothing) or for now (storage, network). */
function permanent(err: unknown): err is FlowParseError | FlowLimitError | FilterError {
  return (
    err instanceof FlowParseError || err instanceof FlowLimitError || err instanceof FilterError
  )
}

async function runTask(
  spec: JobSpec,
  m: TaskMessage,
  attempts: number,
  maxAttempts: number,
  ports: JobPorts,
): Promise<Outcome> {
  // Re-delivered after the partial was stored: only make sure the merge goes on.
  if (await ports.hasPartial(spec.id, 0, m.task)) {
    await advance(spec, 0, m.task, ports)
    return 'ack'
  }
  const filter = compileFilter(spec.filter)
  const keep = filter.predicate
  // Summaries decode what the filter and the four sinks read; a flow output prints every field.
  const reads = spec.output === 'flows' ? undefined : fieldSet(filter.fields, ANALYSIS_FIELDS)
  const parts: Partial[] = []
  const chunk: FlowChunk = { head: '', text: '', cut: [] }
  for (const file of m.files) {
    const mark = chunk.text.length
    try {
      parts.push(await readFile(spec, file, keep, reads, chunk, ports))
    } catch (err) {
      if (!permanent(err) && attempts < maxAttempts) return 'retry'
      // A failed file contributes nothing, not even the flows printed before it broke.
      chunk.text = chunk.text.slice(0, mark)
      parts.push(failedPartial(failure(file, err, attempts)))
    }
  }
  const p = mergePartials(parts, spec.sort)
  p.outputCut = chunk.cut
  // The flows go first: a stored partial means its flow output is there too.
  if (spec.output === 'flows') await ports.putFlowChunk(spec.id, m.task, chunk)
  await ports.putPartial(spec.id, 0, m.task, p, factsOf(p))
  await advance(spec, 0, m.task, ports)
  return 'ack'
}

async function readFile(
  spec: JobSpec,
  file: JobFileRef,
  keep: FlowPredicate,
  reads: ReadonlySet<FlowField> | undefined,
  chunk: FlowChunk,
  ports: JobPorts,
): Promise<Partial> {
  const stream = await ports.openFile(file.key)
  if (!stream) {
    return failedPartial({
      index: file.index,
      router: file.router,
      name: file.name,
      error: 'the file was deleted from the archive after the query started',
      code: 'file_gone',
      attempts: 1,
    })
  }
  const read = catFlows([{ name: file.name, stream }], {
    limits: ARCHIVED_FILE_LIMITS,
    // As the archive took it: an open file ends cut short (its files' truncated says where).
    openFileMayEndCut: true,
    ...(reads ? { decodeFields: () => reads } : {}),
    ...(ports.inflater ? { inflater: ports.inflater } : {}),
  })
  // The CSV's `#:` line comes from the file's record format, not from a match: a job that
  // matches nothing answers the header alone, as POST /flows/print?output=csv does.
  const events =
    spec.output === 'flows' && spec.flowFormat === 'csv' ? withCsvHead(read, chunk) : read
  const label = fileLabel(spec, file)
  let written = 0
  let cut = false
  const onBatch =
    spec.output === 'flows'
      ? (ev: { batch: FlowBatch }, matches: FlowPredicate) => {
          if (written >= spec.flowLimit) {
            cut ||= anyMatch(ev.batch, matches)
            return
          }
          const rows: number[] = []
          for (let i = 0; i < ev.batch.length && written < spec.flowLimit; i++) {
            if (matches(ev.batch, i)) {
              rows.push(i)
              written++
            }
          }
          if (written >= spec.flowLimit) cut ||= anyMatchAfter(ev.batch, matches, rows.at(-1) ?? -1)
          if (rows.length === 0) return
          if (spec.flowFormat === 'csv') {
            const columns = csvColumns(ev.batch.present)
            chunk.text += csvLines(ev.batch, columns, rows)
          } else {
            const picked = new Set(rows)
            chunk.text += ndjsonLines(ev.batch, (_b, i) => picked.has(i), label)
          }
        }
      : undefined
  const p = await analyzeFile(
    file,
    events,
    keep,
    { bucket: spec.bucket, sort: spec.sort, range: startRange(spec.from, spec.to), label },
    onBatch,
  )
  if (cut) chunk.cut.push(label)
  return p
}

/**
 * How a job's output names a file: `router/name` when the job spans several routers (two
 * routers' files often share a flow-capture name), else its bare name as before.
 */
export function fileLabel(spec: Pick<JobSpec, 'routers'>, file: JobFileRef): string {
  return new Set(spec.routers).size > 1 ? `${file.router}/${file.name}` : file.name
}

/** Passes the events on, setting the chunk's CSV header line from the first file opened. */
async function* withCsvHead(
  events: AsyncIterable<CatEvent>,
  chunk: FlowChunk,
): AsyncGenerator<CatEvent> {
  for await (const ev of events) {
    if (ev.kind === 'open') chunk.head ||= csvHeader(csvColumns(ev.file.present))
    yield ev
  }
}

function anyMatch(b: FlowBatch, keep: FlowPredicate): boolean {
  return anyMatchAfter(b, keep, -1)
}

function anyMatchAfter(b: FlowBatch, keep: FlowPredicate, after: number): boolean {
  for (let i = after + 1; i < b.length; i++) if (keep(b, i)) return true
  return false
}

function failure(file: JobFileRef, err: unknown, attempts: number): FileFailure {
  const f: FileFailure = {
    index: file.index,
    router: file.router,
    name: file.name,
    error: err instanceof Error ? err.message : String(err),
    attempts,
  }
  if (err instanceof FlowParseError) {
    f.code = err.code
    f.offset = err.offset
    f.error = `${err.message} (byte ${err.offset}${err.extra.inflated ? ' of the inflated records' : ''})`
  } else if (err instanceof FlowLimitError) f.code = err.code
  else if (err instanceof FilterError) f.code = 'filter'
  else f.code = 'unreadable'
  return f
}

function factsOf(p: Partial): PartialFacts {
  return {
    files: p.files.length + p.failures.length,
    failed: p.failures.length,
    flows: p.flowsScanned,
  }
}

async function runMerge(spec: JobSpec, m: MergeMessage, ports: JobPorts): Promise<Outcome> {
  const level = m.level + 1
  if (!(await ports.hasPartial(spec.id, level, m.group))) {
    const first = m.group * FAN_IN
    const { size } = groupOf(spec.tasks, m.level, first)
    const parts: Partial[] = []
    for (let i = first; i < first + size; i++) {
      const p = await ports.getPartial(spec.id, m.level, i)
      // Cannot happen once the group was counted complete; if storage says otherwise, retry.
      if (!p) throw new Error(`partial ${m.level}/${i} of job ${spec.id} is missing`)
      parts.push(p)
    }
    const merged = mergePartials(parts, spec.sort)
    await ports.putPartial(spec.id, level, m.group, merged, factsOf(merged))
  }
  await advance(spec, level, m.group, ports)
  return 'ack'
}

/**
 * After partial (level, index) is stored: the top partial becomes the result; otherwise, when
 * its group is complete, the group's merge is queued. Writers store before they count, so the
 * last writer of a group always sees it complete (R2 lists are strongly consistent); two
 * writers may both see it and queue the merge twice, which is harmless.
 */
async function advance(
  spec: JobSpec,
  level: number,
  index: number,
  ports: JobPorts,
): Promise<void> {
  if (levelSize(spec.tasks, level) === 1) {
    const top = await ports.getPartial(spec.id, level, 0)
    if (!top) throw new Error(`top partial of job ${spec.id} is missing`)
    await ports.putResult(spec.id, finishJob(spec, top, ports.now()))
    return
  }
  const { group, size } = groupOf(spec.tasks, level, index)
  if ((await ports.countGroup(spec.id, level, group)) >= size) {
    await ports.enqueue([{ kind: 'merge', job: spec.id, level, group }])
  }
}
