// Archive queries end to end in workerd: Miniflare's local R2 and Queue, the Worker's own
// queue() consumer. A month of synthetic daily files is stored, the seed's intrusion question is
// asked as one job, and its answer is checked against the single-request analyzer, file by file.
import { beforeAll, describe, expect, it } from 'vitest'
import {
  dayFile,
  dayName,
  FIRST_IRC,
  IRC_SERVER,
  SECOND_SERVER,
  VICTIM,
} from '../support/month-archive'
import { call, problemOf } from './helpers'

const DAYS = 30
const ROUTER = 'rtr8'
const files: Uint8Array[] = []

type Job = {
  id: string
  state: string
  filesTotal: number
  filesDone: number
  filesFailed: number
  flowsScanned: number
  tasks: number
  tasksDone: number
  elapsedMs: number
  result?: {
    totals: Record<string, number | string | null>
    failures: { name: string; error: string }[]
    files: { name: string; matched: number; flows: number }[]
    timeline: {
      firstSeen: { time: string; srcaddr: string; dstaddr: string; dstport: number } | null
      buckets: { start: string; flows: number }[]
    }
    top: Record<string, { key: string; flows: number; octets: number }[]>
    approximate: Record<string, number>
    flows?: { href: string; cutFiles: string[] }
  }
}

