// npm run bench:archive [-- DAYS SLOTS FLOWS_PER_FILE] [-- --worker]: archive-query throughput.
// Pure: the job runner over a 30-day archive of 5-minute files in one Node process.
// --worker: the same question end to end through `wrangler dev` (local R2 + Queue): upload, query,
// poll until the answer, timing each.
import { execFileSync } from 'node:child_process'
import { mkdirSync } from 'node:fs'
import { build } from 'esbuild'
import { archiveWorkerBench } from './archive-worker.mjs'

const out = new URL('../.wrangler/bench/', import.meta.url).pathname
mkdirSync(out, { recursive: true })
await build({
  entryPoints: [new URL('./archive-bench.ts', import.meta.url).pathname],
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node22',
  outfile: `${out}archive-bench.mjs`,
  logLevel: 'warning',
})
const args = process.argv.slice(2).filter((a) => !a.startsWith('--'))
const [days = '30', slots = '288', perFile = '500'] = args
console.log(`node ${process.version}, ${process.arch}`)
const r = JSON.parse(
  execFileSync(process.execPath, [`${out}archive-bench.mjs`, days, slots, perFile], {
    encoding: 'utf8',
    maxBuffer: 1 << 24,
  }),
)
const fmt = (n) => Math.round(n).toLocaleString('en-US')
console.log(
  `\n## Pure job runner, one consumer: ${r.days} days x ${slots} files x ${perFile} flows`,
)
console.log(
  '| files | flows | MB (zlib) | tasks (files each) | time to answer ms | files/s | flows/s | task ms median / p99 | merges (ms) | peak RSS MB |',
)
console.log('|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|')
console.log(
  `| ${fmt(r.files)} | ${fmt(r.flows)} | ${r.mb.toFixed(1)} | ${r.tasks} (${r.filesPerTask}) | ${fmt(r.totalMs)} | ${fmt(r.files / (r.totalMs / 1000))} | ${fmt(r.flows / (r.totalMs / 1000))} | ${r.taskMsMedian.toFixed(1)} / ${r.taskMsP99.toFixed(1)} | ${r.merges} (${fmt(r.mergeMs)}) | ${fmt(r.maxRssMb)} |`,
)
console.log(`first seen: ${JSON.stringify(r.firstSeen)}`)
if (process.argv.includes('--worker')) await archiveWorkerBench()
