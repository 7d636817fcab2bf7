// A job counts only the flows that START in its range: a file holds flows of before its capture
// start (exported when they end) and after a range's end, and adjacent ranges that share a file
// must not count a flow twice.
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { checkFtFile } from '../../../src/flows/archive/file-check'
import { createFlowBatch, type FlowBatch } from '../../../src/flows/flow-batch'
import { ftFileStream } from '../../../src/flows/ft-writer'
import { findLayout } from '../../../src/flows/record-layouts'
import { type JobMessage, type JobSpec, taskMessages } from '../../../src/jobs/job'
import type { JobResult } from '../../../src/jobs/result'
import { handleJobMessage } from '../../../src/jobs/runner'
import { memoryJobPorts } from '../../support/memory-job-ports'

/** The range a job is given (as timeRange in src/routes/flow-archive.ts makes it): unix seconds,
 * both ends inclusive. timeRange's own reading of dates is tested in test/integration. */
const range = (from: string, to: string) => ({
  from: Date.parse(from) / 1000,
  to: Date.parse(to) / 1000,
})

const SEED = new URL('../../fixtures/flows/seed/2010-11-09/', import.meta.url)
const seedFile = (name: string) => new Uint8Array(readFileSync(new URL(name, SEED)))
const at = (iso: string) => Date.parse(iso) / 1000

let jobs = 0

/** Runs one job over `files` (name → bytes) to its end; returns the result. */
async function runJob(
  files: [name: string, bytes: Uint8Array<ArrayBuffer>][],
  range: { from: number; to: number },
  expr: string | undefined,
  output: JobSpec['output'] = 'timeline',
): Promise<JobResult> {
  const stored = new Map(files.map(([name, bytes]) => [`flows/v1/r/${name}`, bytes]))
  const m = memoryJobPorts(stored)
  const id = `b0000000-0000-4000-8000-${String(jobs++).padStart(12, '0')}`
  const refs = files.map(([name], index) => ({
    index,
    router: 'r',
    name,
    key: `flows/v1/r/${name}`,
    size: 0,
  }))
  const tasks = taskMessages(id, refs)
  m.specs.set(id, {
    id,
    created: '2026-11-26T00:00:00Z',
    ...range,
    routers: ['r'],
    filter: { stages: expr ? [{ kind: 'expression', text: expr }] : [] },
    asked: {},
    output,
    bucket: 'hour',
    sort: 'flows',
    top: 5,
    flowFormat: 'csv',
    flowLimit: 100_000,
    filesTotal: refs.length,
    bytesTotal: 0,
    tasks: tasks.length,
    groupSize: 1,
  })
  m.queue.push(...tasks)
  while (m.queue.length > 0) await handleJobMessage(m.queue.shift() as JobMessage, 1, 3, m.ports)
  const res = m.results.at(-1)
  if (!res) throw new Error('the job did not finish')
  return res
}

/** A closed v5 file whose flows start every 10 minutes from 23:00 to 01:00 (across midnight). */
async function midnightFile(): Promise<Uint8Array<ArrayBuffer>> {
  const layout = findLayout(5)
  if (!layout) throw new Error('no v5 layout')
  const first = at('2010-11-09T23:00:00Z')
  const n = 13
  const b: FlowBatch = createFlowBatch(n)
  b.length = n
  for (let i = 0; i < n; i++) {
    const start = first + i * 600
    // Exported 5 s after a 60 s flow; First/Last as router uptimes.
    b.cols.unix_secs[i] = start + 65
    b.cols.sysuptime[i] = 10_000_000
    b.cols.last[i] = 10_000_000 - 5000
    b.cols.first[i] = 10_000_000 - 65_000
    b.cols.dstport[i] = 6667
    b.cols.prot[i] = 6
    b.cols.dpkts[i] = 1
    b.cols.doctets[i] = 40
  }
  const stream = ftFileStream(
    {
      layout,
      byteOrder: 'big',
      compress: false,
      done: { capStart: first + 65, capEnd: first + 12 * 600 + 65, flowCount: n },
    },
    (async function* () {
      yield b
    })(),
  )
  return new Uint8Array(await new Response(stream).arrayBuffer())
}

