import type { Budgets } from '../checks/schedule-plan'
import type { SchedulerPorts } from '../checks/scheduler'
import { createCheckStore, retentionFrom } from '../kv/checks-store'
import { buildProbePorts } from './probe-ports'
import { createNotifier } from './webhook'

function num(v: string | undefined, d: number): number {
  return Number(v) > 0 ? Number(v) : d
}

/** The plan's budgets from `[vars]`. */
export function budgetsFrom(env: Env): Budgets {
  const writes = num(env.CHECKS_WRITES_PER_DAY, 1000)
  return {
    subrequests: num(env.CHECKS_SUBREQUEST_BUDGET, 50),
    webhookReserve: num(env.CHECKS_WEBHOOK_RESERVE, 2),
    // Hourly (24) and daily (1) rollups, plus room for backfilling lost ticks.
    tickWritesPerDay: writes - 25 - Math.ceil(writes * 0.025),
  }
}

/**
 * Capped at 2 minutes: ticks 3 minutes old are taken as final by the backfill, so a tick must
 * have finished (and written) by then.
 */
export function deadlineFrom(env: Env): number {
  return Math.min(num(env.CHECKS_DEADLINE_MS, 45_000), 120_000)
}

/** Everything the scheduler touches, built from the Worker's env and execution context. */
export function schedulerPorts(env: Env, ctx: Pick<ExecutionContext, 'waitUntil'>): SchedulerPorts {
  // An optional secret (`wrangler secret put ALERT_WEBHOOK_SECRET`), absent from the generated Env.
  const secret: unknown = Reflect.get(env, 'ALERT_WEBHOOK_SECRET')
  return {
    store: createCheckStore(env.EDGEPING_KV, retentionFrom(env)),
    probes: buildProbePorts(env),
    notify: createNotifier(typeof secret === 'string' && secret !== '' ? secret : undefined),
    now: () => Date.now(),
    background: (p) => ctx.waitUntil(p),
    log: (m) => console.log(`checks: ${m}`),
  }
}
