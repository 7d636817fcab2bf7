// End to end through the Worker: starts `wrangler dev` on a spare port, uploads a flow file with
// curl, times /flows/summary, /flows/report and /flows/print (plain and filtered), then stops
// wrangler. Used by `npm run bench -- --worker`.
import { execFile } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { promisify } from 'node:util'
import { connectInspector, isolatePeak } from './inspector.mjs'
import { startWranglerDev } from './wrangler-dev.mjs'

const run = promisify(execFile)

/** The workerd process under `root` (npx → wrangler → workerd), found through /proc. */
function findWorkerd(root) {
  const parents = new Map()
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8')
      // pid (comm) state ppid ...: comm may hold spaces, so split after its closing parenthesis.
      const close = stat.lastIndexOf(')')
      const comm = stat.slice(stat.indexOf('(') + 1, close)
      const ppid = Number(stat.slice(close + 2).split(' ')[1])
      parents.set(Number(d), { ppid, comm })
    } catch {}
  }
  for (const [pid, { comm }] of parents) {
    if (comm !== 'workerd') continue
    for (let p = pid; p > 1; p = parents.get(p)?.ppid ?? 1) if (p === root) return pid
  }
  return undefined
}

/** workerd's resident set now and at its peak so far (VmRSS, VmHWM), in MB. */
function workerdMemory(pid) {
  if (pid === undefined) return { rssMb: Number.NaN, peakMb: Number.NaN }
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const kb = (k) => Number(new RegExp(`${k}:\\s+(\\d+)`).exec(status)?.[1] ?? Number.NaN)
  return { rssMb: kb('VmRSS') / 1024, peakMb: kb('VmHWM') / 1024 }
}

// [label, route, body kind, also on the larger files, the flow-tools pipeline it stands against
// (bench/calibrate.mjs)]
const CASES = [
  ['decode + count (/flows/summary)', '/flows/summary', 'raw', true, 'cat'],
  ['decode + flow-stat + top-N (/flows/report)', '/flows/report?top=5', 'raw', false, 'stat'],
  [
    'decode + flow-stat -f 0 alone (/flows/report?tables=none)',
    '/flows/report?tables=none',
    'raw',
    false,
    'stat',
  ],
  ['decode + flow-print -f 3 (/flows/print)', '/flows/print', 'raw', false, 'print'],
  [
    'decode + filter ip-addr + flow-print -f 3',
    '/flows/print?def=ip-addr:ADDR=172.16.1.10',
    'raw',
    true,
    'filterPrint',
  ],
  [
    'the same, uploaded as multipart/form-data (curl -F)',
    '/flows/print?def=ip-addr:ADDR=172.16.1.10',
    'multipart',
    true,
    'filterPrint',
  ],
]

/**
 * One upload to the Worker with curl, as a user sends it (`--data-binary @file`, or `-F f=@file`
 * for multipart/form-data), its answer read to the end; curl's own total time. curl asks for no
 * compression (fetch asks for gzip, and wrangler dev would then gzip 81 MB of text in the local
 * runtime: seconds that would time the compression, not the Worker).
 */
async function post(base, path, url, kind) {
  const body =
    kind === 'multipart'
      ? ['-F', `f=@${path}`]
      : ['-H', 'content-type: application/octet-stream', '--data-binary', `@${path}`]
  const { stdout } = await run('curl', [
    '-s',
    '-o',
    '/dev/null',
    '-w',
    '%{http_code} %{size_download} %{time_total}',
    ...body,
    base + url,
  ])
  const [status, bytes, seconds] = stdout.trim().split(' ').map(Number)
  return { status, bytes, ms: seconds * 1000 }
}

/**
 * Each case on each file twice: first every case timed `repeat` times (the median and the range
 * are kept) with no inspector attached (an attached debugger can make V8 run WebAssembly, the
 * inflate, unoptimized: 1 M flows once took 1.0 s instead of 0.6), then every case again, each in
 * a fresh `wrangler dev`, with the isolate's memory sampled through the inspector every 10 ms (so
 * a row does not count garbage the one before left for V8 to collect; workerd's inspector has no
 * HeapProfiler.collectGarbage). `paths` lists the files ({ label, path, flows }); the first runs
 * every case, the others the summary and filtered print.
 */
export async function workerBench(paths, repeat = 7, port = 8791, inspectorPort = 9241) {
  const { base, child, stop, exited } = await startWranglerDev(port, [
    '--inspector-port',
    String(inspectorPort),
  ])
  try {
    const rows = []
    const workerd = findWorkerd(child.pid)
    const idle = workerdMemory(workerd)
    const runs = []
    for (const [k, { label: fileLabel, path, flows }] of paths.entries()) {
      const cases = k === 0 ? CASES : CASES.filter(([, , , alsoLarger]) => alsoLarger)
      for (const [label, url, kind, , pipeline] of cases)
        runs.push({ fileLabel, path, flows, label, url, kind, pipeline })
    }
    // One untimed request first: the isolate's first compiles the WebAssembly and warms the JIT
    // (the first request takes about twice as long as the next).
    await post(base, runs[0].path, runs[0].url, runs[0].kind)
    for (const r of runs) {
      // `repeat` requests a case: the median is its figure, with the range (the machine is shared).
      const times = []
      let answer
      for (let k = 0; k < repeat; k++) {
        answer = await post(base, r.path, r.url, r.kind)
        // A refused upload would be timed as if it had been read: no figure for it.
        if (answer.status !== 200) throw new Error(`${r.label} (${r.path}): HTTP ${answer.status}`)
        times.push(answer.ms)
      }
      times.sort((a, b) => a - b)
      // VmHWM only grows: a row's peak is the highest so far, rows run in this order.
      rows.push({
        file: r.fileLabel,
        flows: r.flows,
        label: r.label,
        pipeline: r.pipeline,
        status: answer.status,
        ms: times[times.length >> 1],
        msMin: times[0],
        msMax: times[times.length - 1],
        bytes: answer.bytes,
        ...workerdMemory(workerd),
      })
    }
    stop()
    await exited
    let isolateIdle
    for (const [k, r] of runs.entries()) {
      const fresh = await startWranglerDev(port, ['--inspector-port', String(inspectorPort)])
      const inspector = await connectInspector(inspectorPort)
      try {
        const { result } = await inspector.send('Runtime.getHeapUsage')
        isolateIdle ??= {
          heapMb: result.usedSize / 1048576,
          buffersMb: (result.backingStorageSize ?? 0) / 1048576,
        }
        const { peak } = await isolatePeak(inspector, () => post(fresh.base, r.path, r.url, r.kind))
        rows[k].isolate = peak
      } finally {
        inspector.close()
        fresh.stop()
        await fresh.exited
      }
    }
    return { idle, isolateIdle, rows }
  } finally {
    stop()
  }
}
