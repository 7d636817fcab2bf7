import { describe, expect, it } from 'vitest'
import { evaluateAlerts } from '../../../src/checks/alerts'
import type { ResolvedTarget } from '../../../src/checks/kinds/resolved-target'
import type { StoredRound, TargetHistory } from '../../../src/checks/records'
import type { AlertDef } from '../../../src/checks/targets-model'

const target: ResolvedTarget = {
  id: 'a.b',
  title: 'B',
  menu: 'B',
  host: '192.0.2.1',
  kind: 'tcp',
  probe: 'tcp',
  pings: 20,
  step: 300,
  timeoutMs: 5000,
  alerts: ['bigloss', 'slow'],
}
const defs: AlertDef[] = [
  {
    name: 'bigloss',
    type: 'loss',
    pattern: '==0%,>20%,>20%',
    comment: 'sudden loss',
    edgetrigger: true,
  },
  { name: 'slow', type: 'rtt', pattern: '>100', comment: 'slow' },
]
const round = (b: number, loss: number, median: number | null): StoredRound => ({
  id: 'a.b',
  t: b * 300_000,
  status: 'ok',
  pings: 20,
  loss,
  lossPercent: (loss * 100) / 20,
  median,
  b,
  m: b * 5,
})

function replay(rounds: StoredRound[]) {
  let hist: TargetHistory | undefined
  const all = []
  for (const r of rounds) {
    const out = evaluateAlerts(target, hist, r, defs, 'https://hooks.example/x')
    hist = out.history
    all.push(...out.events.map((e) => `${r.b}:${e.event}:${e.alert}`))
  }
  return { events: all, hist }
}

describe('evaluateAlerts', () => {
  it('raises when the pattern starts matching and, with edgetrigger, clears when it stops', () => {
    const { events } = replay([
      round(1, 0, 10),
      round(2, 5, 10),
      round(3, 6, 10),
      round(4, 6, 10),
      round(5, 0, 10),
      round(6, 0, 10),
    ])
    expect(events).toEqual(['3:raise:bigloss', '4:clear:bigloss'])
  })

  it('does not announce the clear without edgetrigger, and does not repeat a raise', () => {
    const { events } = replay([
      round(1, 0, 150),
      round(2, 0, 150),
      round(3, 0, 50),
      round(4, 0, 150),
    ])
    expect(events).toEqual(['1:raise:slow', '4:raise:slow'])
  })

  it('fills skipped buckets with U and keeps SmokePing history strings', () => {
    const out = evaluateAlerts(
      target,
      { b: 1, loss: ['S', 0], rtt: ['S', 10], active: [] },
      round(4, 10, 200),
      defs,
      undefined,
    )
    expect(out.history.loss).toEqual(['S', 0, 'U', 'U', 50])
    expect(out.events[0]).toMatchObject({ alert: 'slow', rtt: 'rtt: 200ms' })
  })
})
