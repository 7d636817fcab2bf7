import { describe, expect, it } from 'vitest'
import { isDue, planSchedule } from '../../../src/checks/schedule-plan'

const free = { subrequests: 50, webhookReserve: 2, tickWritesPerDay: 950 }
const targets = (n: number, pings = 20, step = 300) =>
  Array.from({ length: n }, (_, i) => ({ id: `t${String(i).padStart(3, '0')}`, pings, step }))

describe('planSchedule', () => {
  it('fills a tick up to the subrequest budget before opening the next minute', () => {
    const plan = planSchedule(targets(5), free)
    // 48 probes per tick: two targets of 20 pings per minute
    expect(Object.values(plan.offsets)).toEqual([0, 0, 1, 1, 2])
    expect(plan.peakProbes).toBe(40)
    expect(plan.writingTicksPerDay).toBe(3 * 288)
  })

  it('stops opening minutes at the daily KV write budget and says which targets did not fit', () => {
    const plan = planSchedule(targets(8), free)
    expect(plan.writingTicksPerDay).toBeLessThanOrEqual(950)
    expect(Object.keys(plan.offsets)).toHaveLength(6)
    expect(plan.unscheduled.map((u) => u.id)).toEqual(['t006', 't007'])
    expect(plan.unscheduled[0]?.reason).toContain('KV write budget')
  })

  it('refuses a target whose pings alone exceed a tick', () => {
    const plan = planSchedule(targets(1, 60), free)
    expect(plan.unscheduled[0]?.reason).toContain('60 pings exceed the 48 probes')
  })

  it('fits hundreds of targets on the paid plan budgets', () => {
    const plan = planSchedule(targets(200), {
      subrequests: 10_000,
      webhookReserve: 10,
      tickWritesPerDay: 100_000,
    })
    expect(plan.unscheduled).toEqual([])
    expect(plan.peakProbes).toBe(4000)
  })

  it('never plans a 60 s target on the free write budget (1,440 writes a day)', () => {
    expect(planSchedule(targets(1, 5, 60), free).unscheduled).toHaveLength(1)
  })

  it('mixes steps without overfilling any minute', () => {
    const mixed = [
      ...targets(2, 20, 60),
      ...targets(2, 20, 300).map((t) => ({ ...t, id: `s${t.id}` })),
    ]
    const plan = planSchedule(mixed, { ...free, tickWritesPerDay: 100_000 })
    // step-60 targets take 40 of 48 every minute: no room for 20 more anywhere
    expect(plan.unscheduled.map((u) => u.id)).toEqual(['st000', 'st001'])
  })
})

describe('isDue', () => {
  it('runs a 300 s target once every five minutes at its offset', () => {
    const due = Array.from({ length: 10 }, (_, m) => isDue(1_000_000 + m, 300, 2))
    expect(due.filter(Boolean)).toHaveLength(2)
  })
})
