// A CPU profile of one request inside workerd: starts `wrangler dev` with its inspector, posts a
// flow file to a route once to warm up, then again under V8's sampling profiler, and prints the
// functions with the most self time (the .cpuprofile is saved for Chrome DevTools).
//   node_modules/.bin/node bench/worker-profile.mjs [ROUTE] [FILE]
// ROUTE defaults to the filtered print, FILE to the bench's 1 M-flow file (npm run bench builds it).
import { createReadStream, writeFileSync } from 'node:fs'
import { Readable } from 'node:stream'
import { connectInspector } from './inspector.mjs'
import { startWranglerDev } from './wrangler-dev.mjs'

const route = process.argv[2] ?? '/flows/print?def=ip-addr:ADDR=172.16.1.10'
const file =
  process.argv[3] ?? new URL('../.wrangler/bench/random-v5-1m.z.ft', import.meta.url).pathname
const out = new URL('../.wrangler/bench/worker.cpuprofile', import.meta.url).pathname
const INSPECTOR_PORT = 9239

const { base, stop } = await startWranglerDev(8795, ['--inspector-port', String(INSPECTOR_PORT)])
try {
  const inspector = await connectInspector(INSPECTOR_PORT)
  const send = inspector.send
  const post = async () => {
    const t0 = performance.now()
    const res = await fetch(base + route, {
      method: 'POST',
      body: Readable.toWeb(createReadStream(file, { highWaterMark: 1 << 20 })),
      duplex: 'half',
      headers: { 'content-type': 'application/octet-stream', 'accept-encoding': 'identity' },
    })
    let bytes = 0
    const reader = res.body.getReader()
    for (let r = await reader.read(); !r.done; r = await reader.read()) bytes += r.value.length
    return `HTTP ${res.status}, ${bytes} bytes, ${Math.round(performance.now() - t0)} ms`
  }
  await send('Profiler.enable')
  await send('Profiler.setSamplingInterval', { interval: 200 })
  console.log(`warm-up: ${await post()}`)
  await send('Profiler.start')
  console.log(`profiled: ${await post()}`)
  const { result } = await send('Profiler.stop')
  inspector.close()
  writeFileSync(out, JSON.stringify(result.profile))
  const { nodes, samples, timeDeltas } = result.profile
  const byId = new Map(nodes.map((n) => [n.id, n]))
  const self = new Map()
  let total = 0
  samples.forEach((sample, k) => {
    const { functionName, url, lineNumber } = byId.get(sample).callFrame
    const key = `${functionName || '(anonymous)'} ${url.split('/').pop()}:${lineNumber + 1}`
    self.set(key, (self.get(key) ?? 0) + timeDeltas[k])
    total += timeDeltas[k]
  })
  console.log(`\nself time of ${Math.round(total / 1000)} ms sampled (${out}):`)
  for (const [key, us] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 25))
    console.log(`${(us / 1000).toFixed(1).padStart(8)} ms  ${key}`)
} finally {
  stop()
}