async function startJob(body: Record<string, unknown>): Promise<Response> {
  return call('/flows/archive/query', {
    method: 'POST',
    token: true,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
}

async function waitForJob(id: string, ms = 60_000): Promise<Job> {
  const until = Date.now() + ms
  for (;;) {
    const res = await call(`/flows/jobs/${id}`, { token: true })
    expect(res.status).toBe(200)
    const job = (await res.json()) as Job
    if (job.state === 'done' || Date.now() > until) return job
    await new Promise((r) => setTimeout(r, 200))
  }
}

beforeAll(async () => {
  for (let d = 0; d < DAYS; d++) {
    const body = await dayFile(d)
    files.push(body)
    const res = await call(`/flows/archive/${ROUTER}/${dayName(d)}`, {
      method: 'PUT',
      token: true,
      body,
      headers: { 'content-length': String(body.length) },
    })
    expect(res.status, await res.clone().text()).toBe(201)
  }
}, 120_000)

describe('POST /flows/archive/query', () => {
  it("answers the seed's question over a month in one job, as the analyzer does file by file", async () => {
    const res = await startJob({
      from: '2010-10-15T00:00:00Z',
      to: '2010-11-13T23:59:59Z',
      routers: [ROUTER],
      expr: 'port 6667 or port 7000',
      output: 'timeline',
    })
    expect(res.status).toBe(202)
    const created = (await res.json()) as { id: string; filesTotal: number; href: string }
    expect(created.filesTotal).toBe(DAYS)
    expect(res.headers.get('location')).toBe(created.href)
    const job = await waitForJob(created.id)
    expect(job.state).toBe('done')
    expect(job.filesDone).toBe(DAYS)
    expect(job.filesFailed).toBe(0)
    const r = job.result
    if (!r) throw new Error('no result')
    expect(r.timeline.firstSeen).toMatchObject({
      time: FIRST_IRC,
      srcaddr: VICTIM,
      dstaddr: IRC_SERVER,
      dstport: 6667,
    })
    // The day it first appears is the first day bucket.
    expect(r.timeline.buckets[0]?.start).toBe('2010-11-09T00:00:00.000Z')
    const pairs = r.top.pair?.map((p) => p.key)
    expect(pairs).toEqual(
      expect.arrayContaining([`${VICTIM} -> ${IRC_SERVER}`, `${VICTIM} -> ${SECOND_SERVER}`]),
    )
    expect(r.approximate).toEqual({})

    // The single-request analyzer, file by file, must agree on every count and the first flow.
    let matched = 0
    let scanned = 0
    let first: string | undefined
    for (let d = 0; d < DAYS; d++) {
      const one = await call(
        `/flows/timeline?expr=${encodeURIComponent('port 6667 or port 7000')}`,
        {
          method: 'POST',
          body: files[d] ?? null,
        },
      )
      expect(one.status).toBe(200)
      const t = (await one.json()) as {
        flows: number
        firstSeen: { time: string } | null
        files: { flows: number; matched: number }[]
      }
      matched += t.flows
      scanned += t.files[0]?.flows ?? 0
      expect(r.files[d]).toMatchObject({ name: dayName(d), matched: t.files[0]?.matched })
      if (t.firstSeen && (first === undefined || t.firstSeen.time < first)) first = t.firstSeen.time
    }
    expect(r.totals.matched).toBe(matched)
    expect(r.totals.flowsScanned).toBe(scanned)
    expect(job.flowsScanned).toBe(scanned)
    expect(first).toBe(FIRST_IRC)

    const text = await call(`/flows/jobs/${created.id}`, {
      token: true,
      headers: { accept: 'text/plain' },
    })
    expect(await text.text()).toContain(`# first seen: 2010-11-09 01:25:41 UTC  ${VICTIM}:`)
  }, 120_000)

  it('gives the matching flows as CSV, file after file, with a per-file limit', async () => {
    const res = await startJob({
      from: '2010-11-09T00:00:00Z',
      to: '2010-11-13T23:59:59Z',
      routers: [ROUTER],
      def: [`ip-addr:ADDR=${VICTIM}`],
      expr: 'port 6667 or port 7000',
      output: 'flows',
      limit: 3,
    })
    expect(res.status).toBe(202)
    const { id } = (await res.json()) as { id: string }
    const early = await call(`/flows/jobs/${id}/flows`, { token: true })
    // Either still running (409) or already done: never a partial answer passed off as whole.
    if (early.status !== 200) expect(early.status).toBe(409)
    else await early.body?.cancel()
    const job = await waitForJob(id)
    // An id copied in upper case is the same job.
    expect((await call(`/flows/jobs/${id.toUpperCase()}`, { token: true })).status).toBe(200)
    // Every day from the 9th has more than 3 IRC flows: each file is cut, and says so.
    expect(job.result?.flows?.cutFiles).toEqual([25, 26, 27, 28, 29].map((d) => dayName(d)))
    const out = await call(`/flows/jobs/${id}/flows`, { token: true })
    expect(out.headers.get('content-type')).toContain('text/csv')
    const lines = (await out.text()).trimEnd().split('\n')
    expect(lines[0]).toMatch(/^#:unix_secs,/)
    // The flows, then one line per cut file: the download says what it leaves out.
    expect(lines).toHaveLength(1 + 5 * 3 + 5)
    expect(lines.slice(1, 16).every((l) => l.includes(VICTIM))).toBe(true)
    expect(lines.slice(16)).toEqual(
      [25, 26, 27, 28, 29].map(
        (d) => `# CUT: "${dayName(d)}": only its first 3 matching flows are here (limit)`,
      ),
    )
  }, 120_000)

  it('refuses a body over 2 MiB with 413, unread past the cap', async () => {
    const res = await startJob({ from: '2010-11-09', to: '2010-11-10', pad: 'x'.repeat(2_200_000) })
    expect(res.status).toBe(413)
    expect(await problemOf(res)).toMatchObject({
      type: '/problems/body-too-large',
      detail: 'an archive query body may be at most 2097152 bytes',
    })
  })

  it('refuses bad queries before queueing anything', async () => {
    const badFilter = await startJob({
      from: '2010-11-09',
      to: '2010-11-10',
      routers: [ROUTER],
      expr: 'port and and',
    })
    expect(badFilter.status).toBe(422)
    expect((await problemOf(badFilter)).detail).toMatch(/column/)

    const none = await startJob({ from: '2001-01-01', to: '2001-01-02', routers: [ROUTER] })
    expect(none.status).toBe(422)
    expect((await problemOf(none)).detail).toContain('no archived file of rtr8')

    const badRouter = await startJob({ from: '2010-11-09', to: '2010-11-10', routers: ['../x'] })
    expect(badRouter.status).toBe(422)

    // A misspelt key would run an unfiltered query over the archive.
    const misspelt = await startJob({
      from: '2010-11-09',
      to: '2010-11-10',
      routers: [ROUTER],
      exp: 'port 6667',
    })
    expect(misspelt.status).toBe(422)
    expect(JSON.stringify(await problemOf(misspelt))).toContain('exp')

    // Errors name the place in the JSON body the value came from.
    const reversed = await startJob({ from: '2010-11-10', to: '2010-11-09', routers: [ROUTER] })
    expect(reversed.status).toBe(422)
    expect(await problemOf(reversed)).toMatchObject({ errors: [{ path: 'body.from' }] })
    const notTime = await startJob({ from: '2010-11-09', to: 'soon', routers: [ROUTER] })
    expect(await problemOf(notTime)).toMatchObject({ errors: [{ path: 'body.to' }] })
    const badDef = await startJob({
      from: '2010-11-09',
      to: '2010-11-10',
      routers: [ROUTER],
      def: ['ok', 'bad:=x'],
    })
    expect(badDef.status).toBe(422)
    expect(await problemOf(badDef)).toMatchObject({
      code: 'bad_def',
      errors: [{ path: 'body.def.1' }],
    })

    const noToken = await call('/flows/archive/query', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    })
    expect(noToken.status).toBe(401)

    const unknown = await call('/flows/jobs/0f8fad5b-d9cb-469f-a165-70867728950e', { token: true })
    expect(unknown.status).toBe(404)
    const notId = await call('/flows/jobs/nope', { token: true })
    expect(notId.status).toBe(422)
  })
})
