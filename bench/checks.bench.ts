/**
 * CPU cost of the checks hot paths in Node (`npm run bench:checks`): one cron tick with 100 due
 * targets (fake ports answer at once, a Map stands in for KV with real JSON round trips), and
 * rendering a 30-hour graph (360 rounds of 20 pings). The free plan gives a cron tick 10 ms CPU.
 */
import { expect, it } from 'vitest'
import { renderSmokeGraph } from '../src/checks/graph-svg'
import type { ProbePorts } from '../src/checks/kinds/ports'
import { prepareConfig } from '../src/checks/prepare-config'
import { runDueRounds } from '../src/checks/scheduler'
import type { TargetsConfig } from '../src/checks/targets-model'
import { memoryStore } from '../test/unit/checks/memory-store'
import { sampleSeries } from '../test/unit/checks/sample-series'

const config: TargetsConfig = {
  alerts: {
    to: 'https://hooks.example/x',
    list: [{ name: 'someloss', type: 'loss', pattern: '>0%,*12*,>0%,*12*,>0%', comment: 'x' }],
  },
  targets: {
    name: '',
    probe: 'tcp',
    alerts: ['someloss'],
    children: Array.from({ length: 100 }, (_, i) => ({
      name: `t${i}`,
      host: `192.0.2.${i + 1}`,
      port: 443,
    })),
  },
}
const stored = prepareConfig(
  config,
  { subrequests: 10_000, webhookReserve: 10, tickWritesPerDay: 100_000 },
  0,
)
stored.since = 0

let i = 0
const probes: ProbePorts = {
  refuseHost: () => null,
  connect: async () => ({ ok: true, ms: 20 + (i++ % 7) }),
}
const store = memoryStore()
let minute = 10_000_000 // a multiple of 5: every target's offset-0 minute
const ports = {
  store,
  probes,
  notify: async () => {},
  now: () => 0,
  background: () => {},
  log: () => {},
}

/** CPU milliseconds per call (user + system), after a warm-up: median and min of runs. */
async function cpuMs(label: string, runs: number, fn: () => unknown): Promise<void> {
  for (let w = 0; w < 5; w++) await fn()
  const times: number[] = []
  for (let r = 0; r < runs; r++) {
    const before = process.cpuUsage()
    await fn()
    const used = process.cpuUsage(before)
    times.push((used.user + used.system) / 1000)
  }
  times.sort((a, b) => a - b)
  const med = times[Math.floor(runs / 2)] ?? 0
  console.log(
    `${label}: median ${med.toFixed(2)} ms CPU, min ${(times[0] ?? 0).toFixed(2)} ms (${runs} runs, Node ${process.version})`,
  )
}

it('measures one cron tick with 100 due targets', async () => {
  let summary = { ran: 0 }
  await cpuMs(
    'one cron tick, 100 due targets x 20 pings (fake ports, JSON store)',
    50,
    async () => {
      summary = await runDueRounds(stored, ports, {
        scheduledTime: minute * 60_000,
        deadlineMs: 45_000,
      })
      minute += 5
    },
  )
  expect(summary.ran).toBe(100)
}, 120_000)

it('measures one cron tick on the free plan (2 due targets)', async () => {
  const free = prepareConfig(
    {
      ...config,
      targets: { ...config.targets, children: config.targets.children?.slice(0, 6) ?? [] },
    },
    { subrequests: 50, webhookReserve: 2, tickWritesPerDay: 950 },
    0,
  )
  const freePorts = { ...ports, store: memoryStore() }
  let freeMinute = 10_000_000
  let summary = { ran: 0 }
  await cpuMs('one cron tick, free plan: 2 due targets x 20 pings', 50, async () => {
    summary = await runDueRounds(free, freePorts, {
      scheduledTime: freeMinute * 60_000,
      deadlineMs: 45_000,
    })
    freeMinute += 5
  })
  expect(summary.ran).toBe(2)
})

it('measures rendering a 30 h smoke graph', async () => {
  const end = Date.UTC(2026, 10, 25, 16, 30)
  const points = sampleSeries(end)
  let svg = ''
  await cpuMs('render a 30 h smoke graph (360 rounds x 20 pings)', 50, () => {
    svg = renderSmokeGraph({
      title: 'bench',
      rangeLabel: 'Last 30 Hours',
      start: end - 30 * 3600_000,
      end,
      pings: 20,
      step: 300,
      probe: '20 TCP connects',
      points,
    })
  })
  expect(svg.length).toBeGreaterThan(1000)
})