describe('time ranges of archive jobs', () => {
  it('finds the IRC flow that started before its file capture start (seed, 05:56 to 06:01)', async () => {
    const name = 'ft-v05.2010-11-09.060000+0000'
    const bytes = seedFile(name)
    // The upload check reads the flows' times: the file holds a flow of 05:55:41.
    const check = await checkFtFile(new Blob([bytes]).stream())
    expect(check.flowTimes?.firstStartMs).toBeLessThanOrEqual(Date.parse('2010-11-09T05:55:41Z'))
    const window = range('2010-11-09T05:56:00Z', '2010-11-09T06:01:00Z')
    const none = await runJob([[name, bytes]], window, 'port 6667')
    // The IRC flow starts 05:55:41: before the range, so not in it.
    expect(none.totals.matched).toBe(0)
    const res = await runJob(
      [[name, bytes]],
      range('2010-11-09T05:55:00Z', '2010-11-09T06:01:00Z'),
      'port 6667',
    )
    // That flow and one more of 05:55.
    expect(res.totals.matched).toBe(2)
    expect(res.timeline.firstSeen).toMatchObject({
      time: '2010-11-09T05:55:41.000Z',
      srcaddr: '189.22.36.165',
      srcport: 60702,
      dstaddr: '208.83.20.130',
      dstport: 6667,
    })
  })

  it('counts only the flows that start within a 30-minute window, not the whole file', async () => {
    const files = ['000000', '060000', '120000', '180000'].map(
      (t) =>
        [`ft-v05.2010-11-09.${t}+0000`, seedFile(`ft-v05.2010-11-09.${t}+0000`)] as [
          string,
          Uint8Array<ArrayBuffer>,
        ],
    )
    const all = await runJob(
      files,
      range('2010-11-09T00:00:00Z', '2010-11-09T23:59:59Z'),
      'port 6667',
    )
    const window = await runJob(
      files,
      range('2010-11-09T06:00:00Z', '2010-11-09T06:29:59Z'),
      'port 6667',
    )
    expect(window.totals.matched).toBeLessThan(all.totals.matched)
    const { firstSeen } = window.timeline
    if (firstSeen) expect(firstSeen.time >= '2010-11-09T06:00:00').toBe(true)
    for (const b of window.timeline.buckets) expect(b.start).toBe('2010-11-09T06:00:00.000Z')
  })

  it('never counts a flow twice in two adjacent day ranges that share a file at midnight', async () => {
    const file: [string, Uint8Array<ArrayBuffer>] = [
      'ft-v05.2010-11-09.230000+0000',
      await midnightFile(),
    ]
    const total = await runJob(
      [file],
      range('2010-11-09T00:00:00Z', '2010-11-10T23:59:59Z'),
      'port 6667',
    )
    const day1 = await runJob(
      [file],
      range('2010-11-09T00:00:00Z', '2010-11-09T23:59:59Z'),
      'port 6667',
    )
    const day2 = await runJob(
      [file],
      range('2010-11-10T00:00:00Z', '2010-11-10T23:59:59Z'),
      'port 6667',
    )
    expect(total.totals.matched).toBe(13)
    // 23:00 .. 23:50, then 00:00 .. 01:00: the midnight flow belongs to the second day.
    expect(day1.totals.matched).toBe(6)
    expect(day2.totals.matched).toBe(7)
    expect(day1.totals.matched + day2.totals.matched).toBe(total.totals.matched)
    // Split by full times at midnight: the flow of 00:00:00 is in the range whose to includes it.
    const a = await runJob([file], range('2010-11-09T00:00:00Z', '2010-11-09T23:59:59Z'), undefined)
    const b = await runJob([file], range('2010-11-10T00:00:00Z', '2010-11-10T23:59:59Z'), undefined)
    expect(a.totals.matched + b.totals.matched).toBe(13)
  })
})
