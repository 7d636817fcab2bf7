import { mapLimit } from '../lib/map-limit'
import type { ProbePorts } from './kinds/ports'
import { probeKind } from './kinds/registry'
import type { ResolvedTarget } from './kinds/resolved-target'
import { computeRoundStats, type RoundStats, type Sample } from './round-stats'

/** Workers allow 6 simultaneous connections per invocation; 5 leaves one for KV. */
export const PROBE_CONCURRENCY = 5

/** A round as recorded: `unknown` when it could not run (deadline, budget, missed tick). */
export type RoundResult = {
  id: string
  /** Epoch ms when the round started (or was due, for an unknown round). */
  t: number
  status: 'ok' | 'unknown'
  reason?: string
} & Partial<RoundStats> & { pings: number }

export type RunOptions = {
  /** Aborts probes still waiting when the invocation's wall-clock deadline comes. */
  deadline: AbortSignal
  now: () => number
  concurrency?: number
  /**
   * Whether kinds send their baseline request (default true). False for a plan stored before
   * baselines were counted: its ticks are packed for the pings alone.
   */
  baselines?: boolean
}

/**
 * While other targets' probes wait, a target has at most this many in flight: a dead target,
 * whose every probe takes its whole timeout, cannot hold every slot and keep the live targets'
 * rounds from finishing before the deadline.
 */
export const PER_TARGET_IN_FLIGHT = 2

/**
 * Runs one round for each target: every target's `pings` probes, at most `concurrency` in
 * flight over all targets, interleaved so no target's probes all go at once. A probe has its
 * own timeout; a probe the deadline kept from running makes the round `unknown` rather than
 * counting as loss that never happened. No target holds more than PER_TARGET_IN_FLIGHT slots while
 * another's probes could use them, and a target whose probe took its whole timeout goes after
 * every other for the rest of the round: down targets cost their own rounds, not the tick's.
 */
export async function runRounds(
  targets: readonly ResolvedTarget[],
  ports: ProbePorts,
  options: RunOptions,
): Promise<RoundResult[]> {
  const started = options.now()
  const jobs: { t: number; i: number }[] = []
  const maxPings = Math.max(0, ...targets.map((t) => t.pings))
  for (let i = 0; i < maxPings; i++) {
    targets.forEach((target, t) => {
      if (i < target.pings) jobs.push({ t, i })
    })
  }
  const samples = targets.map((t) => Array<Sample | undefined>(t.pings).fill(undefined))
  // A kind's clean baseline request runs once per round, in the slot of the first ping that
  // needs it (so the requests in flight stay within `concurrency`); the round's other pings wait
  // for its answer. Settled to undefined when the deadline cut it.
  const baselines = new Map<number, Promise<string | null | undefined>>()
  const baselineOf = (t: number, target: ResolvedTarget) => {
    let p = baselines.get(t)
    if (!p) {
      p = baselineOnce(target, ports, options.deadline)
      baselines.set(t, p)
    }
    return p
  }
  const inFlight = targets.map(() => 0)
  const slow = new Set<number>()
  const taken = new Uint8Array(jobs.length)
  let first = 0 // every job before it is taken
  // The next job, in this order: the first of a target under its cap that has not timed out; the
  // first of one that has not timed out (capped: only capped targets' probes are left); the first
  // of a timed-out target under its cap; the first left. Timed-out targets truly go last.
  const next = (): { t: number; i: number } | undefined => {
    while (first < jobs.length && taken[first]) first++
    if (first >= jobs.length) return undefined
    let pick = -1
    let overCap = -1
    let slowPick = -1
    for (let k = first; k < jobs.length && pick < 0; k++) {
      if (taken[k]) continue
      const t = (jobs[k] as { t: number }).t
      const capped = (inFlight[t] as number) >= PER_TARGET_IN_FLIGHT
      if (!slow.has(t)) {
        if (!capped) pick = k
        else if (overCap < 0) overCap = k
      } else if (!capped && slowPick < 0) slowPick = k
    }
    if (pick < 0) pick = overCap >= 0 ? overCap : slowPick >= 0 ? slowPick : first
    taken[pick] = 1
    return jobs[pick]
  }
  const run = async ({ t, i }: { t: number; i: number }) => {
    const target = targets[t]
    const slots = samples[t]
    if (!target || !slots || options.deadline.aborted) return
    if (options.baselines !== false && probeKind(target.kind)?.baseline) {
      const verdict = await baselineOf(t, target)
      if (verdict !== null || options.deadline.aborted) return
    }
    const probe = await probeOnce(target, ports, options.deadline, i)
    slots[i] = probe.sample
    if (probe.timedOut) slow.add(t)
  }
  const worker = async () => {
    for (let job = next(); job; job = next()) {
      inFlight[job.t] = (inFlight[job.t] as number) + 1
      try {
        await run(job)
      } finally {
        inFlight[job.t] = (inFlight[job.t] as number) - 1
      }
    }
  }
  const workers = Math.min(options.concurrency ?? PROBE_CONCURRENCY, jobs.length)
  await Promise.all(Array.from({ length: workers }, worker))
  const verdicts = new Map<number, string | null | undefined>()
  for (const [t, p] of baselines) verdicts.set(t, await p)
  // The clean request once more after the variants, as POST /probes/referer rechecks: a site that
  // began answering every request with a blocked-looking status during the round made the later
  // variants look blocked. Cut by the deadline, it proves nothing either way and the round stands.
  const rechecks = [...verdicts].filter(
    ([t, v]) => v === null && samples[t]?.every((x) => x !== undefined) === true,
  )
  await mapLimit(rechecks, options.concurrency ?? PROBE_CONCURRENCY, async ([t]) => {
    const target = targets[t]
    if (!target || options.deadline.aborted) return
    const after = await baselineOnce(target, ports, options.deadline)
    if (after) verdicts.set(t, `${after} (the clean request sent again after the variants)`)
  })
  return targets.map((target, t) => {
    const got = samples[t] ?? []
    const verdict = verdicts.get(t)
    if (verdict) {
      // The pings could not be judged against the clean request: unknown, never "all blocked".
      return { id: target.id, t: started, status: 'unknown', reason: verdict, pings: target.pings }
    }
    if (got.some((s) => s === undefined)) {
      return {
        id: target.id,
        t: started,
        status: 'unknown',
        reason: 'the invocation deadline came before every probe ran',
        pings: target.pings,
      }
    }
    return { id: target.id, t: started, status: 'ok', ...computeRoundStats(got as Sample[]) }
  })
}

