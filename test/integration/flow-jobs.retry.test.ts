// The archive-query consumer under failure, driven message by message through the Worker's own
// queue() handler with the real local R2: a consumer that throws once is retried and counts
// exactly once; re-delivered and duplicated messages never double-count; a file that keeps
// failing, or is corrupt, is reported by name with its error, and the job still finishes.
import { createExecutionContext, createMessageBatch, getQueueResult } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import worker from '../../src/index'
import { type JobMessage, type JobSpec, taskMessages } from '../../src/jobs/job'
import { putJobSpec } from '../../src/storage/flow-jobs'
import { dayFile, dayName } from '../support/month-archive'
import { call } from './helpers'

type Listing = { files: { name: string; key: string; size: number; flows?: number }[] }

async function store(router: string, days: number[], corrupt?: number): Promise<Listing['files']> {
  for (const d of days) {
    const body = await dayFile(d, 200)
    const res = await call(`/flows/archive/${router}/${dayName(d)}`, {
      method: 'PUT',
      token: true,
      body,
      headers: { 'content-length': String(body.length) },
    })
    expect(res.status).toBe(201)
    if (d === corrupt) {
      // An upload is read through before it is kept, so the damage comes after: bit rot, or a
      // file stored before uploads were checked. Past the header: the zlib stream breaks, the
      // header still sniffs fine.
      const { key } = (await res.json()) as { key: string }
      const object = await env.FLOW_ARCHIVE.head(key)
      for (let i = 200; i < 260; i++) body[i] = 0xff
      await env.FLOW_ARCHIVE.put(key, body, {
        ...(object?.customMetadata ? { customMetadata: object.customMetadata } : {}),
      })
    }
  }
  const res = await call(`/flows/archive?router=${router}&from=2010-10-01&to=2010-12-01`, {
    token: true,
  })
  return ((await res.json()) as Listing).files
}

/** A job over the stored files, with its task messages handed back instead of queued. */
async function makeJob(router: string, stored: Listing['files']) {
  const id = crypto.randomUUID()
  const refs = stored.map((f, index) => ({ index, router, name: f.name, key: f.key, size: f.size }))
  const messages = taskMessages(id, refs)
  const spec: JobSpec = {
    id,
    created: new Date().toISOString(),
    from: 0,
    to: 2 ** 31,
    routers: [router],
    filter: { stages: [] },
    asked: {},
    output: 'summary',
    bucket: 'day',
    sort: 'octets',
    top: 10,
    flowFormat: 'csv',
    flowLimit: 10,
    filesTotal: refs.length,
    bytesTotal: 0,
    tasks: messages.length,
    groupSize: 1,
  }
  await putJobSpec(env.FLOW_ARCHIVE, spec)
  return { id, messages }
}

/** The Worker's env with a bucket whose get() of `failKey` throws `times` times, and a queue that records. */
function harness(failKey: string | undefined, times: number) {
  const sent: JobMessage[] = []
  let failures = 0
  const bucket = new Proxy(env.FLOW_ARCHIVE, {
    get(target, prop) {
      if (prop === 'get') {
        return async (key: string, options?: R2GetOptions) => {
          if (key === failKey && failures < times) {
            failures++
            throw new Error('R2 read failed (injected)')
          }
          return target.get(key, options)
        }
      }
      const v = Reflect.get(target, prop)
      return typeof v === 'function' ? v.bind(target) : v
    },
  })
  const queue = {
    async send(body: JobMessage) {
      sent.push(body)
    },
    async sendBatch(batch: { body: JobMessage }[]) {
      for (const m of batch) sent.push(m.body)
    },
  } as unknown as Queue
  const testEnv = { ...env, FLOW_ARCHIVE: bucket, FLOW_JOBS: queue, FLOW_JOB_ATTEMPTS: '3' }
  let n = 0
  async function deliver(body: JobMessage, attempts = 1) {
    const batch = createMessageBatch<JobMessage>('edgeping-flow-jobs', [
      { id: `m${n++}`, timestamp: new Date(), attempts, body },
    ])
    const ctx = createExecutionContext()
    const queue = worker.queue as ExportedHandlerQueueHandler<Env, JobMessage>
    await queue(batch, testEnv, ctx)
    const r = await getQueueResult(batch, ctx)
    return r.retryMessages.length > 0 ? 'retry' : r.explicitAcks.length > 0 ? 'ack' : 'none'
  }
  return { sent, deliver }
}

async function jobStatus(id: string) {
  const res = await call(`/flows/jobs/${id}`, { token: true })
  expect(res.status).toBe(200)
  return (await res.json()) as {
    state: string
    created: string
    finished?: string
    elapsedMs: number
    filesDone: number
    filesFailed: number
    flowsScanned: number
    tasksDone: number
    result?: {
      totals: { flowsScanned: number; matched: number; filesFailed: number }
      failures: { name: string; error: string; code: string; offset?: number; attempts: number }[]
    }
  }
}

