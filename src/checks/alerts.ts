import {
  compileAlertPattern,
  type HistoryValue,
  historyNeeded,
  matchesHistory,
} from './alert-pattern'
import type { ResolvedTarget } from './kinds/resolved-target'
import type { StoredRound, TargetHistory } from './records'
import type { AlertDef } from './targets-model'

/** A notification: an alert raised or cleared for a target. */
export type AlertEvent = {
  event: 'raise' | 'clear'
  alert: string
  type: 'loss' | 'rtt'
  target: string
  title: string
  host: string
  comment: string
  pattern: string
  /** Webhook URL (the alert's `to`, else the Alerts section's). */
  to: string | undefined
  /** SmokePing's logged history shape: `loss: 0%, 5%, U`, newest last. */
  loss: string
  rtt: string
  at: string
}

const MAX_HISTORY = 100

/**
 * Appends a round to a target's history (with `U` for every bucket skipped since the last
 * known one) and evaluates the target's alerts. An alert is raised when its pattern starts
 * matching and cleared when it stops: one raise per episode, never a repeat; `edgetrigger`
 * also announces the clear (SmokePing sends only on raise and clear with it).
 */
export function evaluateAlerts(
  target: ResolvedTarget,
  previous: TargetHistory | undefined,
  round: StoredRound,
  defs: readonly AlertDef[],
  sectionTo: string | undefined,
): { history: TargetHistory; events: AlertEvent[] } {
  const start: TargetHistory = previous ?? { b: round.b - 1, loss: ['S'], rtt: ['S'], active: [] }
  const gap = Math.max(0, Math.min(MAX_HISTORY, round.b - start.b - 1))
  const lossValue: HistoryValue =
    round.status === 'ok' && round.lossPercent != null ? round.lossPercent : 'U'
  const rttValue: HistoryValue = round.status === 'ok' && round.median != null ? round.median : 'U'
  const gaps = Array<HistoryValue>(gap).fill('U')
  const history: TargetHistory = {
    b: round.b,
    loss: [...start.loss, ...gaps, lossValue].slice(-MAX_HISTORY),
    rtt: [...start.rtt, ...gaps, rttValue].slice(-MAX_HISTORY),
    active: [],
  }
  const events: AlertEvent[] = []
  for (const def of defs) {
    if (!target.alerts.includes(def.name)) continue
    const pattern = compileAlertPattern(def.pattern, def.type)
    const matched = matchesHistory(pattern, def.type === 'loss' ? history.loss : history.rtt)
    const wasActive = start.active.includes(def.name)
    if (matched) history.active.push(def.name)
    if (matched === wasActive) continue
    if (!matched && !def.edgetrigger) continue
    const n = historyNeeded(pattern)
    events.push({
      event: matched ? 'raise' : 'clear',
      alert: def.name,
      type: def.type,
      target: target.id,
      title: target.title,
      host: target.host,
      comment: def.comment,
      pattern: def.pattern,
      to: def.to ?? sectionTo,
      loss: `loss: ${history.loss
        .slice(-n)
        .map((v) => (typeof v === 'number' ? `${v}%` : v))
        .join(', ')}`,
      rtt: `rtt: ${history.rtt
        .slice(-n)
        .map((v) => (typeof v === 'number' ? `${v}ms` : v))
        .join(', ')}`,
      at: new Date(round.t).toISOString(),
    })
  }
  // Priority (SmokePing): of several raised at once, only the lowest number is sent.
  return { history, events: byPriority(events, defs) }
}

function byPriority(events: AlertEvent[], defs: readonly AlertDef[]): AlertEvent[] {
  const prio = (e: AlertEvent) => defs.find((d) => d.name === e.alert)?.priority
  const raised = events.filter((e) => e.event === 'raise' && prio(e) !== undefined)
  if (raised.length < 2) return events
  const best = Math.min(...raised.map((e) => prio(e) ?? Number.POSITIVE_INFINITY))
  return events.filter((e) => e.event !== 'raise' || prio(e) === undefined || prio(e) === best)
}
