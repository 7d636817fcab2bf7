// The job runner's fan-out and merge tree with in-memory ports: any delivery order, duplicated
// messages, and a tree deeper than one merge level give the answer of one pass over the files.

import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { createFlowBatch } from '../../../src/flows/flow-batch'
import { catFlows } from '../../../src/flows/flow-cat'
import { ftFileStream } from '../../../src/flows/ft-writer'
import { findLayout } from '../../../src/flows/record-layouts'
import { wasmInflater } from '../../../src/flows/wasm-inflater'
import {
  groupOf,
  groupSizeFor,
  type JobMessage,
  type JobSpec,
  levelSize,
  MAX_TASKS,
  taskMessages,
} from '../../../src/jobs/job'
import { analyzeFile, mergePartials, type Partial } from '../../../src/jobs/partial'
import type { JobResult } from '../../../src/jobs/result'
import { handleJobMessage } from '../../../src/jobs/runner'
import { memoryJobPorts } from '../../support/memory-job-ports'
import { dayFile, dayName } from '../../support/month-archive'

/** A file flow-capture had not closed (streaming header), of `flows` v5 records, cut `cut` bytes short. */
async function openCutFile(
  flows: number,
  compress: boolean,
  cut: number,
): Promise<Uint8Array<ArrayBuffer>> {
  const layout = findLayout(5)
  if (!layout) throw new Error('no v5 layout')
  const b = createFlowBatch(flows)
  b.length = flows
  for (let i = 0; i < flows; i++) {
    b.cols.unix_secs[i] = 1289260800 + i
    b.cols.srcaddr[i] = (0x0a000000 + i * 2654435761) >>> 0
    b.cols.dstport[i] = i % 2 === 0 ? 6667 : 80
  }
  const stream = ftFileStream(
    { layout, byteOrder: 'little', compress },
    (async function* () {
      yield b
    })(),
  )
  const whole = new Uint8Array(await new Response(stream).arrayBuffer())
  return whole.slice(0, whole.length - cut)
}

function rng(seed: number): () => number {
  let a = seed
  return () => {
    a = (a * 1103515245 + 12345) % 2147483648
    return a / 2147483648
  }
}

describe('job plan', () => {
  it('keeps a month of 5-minute files within the task budget, in groups of 5', () => {
    expect(groupSizeFor(30 * 288)).toBe(5)
    const refs = Array.from({ length: 30 * 288 }, (_, index) => ({
      index,
      router: 'r',
      name: `f${index}`,
      key: `k${index}`,
      size: 1,
    }))
    const tasks = taskMessages('00000000-0000-4000-8000-000000000000', refs)
    expect(tasks).toHaveLength(1728)
    expect(tasks.length).toBeLessThanOrEqual(MAX_TASKS)
    expect(tasks.flatMap((t) => t.files.map((f) => f.index))).toEqual(refs.map((r) => r.index))
    expect([0, 1, 2, 3].map((l) => levelSize(1728, l))).toEqual([1728, 54, 2, 1])
    expect(groupOf(1728, 0, 1727)).toEqual({ group: 53, size: 32 })
    expect(groupOf(1728, 1, 53)).toEqual({ group: 1, size: 22 })
  })
})

