// Micro-benchmark of the compiled flow filters: predicate evaluations per second over a
// synthetic 1,000,000-flow workload (245 batches of 4,096 rows, like the readers produce), for
// a few typical chains. Run: npm run bench:filters
//
// The TypeScript sources are bundled in memory with esbuild (already installed with wrangler),
// so the benchmark runs exactly the code the Worker ships.
import { execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

const ROWS = 1_000_000
const BATCH = 4096
const RUNS = 5

const bundle = await build({
  stdin: {
    contents:
      "export * from './src/flows/filter/index.ts'\nexport { createFlowBatch } from './src/flows/flow-batch.ts'\n",
    resolveDir: process.cwd(),
    loader: 'ts',
  },
  bundle: true,
  write: false,
  format: 'esm',
  platform: 'node',
  logLevel: 'error',
})
const code = bundle.outputFiles[0]?.text ?? ''
const filter = await import(`data:text/javascript;base64,${Buffer.from(code).toString('base64')}`)
const flowBatch = filter

// Deterministic synthetic flows shaped like random-v5-1m (172.16/16 inside, TCP/UDP/ICMP mix).
let seed = 2
function rnd() {
  seed = (seed * 1103515245 + 12345) >>> 0
  return seed / 2 ** 32
}
const PORTS = [80, 443, 22, 53, 25, 123, 445, 6667, 3389, 8080]
const batches = []
for (let start = 0; start < ROWS; start += BATCH) {
  const n = Math.min(BATCH, ROWS - start)
  const b = flowBatch.createFlowBatch(n)
  const c = b.cols
  for (let i = 0; i < n; i++) {
    const inside = (0xac100000 + Math.floor(rnd() * 65536)) >>> 0
    const outside = Math.floor(rnd() * 2 ** 32) >>> 0
    const out = rnd() < 0.5
    const hot = rnd() < 0.076 ? 0xac10010a : inside // 172.16.1.10 in ~7.6 % of flows
    c.srcaddr[i] = out ? hot : outside
    c.dstaddr[i] = out ? outside : hot
    const r = rnd()
    c.prot[i] = r < 0.75 ? 6 : r < 0.96 ? 17 : 1
    c.srcport[i] = 1024 + Math.floor(rnd() * 64000)
    c.dstport[i] = PORTS[Math.floor(rnd() * PORTS.length)]
    c.dpkts[i] = rnd() < 0.22 ? 1 : 2 + Math.floor(rnd() * 200)
    c.doctets[i] = c.dpkts[i] * (40 + Math.floor(rnd() * 1400))
    c.unix_secs[i] = 1705276800 + Math.floor(((start + i) / ROWS) * 86400)
    c.sysuptime[i] = 500000000
    c.first[i] = 499000000 + Math.floor(rnd() * 900000)
    c.last[i] = c.first[i] + Math.floor(rnd() * 100000)
    c.tcp_flags[i] = c.prot[i] === 6 ? [2, 18, 27, 20, 24][Math.floor(rnd() * 5)] : 0
  }
  b.length = n
  batches.push(b)
}

const CUSTOM = `filter-primitive gt1
  type counter
  permit gt 1
filter-definition packets-gt-1
  match packets gt1
`
const chains = [
  [
    '-F ip-addr -v ADDR=172.16.1.10',
    { stages: [{ kind: 'definition', name: 'ip-addr', vars: { ADDR: '172.16.1.10' } }] },
  ],
  [
    '-F packets-gt-1 (custom config)',
    { config: CUSTOM, stages: [{ kind: 'definition', name: 'packets-gt-1', vars: {} }] },
  ],
  [
    'ip-addr | not-ip-port 80 | packets-gt-1 (3 stages)',
    {
      config: CUSTOM,
      stages: [
        { kind: 'definition', name: 'ip-addr', vars: { ADDR: '172.16.1.10' } },
        { kind: 'definition', name: 'not-ip-port', vars: { PORT: '80' } },
        { kind: 'definition', name: 'packets-gt-1', vars: {} },
      ],
    },
  ],
  [
    "'host 172.16.1.10 and not port 443 and packets > 1'",
    { stages: [{ kind: 'expression', text: 'host 172.16.1.10 and not port 443 and packets > 1' }] },
  ],
  [
    "'src net 172.16.0.0/16 and dst port in [22 53 443]'",
    { stages: [{ kind: 'expression', text: 'src net 172.16.0.0/16 and dst port in [22 53 443]' }] },
  ],
  [
    "'flags S and not flags AFRPU or duration > 60000'",
    { stages: [{ kind: 'expression', text: 'flags S and not flags AFRPU or duration > 60000' }] },
  ],
]

// Each chain runs in its own process, as a request compiles one chain in its isolate: chains
// compiled side by side would share the closures' type feedback and slow each other down.
const only = process.argv[2]
if (only === undefined) {
  console.log(
    `flow filters: ${ROWS.toLocaleString('en')} synthetic flows in batches of ${BATCH}, best of ${RUNS} runs, one process per chain (Node ${process.version})`,
  )
  for (let k = 0; k < chains.length; k++) {
    process.stdout.write(
      execFileSync(process.execPath, [fileURLToPath(import.meta.url), String(k)]),
    )
  }
} else {
  const [label, spec] = chains[Number(only)]
  const { predicate } = filter.compileFilter(spec)
  let best = Number.POSITIVE_INFINITY
  let passed = 0
  for (let run = 0; run < RUNS; run++) {
    passed = 0
    const t0 = performance.now()
    for (const b of batches) for (let i = 0; i < b.length; i++) if (predicate(b, i)) passed++
    best = Math.min(best, performance.now() - t0)
  }
  const rate = ROWS / (best / 1000)
  console.log(
    `${label.padEnd(56)} ${(rate / 1e6).toFixed(1).padStart(6)} M evaluations/s  ${best.toFixed(1).padStart(6)} ms  passed ${passed}`,
  )
}
