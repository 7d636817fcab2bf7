import { describe, expect, it } from 'vitest'
import { computeRoundStats, type Sample } from '../../../src/checks/round-stats'

const ok = (ms: number): Sample => ({ ok: true, ms })
const lost = (reason = 'timeout'): Sample => ({ ok: false, reason })

describe('computeRoundStats', () => {
  it('takes the upper median of an even count, as SmokePing does (20 received -> 11th smallest)', () => {
    const samples = Array.from({ length: 20 }, (_, i) => ok(20 - i)) // 20..1, unsorted
    const r = computeRoundStats(samples)
    expect(r.median).toBe(11)
    expect(r.min).toBe(1)
    expect(r.max).toBe(20)
    expect(r.loss).toBe(0)
    expect(r.smoke).toEqual(Array.from({ length: 20 }, (_, i) => i + 1))
  })

  it('takes the middle value of an odd count', () => {
    expect(computeRoundStats([ok(30), ok(10), ok(20)]).median).toBe(20)
  })

  it('centres the received values: loss 3 of 20 gives one lost slot in front and two behind', () => {
    const samples = [
      lost(),
      ...Array.from({ length: 17 }, (_, i) => ok(i + 1)),
      lost(),
      lost('refused'),
    ]
    const r = computeRoundStats(samples)
    expect(r.loss).toBe(3)
    expect(r.lossPercent).toBe(15)
    expect(r.smoke).toHaveLength(20)
    expect(r.smoke[0]).toBeNull()
    expect(r.smoke.slice(1, 18)).toEqual(Array.from({ length: 17 }, (_, i) => i + 1))
    expect(r.smoke.slice(18)).toEqual([null, null])
    // 17 received: median = sorted[8] = 9
    expect(r.median).toBe(9)
    expect(r.reasons).toEqual({ timeout: 2, refused: 1 })
  })

  it('records an all-lost round as loss = pings with unknown statistics', () => {
    const r = computeRoundStats([lost(), lost(), lost()])
    expect(r).toMatchObject({ pings: 3, loss: 3, lossPercent: 100, median: null, min: null })
    expect(r.smoke).toEqual([null, null, null])
  })

  it('computes mean, population standard deviation and jitter in send order', () => {
    // send order 10, 14, 12, 16: |4| + |2| + |4| = 10 over 3 differences
    const r = computeRoundStats([ok(10), ok(14), ok(12), ok(16)])
    expect(r.mean).toBe(13)
    expect(r.stddev).toBeCloseTo(Math.sqrt(5), 3)
    expect(r.jitter).toBeCloseTo(10 / 3, 3)
  })

  it('skips lost probes when taking consecutive differences for jitter', () => {
    const r = computeRoundStats([ok(10), lost(), ok(20), ok(20)])
    expect(r.jitter).toBe(5)
  })

  it('has no jitter when a single probe came back: there is no pair to compare', () => {
    const r = computeRoundStats([lost(), ok(12), lost(), lost()])
    expect(r).toMatchObject({ loss: 3, median: 12, stddev: 0, jitter: null })
  })
})
