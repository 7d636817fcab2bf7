/** What the planner needs of a target. */
export type PlanTarget = {
  id: string
  pings: number
  step: number
  /** Subrequests a round makes, when not just `pings` (a kind's baseline request adds one). */
  requests?: number
}

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
  /**
   * The minute of its step at which each unscheduled target's `unknown` round is recorded: one
   * whose ticks write anyway where there is one, else one whose new writes still fit the daily
   * KV budget. An unscheduled target without an entry is not recorded (its graph has no data):
   * recording it would spend the writes the plan kept it out for (a 60 s step, 1,440 a day).
   * Absent in plans stored before it: those record at offset 0, in ticks that write anyway.
   */
  unknownOffsets?: Record<string, number>
  /**
   * The plan counted each kind's baseline request (PlanTarget.requests). Plans stored before it
   * did not: their ticks send the pings only, so the subrequests stay within what was planned.
   */
  baselines?: true
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
  const plan: Plan = {
    offsets: {},
    unscheduled: [],
    writingTicksPerDay: 0,
    peakProbes: 0,
    baselines: true,
  }
  const ordered = [...targets].sort((a, b) => a.step - b.step || a.id.localeCompare(b.id))
  for (const t of ordered) {
    const s = t.step / 60
    const cost = Math.max(t.pings, t.requests ?? t.pings)
    if (cost > capacity) {
      const what =
        cost === t.pings
          ? `${t.pings} pings exceed`
          : `${cost} requests (${t.pings} pings and ${cost - t.pings} clean requests) exceed`
      plan.unscheduled.push({
        id: t.id,
        reason: `${what} the ${capacity} probes one tick may send (subrequest budget ${budgets.subrequests} minus ${budgets.webhookReserve} for webhooks)`,
      })
      continue
    }
    const offset = pickOffset(cost, s, load, capacity, budgets.tickWritesPerDay - writing)
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
      load[m] = (load[m] ?? 0) + cost
    }
    plan.offsets[t.id] = offset
  }
  // Unscheduled targets send nothing, but their unknown rounds are written: into ticks that
  // write anyway where possible, never past the write budget.
  const writes = load.map((l) => l > 0)
  plan.unknownOffsets = {}
  for (const u of plan.unscheduled) {
    const t = ordered.find((x) => x.id === u.id)
    if (!t) continue
    const s = t.step / 60
    let best: { o: number; opens: number } | undefined
    for (let o = 0; o < s && best?.opens !== 0; o++) {
      let opens = 0
      for (let m = o; m < DAY_MINUTES; m += s) if (!writes[m]) opens++
      if (!best || opens < best.opens) best = { o, opens }
    }
    if (!best || best.opens > budgets.tickWritesPerDay - writing) {
      u.reason += `; not recorded as unknown either, since every minute of its step would add a KV write past the daily budget: its graph shows no data`
      continue
    }
    for (let m = best.o; m < DAY_MINUTES; m += s) writes[m] = true
    writing += best.opens
    plan.unknownOffsets[t.id] = best.o
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
