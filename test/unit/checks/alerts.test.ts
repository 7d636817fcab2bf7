import { describe, expect, it } from 'vitest'
import { evaluateAlerts } from '../../../src/checks/alerts'
import type { ResolvedTarget } from '../../../src/checks/kinds/resolved-target'
import type { StoredRound, TargetHistory } from '../../../src/checks/records'
import { resolveTargets } from '../../../src/checks/resolve-targets'
import { parseSmokepingText } from '../../../src/checks/smokeping-parse'
import { TargetsConfigError } from '../../../src/checks/targets-error'
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

  it('without edgetrigger, says "is active" on every round it matches and never clears (SmokePing)', () => {
    const { events } = replay([
      round(1, 0, 150),
      round(2, 0, 150),
      round(3, 0, 50),
      round(4, 0, 150),
    ])
    expect(events).toEqual(['1:active:slow', '2:active:slow', '4:active:slow'])
  })

  it('sends by priority as check_alerts does: after one with a priority sent, no later prioritised one', () => {
    const prio = (name: string, priority: number | undefined, edgetrigger = false): AlertDef => ({
      name,
      type: 'rtt',
      pattern: '>100',
      comment: name,
      ...(edgetrigger ? { edgetrigger } : {}),
      ...(priority !== undefined ? { priority } : {}),
    })
    // Listed out of order: sorted by priority (none = 0), stably.
    const all = [prio('p2', 2), prio('none', undefined), prio('p1', 1), prio('p3', 3, true)]
    const t = { ...target, alerts: ['p2', 'none', 'p1', 'p3'] }
    const once = evaluateAlerts(t, undefined, round(1, 0, 150), all, undefined)
    // p1 sends first and sets the mark; p2 and p3 (prioritised, later) stay silent; 'none' sends.
    expect(once.events.map((e) => `${e.event}:${e.alert}`)).toEqual(['active:none', 'active:p1'])
    // The silenced edge alert still counts as matched: no raise for it next round either.
    expect(once.history.active).toEqual(['none', 'p1', 'p2', 'p3'])
    // priority 0 sets no mark (SmokePing tests it for truth): a later prioritised alert still sends.
    const zero = evaluateAlerts(
      { ...target, alerts: ['p1', 'z'] },
      undefined,
      round(1, 0, 150),
      [prio('p1', 1), prio('z', 0)],
      undefined,
    )
    expect(zero.events.map((e) => e.alert)).toEqual(['z', 'p1'])
  })

  it('keeps the exact loss percentage in the history: 1 of 3 lost matches >33.333%', () => {
    const def: AlertDef = { name: 'third', type: 'loss', pattern: '>33.333%', comment: 'x' }
    const r: StoredRound = { ...round(1, 1, 10), pings: 3, lossPercent: 33.333 }
    const out = evaluateAlerts({ ...target, alerts: ['third'] }, undefined, r, [def], undefined)
    expect(out.events.map((e) => e.alert)).toEqual(['third'])
    expect(out.events[0]?.loss).toBe('loss: 33%')
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

describe('a pattern longer than the history kept', () => {
  const text = (pattern: string) => `*** Alerts ***
to = https://hooks.example/a

+ long
type = loss
pattern = ${pattern}
comment = loss twice within ~120 rounds

*** Targets ***
probe = tcp
menu = Top
title = Top
alerts = long

+ a
menu = A
title = A
host = a.example
`

  it('is refused at PUT, naming the line, rather than matched against a cut history', () => {
    const { config, lines } = parseSmokepingText(text('>0%,*120*,>0%'))
    let err: unknown
    try {
      resolveTargets(config, lines)
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(TargetsConfigError)
    expect(err).toMatchObject({ code: 'bad_pattern', line: 6 })
    expect(String(err)).toContain('looks back up to 122 rounds')
  })

  it('is refused when it has more elements than the history holds (it could never match)', () => {
    const { config } = parseSmokepingText(text(Array(101).fill('>0%').join(',')))
    expect(() => resolveTargets(config)).toThrow(/looks back up to 101 rounds/)
  })

  it('fits when it needs at most the 100 values kept, and matches at the far end', () => {
    const { config } = parseSmokepingText(text('>0%,*98*,>0%'))
    const [t] = resolveTargets(config).targets
    if (!t) throw new Error('one target')
    const def = config.alerts?.list ?? []
    let history: TargetHistory | undefined
    let fired = false
    for (let b = 1; b <= 100; b++) {
      const r = round(b, b === 1 || b === 100 ? 5 : 0, 10)
      const out = evaluateAlerts(t, history, r, def, undefined)
      history = out.history
      fired = out.events.length > 0
    }
    expect(fired).toBe(true)
  })
})

describe('the alert history across a step change', () => {
  it('fills no U when the step changed: bucket numbers of two steps do not compare', () => {
    const offline: AlertDef = { name: 'offline', type: 'rtt', pattern: '==U,==U,==U', comment: 'x' }
    const t = { ...target, alerts: ['offline'] }
    // a round at minute 10,000,000 under step 300 (bucket 2,000,000) ...
    const before = evaluateAlerts(t, undefined, round(2_000_000, 0, 10), [offline], undefined)
    expect(before.history.s).toBe(300)
    // ... and the next one, two minutes later, under step 60: bucket 10,000,002
    const fast = { ...t, step: 60 }
    const next: StoredRound = { ...round(0, 0, 11), b: 10_000_002, m: 10_000_002 }
    const after = evaluateAlerts(fast, before.history, next, [offline], undefined)
    expect(after.history.rtt).toEqual(['S', 10, 11])
    expect(after.events).toEqual([])
  })

  it('still fills the buckets a same-step history skipped', () => {
    const h = evaluateAlerts(target, undefined, round(10, 0, 10), defs, undefined).history
    expect(evaluateAlerts(target, h, round(13, 0, 10), defs, undefined).history.rtt).toEqual([
      'S',
      10,
      'U',
      'U',
      10,
    ])
  })
})
