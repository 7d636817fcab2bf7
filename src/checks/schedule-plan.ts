/** What the planner needs of a target. */
export type PlanTarget = { id: string; pings: number; step: number }

export type Budgets = {
  /** Subrequests one invocation may make (50 free, 10,000 paid): probes plus webhooks. */
  subrequests: number
  /** Subrequests kept for webhook deliveries (one per webhook URL per tick). */
  webhookReserve: number
  /** KV writes per day the ticks may use (free: 1,000 minus rollups and backfills). */
  tickWritesPerDay: number
}

/**
 * Which minute of its step each target runs in. A target with step s minutes runs at every
 * epoch minute M with M mod s = offset; s divides a day, so the pattern repeats daily.
 */
export type Plan = {
  offsets: Record<string, number>
  unscheduled: { id: string; reason: string }[]
  /** Distinct minutes of the day with at least one round: the ticks that write to KV. */
  writingTicksPerDay: number
  /** The busiest tick's probe count. */
  peakProbes: number
}

const DAY_MINUTES = 1440

/**
 * Packs targets into cron ticks so no tick sends more probes than the subrequest budget allows
 * and the ticks that write stay within the daily KV write budget. Deterministic: every
 * invocation computes the same plan from the same config, so two overlapping ticks never run
 * the same round (each round has exactly one minute). Targets are packed into minutes already
 * writing before a new minute is opened, since a write per tick is the scarce resource.
 */
export function planSchedule(targets: readonly PlanTarget[], budgets: Budgets): Plan {
  const capacity = budgets.subrequests - budgets.webhookReserve
  const load = new Array<number>(DAY_MINUTES).fill(0)
  let writing = 0
  const plan: Plan = { offsets: {}, unscheduled: [], writingTicksPerDay: 0, peakProbes: 0 }
  const ordered = [...targets].sort((a, b) => a.step - b.step || a.id.localeCompare(b.id))
  for (const t of ordered) {
    const s = t.step / 60
    if (t.pings > capacity) {
      plan.unscheduled.push({
        id: t.id,
        reason: `${t.pings} pings exceed the ${capacity} probes one tick may send (subrequest budget ${budgets.subrequests} minus ${budgets.webhookReserve} for webhooks)`,
      })
      continue
    }
    const offset = pickOffset(t.pings, s, load, capacity, budgets.tickWritesPerDay - writing)
    if (offset === undefined) {
      plan.unscheduled.push({
        id: t.id,
        reason:
          'no room left: every tick of its step is full or opening another would exceed the daily KV write budget',
      })
      continue
    }
    for (let m = offset; m < DAY_MINUTES; m += s) {
      if ((load[m] ?? 0) === 0) writing++
      load[m] = (load[m] ?? 0) + t.pings
    }
    plan.offsets[t.id] = offset
  }
  plan.writingTicksPerDay = writing
  plan.peakProbes = Math.max(0, ...load)
  return plan
}

function pickOffset(
  pings: number,
  s: number,
  load: number[],
  capacity: number,
  writesLeft: number,
): number | undefined {
  let fallback: number | undefined
  for (let o = 0; o < s; o++) {
    let fits = true
    let opens = 0
    for (let m = o; m < DAY_MINUTES; m += s) {
      const l = load[m] ?? 0
      if (l + pings > capacity) {
        fits = false
        break
      }
      if (l === 0) opens++
    }
    if (!fits) continue
    if (opens === 0) return o
    if (fallback === undefined && opens <= writesLeft) fallback = o
  }
  return fallback
}

/** Whether the target with this offset and step runs at epoch minute `minute`. */
export function isDue(minute: number, step: number, offset: number): boolean {
  return minute % (step / 60) === offset
}
