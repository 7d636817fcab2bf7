import type { GraphPoint } from '../../../src/checks/graph-svg'

/**
 * A 30-hour series shaped like SmokePing's sample graph (fixtures/images): a flat 20 ms line
 * with thin smoke, a +15 ms step, a jitter burst and a 6/20 loss burst. Deterministic.
 */
export function sampleSeries(end: number, hours = 30, step = 300): GraphPoint[] {
  const n = (hours * 3600) / step
  let seed = 42
  const rnd = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31
    return seed / 2 ** 31
  }
  const points: GraphPoint[] = []
  for (let i = 0; i < n; i++) {
    const t = end - (n - i) * step * 1000
    const phase = i / n
    const base = phase > 0.4 && phase < 0.6 ? 36 : 21
    const spread = phase > 0.65 && phase < 0.75 ? 15 : 1.5
    const lost = phase > 0.8 && phase < 0.82 ? 6 : rnd() < 0.05 ? 1 : 0
    const samples = Array.from(
      { length: 20 - lost },
      () => base + rnd() * spread + (rnd() < 0.1 ? rnd() * 25 : 0),
    ).sort((a, b) => a - b)
    const front = Math.floor(lost / 2)
    const smoke = [
      ...Array<null>(front).fill(null),
      ...samples,
      ...Array<null>(lost - front).fill(null),
    ]
    points.push({
      t,
      span: step * 1000,
      median: samples[Math.floor(samples.length / 2)] ?? null,
      loss: lost,
      smoke,
    })
  }
  return points
}