describe('job runner', () => {
  it('merges 70 files through two merge levels, shuffled and duplicated, as one pass would', async () => {
    const files = new Map<string, Uint8Array<ArrayBuffer>>()
    const refs = []
    for (let d = 0; d < 70; d++) {
      const key = `flows/v1/rtr8/${d}/${dayName(d)}`
      files.set(key, await dayFile(d, 40))
      refs.push({ index: d, router: 'rtr8', name: dayName(d), key, size: 0 })
    }
    const id = '0f8fad5b-d9cb-469f-a165-70867728950e'
    const m = memoryJobPorts(files)
    const tasks = taskMessages(id, refs)
    const spec: JobSpec = {
      id,
      created: '2026-11-25T00:00:00Z',
      from: 0,
      to: 2 ** 31,
      routers: ['rtr8'],
      filter: { stages: [{ kind: 'expression', text: 'port 6667 or port 7000 or port 22' }] },
      asked: {},
      output: 'timeline',
      bucket: 'day',
      sort: 'flows',
      top: 5,
      flowFormat: 'csv',
      flowLimit: 1,
      filesTotal: 70,
      bytesTotal: 0,
      tasks: tasks.length,
      groupSize: 1,
    }
    m.specs.set(id, spec)
    expect([0, 1, 2].map((l) => levelSize(70, l))).toEqual([70, 3, 1])
    m.queue.push(...tasks)
    const r = rng(7)
    while (m.queue.length > 0) {
      const [msg] = m.queue.splice(Math.floor(r() * m.queue.length), 1) as [JobMessage]
      // One message in five comes twice (the Queue delivers at least once).
      if (r() < 0.2) m.queue.push(msg)
      expect(await handleJobMessage(msg, 1, 3, m.ports)).toBe('ack')
    }
    expect(m.results.length).toBeGreaterThanOrEqual(1)
    // Every time the top is written, it is the same answer.
    const first = { ...m.results[0], finished: '' }
    for (const res of m.results) expect({ ...res, finished: '' }).toEqual(first)

    // One pass over every file, in order.
    const { compileFilterChain } = await import('../../../src/flows/filter/index')
    const keep = compileFilterChain(spec.filter)
    const parts: Partial[] = []
    for (const ref of refs) {
      const events = catFlows([
        {
          name: ref.name,
          stream: new Blob([files.get(ref.key) as Uint8Array<ArrayBuffer>]).stream(),
        },
      ])
      parts.push(await analyzeFile(ref, events, keep, { bucket: 'day', sort: 'flows' }))
    }
    const one = mergePartials(parts, 'flows')
    const res = m.results[0] as JobResult
    expect(res.totals.flowsScanned).toBe(one.flowsScanned)
    expect(res.totals.matched).toBe(one.files.reduce((n, f) => n + f.matched, 0))
    expect(res.files.map((f) => f.name)).toEqual(refs.map((f) => f.name))
    expect(res.timeline.firstSeen).toEqual(one.timeline.firstSeen)
    expect(res.timeline.buckets.map((b) => b.flows)).toEqual(one.timeline.counts.map((c) => c[1]))
    expect(res.stat.flows).toBe(one.stat.flows)
    expect(res.approximate).toEqual({})
    expect(res.top.dstport?.map((t) => t.key)).toContain('6667')
  })

  it('reads an open file cut at its end as the archive took it, not as a failure', async () => {
    for (const compress of [false, true]) {
      const key = `flows/v1/rtr1/2010-11-09/open-${compress}`
      const m = memoryJobPorts(new Map([[key, await openCutFile(2000, compress, 30)]]))
      if (compress) {
        // Telling a cut zlib stream from a damaged one takes the WebAssembly inflate.
        const wasm = readFileSync(new URL('../../../wasm/inflate/inflate.wasm', import.meta.url))
        m.ports.inflater = wasmInflater(new WebAssembly.Module(wasm))
      }
      const id = compress
        ? 'a0000000-0000-4000-8000-000000000001'
        : 'a0000000-0000-4000-8000-000000000000'
      const refs = [
        { index: 0, router: 'rtr1', name: 'ft-v05.2010-11-09.000000+0000', key, size: 0 },
      ]
      const tasks = taskMessages(id, refs)
      m.specs.set(id, {
        id,
        created: '2026-11-26T00:00:00Z',
        from: 0,
        to: 2 ** 31,
        routers: ['rtr1'],
        filter: { stages: [] },
        asked: {},
        output: 'summary',
        bucket: 'day',
        sort: 'flows',
        top: 5,
        flowFormat: 'csv',
        flowLimit: 1,
        filesTotal: 1,
        bytesTotal: 0,
        tasks: tasks.length,
        groupSize: 1,
      })
      m.queue.push(...tasks)
      while (m.queue.length > 0)
        await handleJobMessage(m.queue.shift() as JobMessage, 1, 3, m.ports)
      const res = m.results.at(-1) as JobResult
      expect(res.failures, `compress ${compress}`).toEqual([])
      expect(res.files[0]?.flows).toBeGreaterThan(1900)
      expect(res.files[0]?.flows).toBeLessThan(2000)
      expect(res.files[0]?.truncated?.message).toMatch(compress ? /ends early/ : /truncated record/)
    }
  })

  it('states the bound when a top-N table was cut', () => {
    const a = mergePartials([], 'flows')
    const rows = (n: number, base: number) =>
      Array.from(
        { length: n },
        (_, i) => [`${base + i}`, 1, 1, 1] as [string, number, number, number],
      )
    const p1 = structuredClone(a)
    p1.top.tables.srcaddr = rows(1500, 0)
    const p2 = structuredClone(a)
    p2.top.tables.srcaddr = rows(1500, 100_000)
    p2.top.bound.srcaddr = 2
    const merged = mergePartials([p1, p2], 'flows')
    expect(merged.top.tables.srcaddr).toHaveLength(2000)
    // 2 from p2's own cut, 1 from this merge's cut.
    expect(merged.top.bound.srcaddr).toBe(3)
  })
})
