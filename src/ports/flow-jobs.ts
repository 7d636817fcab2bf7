import { FAN_IN, type JobMessage, parseJobMessage } from '../jobs/job'
import { handleJobMessage, type JobPorts } from '../jobs/runner'
import {
  countGroup,
  getJobSpec,
  getPartial,
  hasPartial,
  putFlowChunk,
  putJobFailure,
  putJobResult,
  putPartial,
} from '../storage/flow-jobs'
import { workerInflater } from './inflate-wasm'

/** The job runner's ports on the Worker: R2 for partials and files, the Queue for merges. */
export function jobPorts(env: Pick<Env, 'FLOW_ARCHIVE' | 'FLOW_JOBS'>): JobPorts {
  const b = env.FLOW_ARCHIVE
  return {
    inflater: workerInflater,
    getSpec: (job) => getJobSpec(b, job),
    hasPartial: (job, level, index) => hasPartial(b, job, level, index, FAN_IN),
    getPartial: (job, level, index) => getPartial(b, job, level, index, FAN_IN),
    putPartial: (job, level, index, p, facts) => putPartial(b, job, level, index, FAN_IN, p, facts),
    countGroup: (job, level, group) => countGroup(b, job, level, group),
    putResult: (job, r) => putJobResult(b, job, r),
    putFlowChunk: (job, task, chunk) => putFlowChunk(b, job, task, chunk),
    openFile: async (key) => (await b.get(key))?.body ?? null,
    enqueue: (messages) => sendJobMessages(env.FLOW_JOBS, messages),
    now: () => new Date(),
  }
}

/** Queue sends are limited to 100 messages and 256 KB per call: batches stay under both. */
export async function sendJobMessages(queue: Queue, messages: JobMessage[]): Promise<void> {
  const MAX_BYTES = 200_000
  let batch: { body: JobMessage }[] = []
  let bytes = 0
  for (const m of messages) {
    const size = JSON.stringify(m).length + 64
    if (batch.length === 100 || (batch.length > 0 && bytes + size > MAX_BYTES)) {
      await queue.sendBatch(batch)
      batch = []
      bytes = 0
    }
    batch.push({ body: m })
    bytes += size
  }
  if (batch.length > 0) await queue.sendBatch(batch)
}

function describe(m: JobMessage): string {
  return m.kind === 'task' ? `task ${m.task}` : `merge of level-${m.level} group ${m.group}`
}

export function maxAttempts(env: Pick<Env, 'FLOW_JOB_ATTEMPTS'>): number {
  const n = Number(env.FLOW_JOB_ATTEMPTS)
  return Number.isSafeInteger(n) && n >= 1 ? n : 4
}

/** The Worker's queue() handler: each message is acked or retried on its own. */
export async function consumeJobMessages(
  batch: MessageBatch,
  env: Pick<Env, 'FLOW_ARCHIVE' | 'FLOW_JOBS' | 'FLOW_JOB_ATTEMPTS'>,
): Promise<void> {
  const ports = jobPorts(env)
  for (const message of batch.messages) {
    const m = parseJobMessage(message.body)
    if (!m) {
      console.log(`flow jobs: dropped a message that is not a job message (${message.id})`)
      message.ack()
      continue
    }
    try {
      const outcome = await handleJobMessage(m, message.attempts, maxAttempts(env), ports)
      if (outcome === 'ack') message.ack()
      else message.retry({ delaySeconds: 2 })
    } catch (err) {
      // Storage trouble while merging or recording: the step is idempotent, so run it again;
      // out of attempts, the job is marked failed (the Queue would drop the message silently).
      const last = message.attempts >= maxAttempts(env)
      console.log(
        `flow jobs: ${describe(m)} of job ${m.job} failed (attempt ${message.attempts}): ${String(err)}`,
      )
      if (!last) {
        message.retry({ delaySeconds: 2 })
        continue
      }
      try {
        await putJobFailure(env.FLOW_ARCHIVE, m.job, {
          step: describe(m),
          error: String(err instanceof Error ? err.message : err).slice(0, 500),
          attempts: message.attempts,
          at: new Date().toISOString(),
        })
        message.ack()
      } catch {
        message.retry({ delaySeconds: 2 })
      }
    }
  }
}
