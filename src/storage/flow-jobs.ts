import type { JobSpec } from '../jobs/job'
import type { Partial } from '../jobs/partial'
import type { JobResult } from '../jobs/result'
import type { FlowChunk, PartialFacts } from '../jobs/runner'

/**
 * Archive-query jobs in R2, next to the archive (the only code that touches these keys):
 *
 *   jobs/v1/{id}/job.json                      the spec, written once at submit
 *   jobs/v1/{id}/L{level}/{group}/{index}      partial results; a merge group is one prefix
 *   jobs/v1/{id}/out/{task}                    matching flows of a task (output=flows)
 *   jobs/v1/{id}/result.json                   the answer
 *   jobs/v1/{id}/failed.json                   why the job cannot finish (a step out of retries)
 *
 * Every key is written by whoever computes it, always with the same content: re-deliveries
 * rewrite identical bytes, never add. Partials carry their counts as custom metadata so the
 * job's progress is a listing, not a read of every partial.
 */

const pad = (n: number) => String(n).padStart(6, '0')
const jobPrefix = (id: string) => `jobs/v1/${id}/`
const partialKey = (id: string, level: number, group: number, index: number) =>
  `${jobPrefix(id)}L${level}/${pad(group)}/${pad(index)}`
const groupPrefix = (id: string, level: number, group: number) =>
  `${jobPrefix(id)}L${level}/${pad(group)}/`
const outKey = (id: string, task: number) => `${jobPrefix(id)}out/${pad(task)}`

/** A job's JSON documents in R2: its spec, partials, result and failure. */
async function putJson(bucket: R2Bucket, key: string, value: unknown): Promise<void> {
  await bucket.put(key, JSON.stringify(value), {
    httpMetadata: { contentType: 'application/json' },
  })
}

async function getJson<T>(bucket: R2Bucket, key: string): Promise<T | null> {
  const o = await bucket.get(key)
  return o ? ((await o.json()) as T) : null
}

export async function putJobSpec(bucket: R2Bucket, spec: JobSpec): Promise<void> {
  await putJson(bucket, `${jobPrefix(spec.id)}job.json`, spec)
}

export async function getJobSpec(bucket: R2Bucket, id: string): Promise<JobSpec | null> {
  return getJson<JobSpec>(bucket, `${jobPrefix(id)}job.json`)
}

export async function hasPartial(
  bucket: R2Bucket,
  id: string,
  level: number,
  index: number,
  fanIn: number,
): Promise<boolean> {
  return (await bucket.head(partialKey(id, level, Math.floor(index / fanIn), index))) !== null
}

export async function getPartial(
  bucket: R2Bucket,
  id: string,
  level: number,
  index: number,
  fanIn: number,
): Promise<Partial | null> {
  return getJson<Partial>(bucket, partialKey(id, level, Math.floor(index / fanIn), index))
}

export async function putPartial(
  bucket: R2Bucket,
  id: string,
  level: number,
  index: number,
  fanIn: number,
  p: Partial,
  facts: PartialFacts,
): Promise<void> {
  await bucket.put(partialKey(id, level, Math.floor(index / fanIn), index), JSON.stringify(p), {
    customMetadata: {
      files: String(facts.files),
      failed: String(facts.failed),
      flows: String(facts.flows),
    },
  })
}

export async function countGroup(
  bucket: R2Bucket,
  id: string,
  level: number,
  group: number,
): Promise<number> {
  // A group holds at most FAN_IN (32) partials: one list call.
  const page = await bucket.list({ prefix: groupPrefix(id, level, group), limit: 1000 })
  return page.objects.length
}

/** Files done, failed and flows read so far: the level-0 partials' metadata. */
export async function jobProgress(
  bucket: R2Bucket,
  id: string,
): Promise<{ tasksDone: number; files: number; failed: number; flows: number }> {
  const out = { tasksDone: 0, files: 0, failed: 0, flows: 0 }
  let cursor: string | undefined
  for (;;) {
    const page = await bucket.list({
      prefix: `${jobPrefix(id)}L0/`,
      include: ['customMetadata'],
      limit: 1000,
      ...(cursor ? { cursor } : {}),
    })
    for (const o of page.objects) {
      const m = o.customMetadata ?? {}
      out.tasksDone++
      out.files += Number(m.files ?? 0)
      out.failed += Number(m.failed ?? 0)
      out.flows += Number(m.flows ?? 0)
    }
    if (!page.truncated) return out
    cursor = page.cursor
  }
}

export async function putJobResult(bucket: R2Bucket, id: string, r: JobResult): Promise<void> {
  await putJson(bucket, `${jobPrefix(id)}result.json`, r)
}

export async function getJobResult(bucket: R2Bucket, id: string): Promise<JobResult | null> {
  return getJson<JobResult>(bucket, `${jobPrefix(id)}result.json`)
}

/** A step that ran out of retries: the job stops here, and says so instead of "running". */
export type JobFailure = { step: string; error: string; attempts: number; at: string }

export async function putJobFailure(bucket: R2Bucket, id: string, f: JobFailure): Promise<void> {
  await putJson(bucket, `${jobPrefix(id)}failed.json`, f)
}

export async function getJobFailure(bucket: R2Bucket, id: string): Promise<JobFailure | null> {
  return getJson<JobFailure>(bucket, `${jobPrefix(id)}failed.json`)
}

export async function putFlowChunk(
  bucket: R2Bucket,
  id: string,
  task: number,
  chunk: FlowChunk,
): Promise<void> {
  await bucket.put(outKey(id, task), chunk.text, { customMetadata: { head: chunk.head } })
}

/**
 * The matching flows of a finished job as one stream: the header line of the first chunk that
 * has one, then every task's flows in job order, one object at a time.
 */
export async function flowOutputStream(
  bucket: R2Bucket,
  id: string,
  tasks: number,
): Promise<ReadableStream<Uint8Array>> {
  let head = ''
  for (let t = 0; t < tasks && head === ''; t++) {
    const o = await bucket.head(outKey(id, t))
    head = o?.customMetadata?.head ?? ''
  }
  const encoder = new TextEncoder()
  async function* chunks(): AsyncGenerator<Uint8Array> {
    if (head) yield encoder.encode(head)
    for (let t = 0; t < tasks; t++) {
      const o = await bucket.get(outKey(id, t))
      if (!o) throw new Error(`flow output ${t} of job ${id} is missing`)
      // Object by object, chunk by chunk: memory stays flat whatever the job's output size.
      const reader = o.body.getReader()
      for (;;) {
        const r = await reader.read()
        if (r.done) break
        yield r.value
      }
    }
  }
  const it = chunks()
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const r = await it.next()
      if (r.done) controller.close()
      else controller.enqueue(r.value)
    },
    async cancel() {
      await it.return(undefined)
    },
  })
}

/** Removes every object of a job (at most 1000 per call; returns whether more remain). */
export async function deleteJob(bucket: R2Bucket, id: string): Promise<boolean> {
  const page = await bucket.list({ prefix: jobPrefix(id), limit: 1000 })
  if (page.objects.length > 0) await bucket.delete(page.objects.map((o) => o.key))
  return page.truncated
}
