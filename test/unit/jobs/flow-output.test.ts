// What a job's outputs say about its files: the CSV header line even without a match, and
// `router/name` when the job spans routers whose files share flow-capture names.
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { type JobMessage, type JobSpec, taskMessages } from '../../../src/jobs/job'
import type { JobResult } from '../../../src/jobs/result'
import { type FlowChunk, fileLabel, handleJobMessage } from '../../../src/jobs/runner'
import { memoryJobPorts } from '../../support/memory-job-ports'

const NAME = 'ft-v05.2010-11-09.060000+0000'
const SEED = new Uint8Array(
  readFileSync(new URL(`../../fixtures/flows/seed/2010-11-09/${NAME}`, import.meta.url)),
)

async function run(
  routers: string[],
  expr: string,
  o: Partial<Pick<JobSpec, 'output' | 'flowFormat' | 'flowLimit'>> = {},
): Promise<{ result: JobResult; chunks: FlowChunk[] }> {
  const files = new Map(routers.map((r) => [`flows/v1/${r}/2010-11-09/${NAME}`, SEED]))
  const m = memoryJobPorts(files)
  const chunks: FlowChunk[] = []
  m.ports.putFlowChunk = async (_job, _task, chunk) => {
    chunks.push(structuredClone(chunk))
  }
  const id = 'c0000000-0000-4000-8000-000000000000'
  const refs = routers.map((router, index) => ({
    index,
    router,
    name: NAME,
    key: `flows/v1/${router}/2010-11-09/${NAME}`,
    size: 0,
  }))
  const tasks = taskMessages(id, refs)
  m.specs.set(id, {
    id,
    created: '2026-11-26T00:00:00Z',
    from: 0,
    to: 2 ** 31,
    routers,
    filter: { stages: [{ kind: 'expression', text: expr }] },
    asked: {},
    output: o.output ?? 'flows',
    bucket: 'day',
    sort: 'flows',
    top: 5,
    flowFormat: o.flowFormat ?? 'csv',
    flowLimit: o.flowLimit ?? 1000,
    filesTotal: refs.length,
    bytesTotal: 0,
    tasks: tasks.length,
    groupSize: 1,
  })
  m.queue.push(...tasks)
  while (m.queue.length > 0) await handleJobMessage(m.queue.shift() as JobMessage, 1, 3, m.ports)
  const result = m.results.at(-1)
  if (!result) throw new Error('the job did not finish')
  return { result, chunks }
}

describe('flow output of a job', () => {
  it("gives the CSV's #: header line when no flow matches", async () => {
    const { result, chunks } = await run(['rtr8'], 'port 31337')
    expect(result.totals.matched).toBe(0)
    expect(chunks).toHaveLength(1)
    expect(chunks[0]?.text).toBe('')
    expect(chunks[0]?.head).toMatch(/^#:unix_secs,unix_nsecs,sysuptime,exaddr,.*\n$/)
    // The same line a matching job gives.
    const matching = await run(['rtr8'], 'port 6667')
    expect(matching.chunks[0]?.head).toBe(chunks[0]?.head)
  })

  it('names files router/name when the job spans routers, and bare names for one router', async () => {
    const two = await run(['rtr8', 'rtr9'], 'port 6667', { flowLimit: 1 })
    expect(two.result.flows?.cutFiles).toEqual([`rtr8/${NAME}`, `rtr9/${NAME}`])
    const t = await run(['rtr8', 'rtr9'], 'port 6667', { output: 'timeline' })
    expect(t.result.timeline.firstSeen?.file).toBe(`rtr8/${NAME}`)
    expect(t.result.timeline.lastSeen?.file).toMatch(/^rtr[89]\/ft-v05/)
    const nd = await run(['rtr8', 'rtr9'], 'port 6667', { flowFormat: 'ndjson' })
    const lines = nd.chunks.flatMap((c) => c.text.trim().split('\n'))
    const files = new Set(lines.map((l) => (JSON.parse(l) as { file: string }).file))
    expect(files).toEqual(new Set([`rtr8/${NAME}`, `rtr9/${NAME}`]))

    const one = await run(['rtr8'], 'port 6667', { flowLimit: 1 })
    expect(one.result.flows?.cutFiles).toEqual([NAME])
    expect(fileLabel({ routers: ['rtr8', 'rtr8'] }, { router: 'rtr8', name: NAME } as never)).toBe(
      NAME,
    )
  })
})
