/** One probe's outcome: an RTT in milliseconds, or a loss with the reason (a failure is data). */
export type Sample = { ok: true; ms: number } | { ok: false; reason: string }

/** What a round records, SmokePing's `rrdupdate_string` plus the statistics it leaves to RRD. */
export type RoundStats = {
  pings: number
  /** Lost probes, a count (SmokePing's `loss` data source), not a percentage. */
  loss: number
  /** `loss × 100 / pings`, the unit of SmokePing's loss alert patterns. */
  lossPercent: number
  /** null when nothing came back (SmokePing writes `U`). */
  median: number | null
  min: number | null
  max: number | null
  mean: number | null
  /** Population standard deviation of the received RTTs. */
  stddev: number | null
  /**
   * Mean absolute difference of consecutive received RTTs in send order (RFC 3550 §6.4.1
   * spirit); null when fewer than two came back (no pair to compare: not a perfectly steady 0).
   */
  jitter: number | null
  /**
   * `ping1..pingN`: the received RTTs sorted ascending with the lost slots as null, floor(loss/2)
   * in front and the rest behind, so the received values stay centred (SmokePing probes/base.pm).
   */
  smoke: (number | null)[]
  /** Distinct loss reasons with their counts, so an operator sees why probes failed. */
  reasons: Record<string, number>
}

/**
 * Computes a round's statistics exactly as SmokePing stores a round: the median is
 * `sorted[floor(received / 2)]` (the upper median for an even count).
 *
 * @example computeRoundStats([{ ok: true, ms: 20 }, { ok: false, reason: 'timeout' }, { ok: true, ms: 22 }])
 */
export function computeRoundStats(samples: readonly Sample[]): RoundStats {
  const received: number[] = []
  const reasons: Record<string, number> = {}
  for (const s of samples) {
    if (s.ok) received.push(s.ms)
    else reasons[s.reason] = (reasons[s.reason] ?? 0) + 1
  }
  const pings = samples.length
  const loss = pings - received.length
  const sorted = [...received].sort((a, b) => a - b)
  const n = sorted.length
  const front = Math.floor(loss / 2)
  const smoke: (number | null)[] = [
    ...Array<null>(front).fill(null),
    ...sorted.map(round3),
    ...Array<null>(loss - front).fill(null),
  ]
  const lossPercent = pings === 0 ? 0 : round3((loss * 100) / pings)
  if (n === 0) {
    return {
      pings,
      loss,
      lossPercent,
      median: null,
      min: null,
      max: null,
      mean: null,
      stddev: null,
      jitter: null,
      smoke,
      reasons,
    }
  }
  const mean = sorted.reduce((a, b) => a + b, 0) / n
  const variance = sorted.reduce((a, b) => a + (b - mean) ** 2, 0) / n
  let diffs = 0
  for (let i = 1; i < received.length; i++) {
    diffs += Math.abs((received[i] ?? 0) - (received[i - 1] ?? 0))
  }
  return {
    pings,
    loss,
    lossPercent,
    median: round3(sorted[Math.floor(n / 2)] ?? 0),
    min: round3(sorted[0] ?? 0),
    max: round3(sorted[n - 1] ?? 0),
    mean: round3(mean),
    stddev: round3(Math.sqrt(variance)),
    jitter: n > 1 ? round3(diffs / (n - 1)) : null,
    smoke,
    reasons,
  }
}

/** Microsecond precision is all a Worker's clock offers (and more than it measures). */
function round3(x: number): number {
  return Math.round(x * 1000) / 1000
}
