// End to end through the Worker: starts `wrangler dev` on a spare port, uploads a flow file with
// fetch (streamed), times /flows/report (decode + count + stats) and /flows/print (decode + print),
// then stops wrangler. Used by `npm run bench -- --worker`.
import { createReadStream, readdirSync, readFileSync, statSync } from 'node:fs'
import { Readable } from 'node:stream'
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

export async function workerBench(path, port = 8791) {
  const { base, child, stop } = await startWranglerDev(port)
  try {
    const rows = []
    const workerd = findWorkerd(child.pid)
    const idle = workerdMemory(workerd)
    for (const [label, url, kind] of [
      ['Worker: decode + count (/flows/summary)', '/flows/summary'],
      ['Worker: decode + flow-stat + top-N (/flows/report)', '/flows/report?top=5'],
      ['Worker: decode + flow-print -f 3 (/flows/print)', '/flows/print'],
      [
        'Worker: decode + filter ip-addr + flow-print -f 3',
        '/flows/print?def=ip-addr:ADDR=172.16.1.10',
      ],
      [
        'Worker: the same, uploaded as multipart/form-data (curl -F)',
        '/flows/print?def=ip-addr:ADDR=172.16.1.10',
        'multipart',
      ],
    ]) {
      const t0 = performance.now()
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
      const ms = performance.now() - t0
      // VmHWM only grows: a row's peak is the highest so far, rows run in this order.
      rows.push({ label, status: res.status, ms, bytes, ...workerdMemory(workerd) })
    }
    return { size: statSync(path).size, idle, rows }
  } finally {
    stop()
  }
}