/**
 * Subrequests one round of the target makes: its pings, plus the kind's baseline request before
 * and after them. What the plan packs into a tick's subrequest budget.
 */
export function roundRequests(target: Pick<ResolvedTarget, 'kind' | 'pings'>): number {
  return target.pings + (probeKind(target.kind)?.baseline ? 2 : 0)
}

/** The kind's baseline verdict: a reason, null to go ahead, undefined when the deadline cut it. */
async function baselineOnce(
  target: ResolvedTarget,
  ports: ProbePorts,
  deadline: AbortSignal,
): Promise<string | null | undefined> {
  const baseline = probeKind(target.kind)?.baseline
  if (!baseline) return null
  const signal = AbortSignal.any([AbortSignal.timeout(target.timeoutMs), deadline])
  try {
    const verdict = await baseline(target, ports, signal)
    return deadline.aborted && verdict !== null ? undefined : verdict
  } catch (err) {
    if (deadline.aborted) return undefined
    return `the baseline request failed (${err instanceof Error ? err.message : String(err)})`
  }
}

/** One probe's sample (undefined when the deadline cut it), and whether it took its whole timeout. */
async function probeOnce(
  target: ResolvedTarget,
  ports: ProbePorts,
  deadline: AbortSignal,
  index: number,
): Promise<{ sample: Sample | undefined; timedOut: boolean }> {
  const kind = probeKind(target.kind)
  if (!kind)
    return { sample: { ok: false, reason: `no probe kind '${target.kind}'` }, timedOut: false }
  const timeout = AbortSignal.timeout(target.timeoutMs)
  const signal = AbortSignal.any([timeout, deadline])
  try {
    const sample = await kind.probe(target, ports, signal, index)
    // Cut short by the deadline rather than its own timeout: not a measurement.
    if (!sample.ok && deadline.aborted) return { sample: undefined, timedOut: false }
    return { sample, timedOut: !sample.ok && timeout.aborted }
  } catch (err) {
    if (deadline.aborted) return { sample: undefined, timedOut: false }
    const reason = err instanceof Error ? err.message : String(err)
    return { sample: { ok: false, reason }, timedOut: timeout.aborted }
  }
}
