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
}

/**
 * Runs one round for each target: every target's `pings` probes, at most `concurrency` in
 * flight over all targets, interleaved so no target's probes all go at once. A probe has its
 * own timeout; a probe the deadline kept from running makes the round `unknown` rather than
 * counting as loss that never happened.
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
  await mapLimit(jobs, options.concurrency ?? PROBE_CONCURRENCY, async ({ t, i }) => {
    const target = targets[t]
    const slots = samples[t]
    if (!target || !slots || options.deadline.aborted) return
    slots[i] = await probeOnce(target, ports, options.deadline, i)
  })
  return targets.map((target, t) => {
    const got = samples[t] ?? []
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

async function probeOnce(
  target: ResolvedTarget,
  ports: ProbePorts,
  deadline: AbortSignal,
  index: number,
): Promise<Sample | undefined> {
  const kind = probeKind(target.kind)
  if (!kind) return { ok: false, reason: `no probe kind '${target.kind}'` }
  const signal = AbortSignal.any([AbortSignal.timeout(target.timeoutMs), deadline])
  try {
    const sample = await kind.probe(target, ports, signal, index)
    // Cut short by the deadline rather than its own timeout: not a measurement.
    if (!sample.ok && deadline.aborted) return undefined
    return sample
  } catch (err) {
    if (deadline.aborted) return undefined
    return { ok: false, reason: err instanceof Error ? err.message : String(err) }
  }
}
