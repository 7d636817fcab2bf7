import { describe, expect, it } from 'vitest'
import type { StoredRound } from '../../../src/checks/records'
import { aggregate } from '../../../src/checks/rollup'

const ok = (
  loss: number,
  median: number,
  smoke: (number | null)[],
  min = 1,
  max = 9,
): StoredRound => ({
  id: 'x',
  t: 0,
  status: 'ok',
  pings: smoke.length,
  loss,
  median,
  min,
  max,
  smoke,
  b: 0,
  m: 0,
})
const unknown: StoredRound = { id: 'x', t: 0, status: 'unknown', pings: 3, b: 0, m: 0 }

describe('aggregate', () => {
  it('averages loss, median and each pingK, keeping the extremes (RRD AVERAGE/MIN/MAX)', () => {
    const a = aggregate(0, [ok(0, 10, [8, 10, 12], 8, 12), ok(1, 20, [null, 18, 22], 18, 30)])
    expect(a).toMatchObject({ n: 2, unknown: 0, pings: 3, loss: 0.5, median: 15, min: 8, max: 30 })
    // ping1 is known in one round only: the average of the known values
    expect(a.smoke).toEqual([8, 14, 17])
  })

  it('is unknown when fewer than half the rounds are known (xff 0.5)', () => {
    expect(aggregate(0, [ok(0, 10, [1, 2, 3]), unknown, unknown])).toMatchObject({
      n: 1,
      unknown: 2,
      median: null,
    })
    expect(aggregate(0, [ok(0, 10, [1, 2, 3]), unknown]).median).toBe(10)
  })

  it('weights finer aggregates by their round counts', () => {
    const h1 = aggregate(0, [ok(0, 10, [1, 2, 3]), ok(0, 10, [1, 2, 3]), ok(0, 10, [1, 2, 3])])
    const h2 = aggregate(3_600_000, [ok(3, 40, [null, null, null])])
    expect(aggregate(0, [h1, h2])).toMatchObject({ n: 4, loss: 0.75, median: 17.5 })
  })

  it('keeps loss counts and smoke ranks of another ping count out (the pings were edited)', () => {
    // 3 pings then 5: slot 2 would mix one round's maximum with another's median.
    const mixed = aggregate(0, [
      ok(0, 10, [8, 10, 12], 8, 12),
      ok(1, 30, [20, 25, 30, 35, null], 20, 35),
      ok(0, 30, [20, 25, 30, 35, 40], 20, 40),
    ])
    expect(mixed.pings).toBe(5)
    // loss and smoke from the 5-ping rounds only: two known PDPs of three (ping5 has one)
    expect(mixed).toMatchObject({ loss: 0.5, median: 23.333, min: 8, max: 40 })
    expect(mixed.smoke).toEqual([20, 25, 30, 35, null])
    // one 5-ping round in three: too few known PDPs for loss and smoke (xff 0.5)
    const mostlyOld = aggregate(0, [ok(0, 10, [8, 10, 12]), ok(0, 10, [8, 10, 12]), mixed])
    expect(mostlyOld.loss).toBeNull()
    expect(mostlyOld.smoke).toEqual([null, null, null, null, null])
  })
})
