// The archive query end to end through `wrangler dev` (local R2 + local Queue consumer): writes a
// synthetic archive, uploads it with PUT (6 at a time), starts the intrusion-dating job and polls
// until the answer. Used by `npm run bench:archive -- --worker`.
import { execFileSync } from 'node:child_process'
import { readdirSync, readFileSync, rmSync } from 'node:fs'
import { startWranglerDev } from './wrangler-dev.mjs'

export async function archiveWorkerBench(days = 30, slots = 24, perFile = 2000, port = 8793) {
  const dir = new URL('../.wrangler/bench/archive/', import.meta.url).pathname
  rmSync(dir, { recursive: true, force: true })
  execFileSync(
    process.execPath,
    [
      new URL('../.wrangler/bench/archive-bench.mjs', import.meta.url).pathname,
      'write',
      dir,
      String(days),
      String(slots),
      String(perFile),
    ],
    { stdio: 'inherit' },
  )
  const persist = new URL('../.wrangler/bench/state/', import.meta.url).pathname
  rmSync(persist, { recursive: true, force: true })
  const { base, stop } = await startWranglerDev(port, ['--persist-to', persist])
  const auth = { authorization: 'Bearer bench' }
  try {
    const names = readdirSync(dir).sort()
    let bytes = 0
    const u0 = performance.now()
    let next = 0
    await Promise.all(
      Array.from({ length: 6 }, async () => {
        while (next < names.length) {
          const name = names[next++]
          const body = readFileSync(dir + name)
          bytes += body.length
          const res = await fetch(`${base}/flows/archive/rtr8/${name}`, {
            method: 'PUT',
            body,
            headers: { ...auth, 'content-length': String(body.length) },
          })
          if (res.status !== 201) throw new Error(`PUT ${name}: ${res.status} ${await res.text()}`)
        }
      }),
    )
    const uploadMs = performance.now() - u0
    const q0 = performance.now()
    const res = await fetch(`${base}/flows/archive/query`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({
        from: '2010-10-15T00:00:00Z',
        to: '2010-11-15T00:00:00Z',
        routers: ['rtr8'],
        expr: 'port 6667 or port 7000',
        output: 'timeline',
      }),
    })
    if (res.status !== 202) throw new Error(`query: ${res.status} ${await res.text()}`)
    const { href } = await res.json()
    let job
    for (;;) {
      job = await (await fetch(base + href, { headers: auth })).json()
      if (job.state === 'done') break
      if (performance.now() - q0 > 600_000) throw new Error(`job not done: ${JSON.stringify(job)}`)
      await new Promise((r) => setTimeout(r, 250))
    }
    const answerMs = performance.now() - q0
    const fmt = (n) => Math.round(n).toLocaleString('en-US')
    console.log(
      `\n## Through wrangler dev (local R2 + Queue): ${days} days x ${slots} files x ${perFile} flows`,
    )
    console.log(
      '| files | flows | MB | upload ms (6 parallel PUTs) | time to answer ms | files/s | flows/s |',
    )
    console.log('|---:|---:|---:|---:|---:|---:|---:|')
    console.log(
      `| ${names.length} | ${fmt(job.flowsScanned)} | ${(bytes / 1e6).toFixed(1)} | ${fmt(uploadMs)} | ${fmt(answerMs)} | ${fmt(names.length / (answerMs / 1000))} | ${fmt(job.flowsScanned / (answerMs / 1000))} |`,
    )
    console.log(`first seen: ${JSON.stringify(job.result.timeline.firstSeen)}`)
  } finally {
    stop()
  }
}
