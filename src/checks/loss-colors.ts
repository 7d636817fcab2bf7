/** SmokePing 2.9's loss colours, from green (no loss) to dark red (everything lost). */
const COLORS = [
  '#26ff00',
  '#00b8ff',
  '#0059ff',
  '#7e00ff',
  '#ff00ff',
  '#ff5500',
  '#ff0000',
  '#a00000',
]

export type LossBucket = { upTo: number; color: string; label: string }

/**
 * The loss buckets for `pings` probes (SmokePing 2.9 `smokecol`): thresholds 0, 1 %, 5 %, 10 %,
 * 25 %, 50 % (each with a floor), pings−1 and pings; a round falls in the first bucket whose
 * threshold is ≥ its loss. For 20 pings: 0, 1, 2, 3, 4-5, 6-10, 11-19, 20/20.
 */
export function lossBuckets(pings: number): LossBucket[] {
  const p = pings
  const raw = [
    0,
    Math.max(Math.floor(0.01 * p), 1),
    Math.max(Math.floor(0.05 * p), 2),
    Math.max(Math.floor(0.1 * p), 3),
    Math.max(Math.floor(0.25 * p), 4),
    Math.max(Math.floor(0.5 * p), 5),
    p - 1,
    p,
  ]
  const out: LossBucket[] = []
  let prev = -1
  raw.forEach((t, i) => {
    if (t <= prev || t > p) return
    const lo = prev + 1
    const label = t === p && p > 0 ? `${p}/${p}` : lo === t ? `${t}` : `${lo}-${t}`
    out.push({ upTo: t, color: COLORS[i] ?? '#a00000', label })
    prev = t
  })
  return out
}

/** The colour of a (possibly fractional, in rollups) loss count. */
export function lossColor(buckets: readonly LossBucket[], loss: number): string {
  for (const b of buckets) if (loss <= b.upTo) return b.color
  return buckets.at(-1)?.color ?? '#a00000'
}

/** Band i (1 = outermost, min..max) of `half` bands: `int(190 / half × (half − i)) + 50` grey. */
export function bandGrey(i: number, half: number): string {
  const v = Math.floor((190 / half) * (half - i)) + 50
  const hex = v.toString(16).padStart(2, '0')
  return `#${hex}${hex}${hex}`
}
