// End to end through the Worker: starts `wrangler dev` on a spare port, uploads a flow file with
// fetch (streamed), times /flows/report (decode + count + stats) and /flows/print (decode + print),
// then stops wrangler. Used by `npm run bench -- --worker`.
import { spawn } from 'node:child_process'
import { createReadStream, statSync } from 'node:fs'
import { Readable } from 'node:stream'

export async function workerBench(path, port = 8791) {
  const child = spawn(
    'npx',
    ['wrangler', 'dev', '--port', String(port), '--ip', '127.0.0.1', '--var', 'API_TOKEN:bench'],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    },
  )
  let log = ''
  child.stdout.on('data', (d) => {
    log += d
  })
  child.stderr.on('data', (d) => {
    log += d
  })
  const base = `http://127.0.0.1:${port}`
  try {
    const deadline = Date.now() + 120_000
    for (;;) {
      try {
        if ((await fetch(`${base}/health`)).ok) break
      } catch {}
      if (Date.now() > deadline) throw new Error(`wrangler dev did not start:\n${log.slice(-2000)}`)
      await new Promise((r) => setTimeout(r, 500))
    }
    const rows = []
    for (const [label, url] of [
      ['Worker: decode + flow-stat + top-N (/flows/report)', '/flows/report?top=5'],
      ['Worker: decode + flow-print -f 3 (/flows/print)', '/flows/print'],
    ]) {
      const t0 = performance.now()
      const res = await fetch(base + url, {
        method: 'POST',
        body: Readable.toWeb(createReadStream(path, { highWaterMark: 1 << 20 })),
        duplex: 'half',
        headers: { 'content-type': 'application/octet-stream' },
      })
      let bytes = 0
      const reader = res.body.getReader()
      for (let r = await reader.read(); !r.done; r = await reader.read()) bytes += r.value.length
      const ms = performance.now() - t0
      rows.push({ label, status: res.status, ms, bytes })
    }
    return { size: statSync(path).size, rows }
  } finally {
    // Stop wrangler and its workerd child: the whole process group we started, by its id.
    try {
      process.kill(-child.pid, 'SIGTERM')
    } catch {}
  }
}