describe('archive-query consumer', () => {
  it('retries a consumer that throws once, and counts every file exactly once', async () => {
    const stored = await store('retry1', [0, 1, 2])
    const flows = stored.reduce((n, f) => n + (f.flows ?? 0), 0)
    expect(flows).toBe(600)
    const { id, messages } = await makeJob('retry1', stored)
    const [t0, t1, t2] = messages as [JobMessage, JobMessage, JobMessage]
    const q = harness(stored[1]?.key, 1)

    expect(await q.deliver(t1)).toBe('retry')
    expect((await jobStatus(id)).tasksDone).toBe(0)
    expect(await q.deliver(t1, 2)).toBe('ack')
    expect(await q.deliver(t0)).toBe('ack')
    expect(await q.deliver(t2)).toBe('ack')
    // The Queue may deliver a message again after it was handled: nothing may change.
    expect(await q.deliver(t1)).toBe('ack')
    expect(await q.deliver(t0, 2)).toBe('ack')
    const running = await jobStatus(id)
    expect(running).toMatchObject({ state: 'running', filesDone: 3, flowsScanned: flows })

    // Every merge message, duplicates included, is delivered; the answer counts each file once.
    const merges = q.sent.filter((m) => m.kind === 'merge')
    expect(merges.length).toBeGreaterThanOrEqual(1)
    for (const m of merges) expect(await q.deliver(m)).toBe('ack')
    for (const m of merges) expect(await q.deliver(m, 2)).toBe('ack')
    const done = await jobStatus(id)
    expect(done.state).toBe('done')
    expect(done.result?.totals).toMatchObject({
      flowsScanned: flows,
      matched: flows,
      filesFailed: 0,
    })
  })

  it('reports a file that keeps failing after the last attempt, and a corrupt one at once', async () => {
    const stored = await store('retry2', [3, 4, 5], 5)
    const { id, messages } = await makeJob('retry2', stored)
    const q = harness(stored[0]?.key, 99)
    const [t0, t1, t2] = messages as [JobMessage, JobMessage, JobMessage]
    expect(await q.deliver(t0, 1)).toBe('retry')
    expect(await q.deliver(t0, 2)).toBe('retry')
    expect(await q.deliver(t0, 3)).toBe('ack')
    expect(await q.deliver(t1)).toBe('ack')
    // Corrupt records: retrying cannot help, so the first delivery records it.
    expect(await q.deliver(t2)).toBe('ack')
    for (const m of q.sent.filter((m) => m.kind === 'merge')) await q.deliver(m)
    const done = await jobStatus(id)
    expect(done.state).toBe('done')
    expect(done.filesFailed).toBe(2)
    const failures = done.result?.failures ?? []
    expect(failures.map((f) => f.name)).toEqual([dayName(3), dayName(5)])
    expect(failures[0]).toMatchObject({ code: 'unreadable', attempts: 3 })
    expect(failures[0]?.error).toContain('injected')
    expect(failures[1]).toMatchObject({ code: 'corrupt_zlib', attempts: 1 })
    expect(failures[1]?.offset).toBeTypeOf('number')
    const text = await call(`/flows/jobs/${id}`, { token: true, headers: { accept: 'text/plain' } })
    expect(await text.text()).toContain(`# FAILED retry2/${dayName(5)}:`)
  })

  it('marks the job failed, with the step and its error, when a merge runs out of retries', async () => {
    const stored = await store('retry3', [6, 7])
    const { id, messages } = await makeJob('retry3', stored)
    const [t0, t1] = messages as [JobMessage, JobMessage]
    // The first level-0 partial cannot be read back: every merge attempt fails.
    const q = harness(`jobs/v1/${id}/L0/000000/000000`, 99)
    expect(await q.deliver(t0)).toBe('ack')
    expect(await q.deliver(t1)).toBe('ack')
    const merge = q.sent.find((m) => m.kind === 'merge')
    if (!merge) throw new Error('no merge message was sent')
    expect(await q.deliver(merge, 1)).toBe('retry')
    expect(await q.deliver(merge, 2)).toBe('retry')
    expect((await jobStatus(id)).state).toBe('running')
    expect(await q.deliver(merge, 3)).toBe('ack')
    const failed = (await jobStatus(id)) as { state: string; error?: string }
    expect(failed.state).toBe('failed')
    expect(failed.error).toMatch(/^merge of level-0 group 0 failed 3 times: .*injected/)
    // A failed job's elapsed time stops at its failure: read again later, it is the same.
    const first = await jobStatus(id)
    expect(first.finished).toBeDefined()
    expect(first.elapsedMs).toBe(Date.parse(first.finished ?? '') - Date.parse(first.created))
    await new Promise((r) => setTimeout(r, 30))
    expect((await jobStatus(id)).elapsedMs).toBe(first.elapsedMs)
    const text = await call(`/flows/jobs/${id}`, { token: true, headers: { accept: 'text/plain' } })
    expect(await text.text()).toContain('# merge of level-0 group 0 failed 3 times')
  })
})
