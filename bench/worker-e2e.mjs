// End to end through the Worker: starts `wrangler dev` on a spare port, uploads a flow file with
// fetch (streamed), times /flows/report (decode + count + stats) and /flows/print (decode + print),
// then stops wrangler. Used by `npm run bench -- --worker`.
import { createReadStream, readdirSync, readFileSync } from 'node:fs'
import { Readable } from 'node:stream'
import { connectInspector, isolatePeak } from './inspector.mjs'
import { startWranglerDev } from './wrangler-dev.mjs'

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

const BOUNDARY = 'edgeping-bench-boundary'

function fileStream(path) {
  return Readable.toWeb(createReadStream(path, { highWaterMark: 1 << 20 }))
}

/** The file as the one part of a multipart/form-data body, streamed as curl -F sends it. */
function formStream(path) {
  const enc = new TextEncoder()
  async function* parts() {
    yield enc.encode(
      `--${BOUNDARY}\r\ncontent-disposition: form-data; name="f"; filename="flows.ft"\r\ncontent-type: application/octet-stream\r\n\r\n`,
    )
    for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) yield chunk
    yield enc.encode(`\r\n--${BOUNDARY}--\r\n`)
  }
  return Readable.toWeb(Readable.from(parts()))
}

// [label, route, body kind, also on the larger files, the flow-tools pipeline it stands against
// (bench/calibrate.mjs)]
const CASES = [
  ['decode + count (/flows/summary)', '/flows/summary', 'raw', true, 'cat'],
  ['decode + flow-stat + top-N (/flows/report)', '/flows/report?top=5', 'raw', false, 'stat'],
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

/** One upload to the Worker, its answer read to the end. */
async function post(base, path, url, kind) {
  const multipart = kind === 'multipart'
  const res = await fetch(base + url, {
    method: 'POST',
    body: multipart ? formStream(path) : fileStream(path),
    duplex: 'half',
    // fetch asks for gzip by default, and wrangler dev then gzips the 81 MB of text/plain in
    // the local runtime: seconds that would time the compression, not the Worker.
    headers: {
      'content-type': multipart
        ? `multipart/form-data; boundary=${BOUNDARY}`
        : 'application/octet-stream',
      'accept-encoding': 'identity',
    },
  })
  let bytes = 0
  const reader = res.body.getReader()
  for (let r = await reader.read(); !r.done; r = await reader.read()) bytes += r.value.length
  return { status: res.status, bytes }
}

/**
 * Each case on each file twice: first every case timed `repeat` times (the median and the range
 * are kept) with no inspector attached (an attached debugger can make V8 run WebAssembly, the
 * inflate, unoptimized: 1 M flows once took 1.0 s instead of 0.6), then every case again, each in a fresh `wrangler dev`, with the isolate's memory sampled
 * through the inspector every 10 ms (so a row does not count garbage the one before left for V8
 * to collect; workerd's inspector has no HeapProfiler.collectGarbage). `paths` maps a label to a
 * file; the first file runs every case, the others the summary and filtered print.
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
    // (the 1 M summary took 1.3 s as the first request, 0.6-0.7 s after).
    await post(base, runs[0].path, runs[0].url, runs[0].kind)
    for (const r of runs) {
      // `repeat` requests a case: the median is its figure, with the range (the machine is shared).
      const times = []
      let answer
      for (let k = 0; k < repeat; k++) {
        const t0 = performance.now()
        answer = await post(base, r.path, r.url, r.kind)
        times.push(performance.now() - t0)
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
        ;(rows[k] ?? {}).isolate = peak
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
