/**
 * Archive-query benchmark, pure part: a 30-day archive of flow-capture 5-minute files (built here
 * with the ft writer, kept in memory), one job through the real job runner (task messages, merge
 * tree) with in-memory ports, in one Node process = one consumer at a time. Prints JSON.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { type JobMessage, type JobSpec, taskMessages } from '../src/jobs/job'
import { handleJobMessage } from '../src/jobs/runner'
import { memoryJobPorts } from '../test/support/memory-job-ports'
import { dayFile, dayName } from '../test/support/month-archive'

// `write DIR DAYS SLOTS FLOWS`: only write the archive's files to DIR (for the Worker benchmark).
const writeTo = process.argv[2] === 'write' ? process.argv[3] : undefined
const args = writeTo ? process.argv.slice(4) : process.argv.slice(2)
const days = Number(args[0] ?? 30)
const slots = Number(args[1] ?? 288)
const perFile = Number(args[2] ?? 500)
if (writeTo) {
  mkdirSync(writeTo, { recursive: true })
  for (let d = 0; d < days; d++) {
    for (let s = 0; s < slots; s++) {
      writeFileSync(`${writeTo}/${dayName(d, s, slots)}`, await dayFile(d, perFile, s, slots))
    }
  }
  process.exit(0)
}

const files = new Map<string, Uint8Array<ArrayBuffer>>()
const refs = []
let bytes = 0
const g0 = performance.now()
for (let d = 0; d < days; d++) {
  for (let s = 0; s < slots; s++) {
    const name = dayName(d, s, slots)
    const key = `flows/v1/rtr8/${d}/${name}`
    const body = await dayFile(d, perFile, s, slots)
    bytes += body.length
    files.set(key, body)
    refs.push({ index: refs.length, router: 'rtr8', name, key, size: body.length })
  }
}
const buildMs = performance.now() - g0

const id = '0f8fad5b-d9cb-469f-a165-70867728950e'
const m = memoryJobPorts(files)
const tasks = taskMessages(id, refs)
const spec: JobSpec = {
  id,
  created: new Date().toISOString(),
  from: 0,
  to: 2 ** 31,
  routers: ['rtr8'],
  filter: { stages: [{ kind: 'expression', text: 'port 6667 or port 7000' }] },
  asked: {},
  output: 'timeline',
  bucket: 'day',
  sort: 'octets',
  top: 10,
  flowFormat: 'csv',
  flowLimit: 1,
  filesTotal: refs.length,
  bytesTotal: bytes,
  tasks: tasks.length,
  groupSize: refs.length / tasks.length,
}
m.specs.set(id, spec)
m.queue.push(...tasks)
const taskMs: number[] = []
let mergeMs = 0
let merges = 0
const t0 = performance.now()
while (m.queue.length > 0) {
  const msg = m.queue.shift() as JobMessage
  const s = performance.now()
  await handleJobMessage(msg, 1, 4, m.ports)
  const ms = performance.now() - s
  if (msg.kind === 'task') taskMs.push(ms)
  else {
    mergeMs += ms
    merges++
  }
}
const totalMs = performance.now() - t0
const r = m.results[0]
if (!r) throw new Error('no result')
taskMs.sort((a, b) => a - b)
console.log(
  JSON.stringify({
    days,
    files: refs.length,
    flows: r.totals.flowsScanned,
    mb: bytes / 1e6,
    buildMs,
    totalMs,
    tasks: tasks.length,
    filesPerTask: spec.groupSize,
    taskMsMedian: taskMs[Math.floor(taskMs.length / 2)],
    taskMsP99: taskMs[Math.floor(taskMs.length * 0.99)],
    merges,
    mergeMs,
    firstSeen: r.timeline.firstSeen,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
  }),
)
