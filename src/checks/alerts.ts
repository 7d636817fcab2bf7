import { printfFixed } from '../lib/printf-fixed'
import {
  compileAlertPattern,
  type HistoryValue,
  historyNeeded,
  matchesHistory,
} from './alert-pattern'
import type { ResolvedTarget } from './kinds/resolved-target'
import type { StoredRound, TargetHistory } from './records'
import type { AlertDef } from './targets-model'

/**
 * A notification, in SmokePing's three kinds: an `edgetrigger` alert is `raise`d when its
 * pattern starts matching and `clear`ed when it stops; any other alert is `active` on every
 * round while it matches ("is active").
 */
export type AlertEvent = {
  event: 'raise' | 'clear' | 'active'
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

/**
 * Values of each history a target keeps (SmokePing keeps as many as its longest pattern needs):
 * a pattern that looks further back is refused when the config is stored, since it could only
 * be matched against a cut history (see resolveTargets).
 */
export const MAX_HISTORY = 100

/**
 * Appends a round to a target's history (with `U` for every bucket skipped since the last
 * known one) and evaluates the target's alerts as SmokePing's check_alerts does: in order of
 * `priority` (none counts as 0), an `edgetrigger` alert sends `raise` and `clear` when its
 * match changes, any other sends `active` on every round it matches; once an alert with a
 * priority (not 0) has sent, no later alert with a priority sends in that round.
 */
export function evaluateAlerts(
  target: ResolvedTarget,
  previous: TargetHistory | undefined,
  round: StoredRound,
  defs: readonly AlertDef[],
  sectionTo: string | undefined,
): { history: TargetHistory; events: AlertEvent[] } {
  const start: TargetHistory = previous ?? { b: round.b - 1, loss: ['S'], rtt: ['S'], active: [] }
  // Buckets count steps: after a step change (300 s to 60 s) the old bucket number is in other
  // units, and the difference once filled the history with up to 100 U (firing `==U` alerts on
  // a target that never missed a round). Nothing is known to be skipped then.
  const sameStep = start.s === undefined || start.s === target.step
  const gap = sameStep ? Math.max(0, Math.min(MAX_HISTORY, round.b - start.b - 1)) : 0
  // The exact `loss × 100 / pings` (SmokePing's), not the 3-decimal figure the round stores:
  // with 1 of 3 lost, `>33.333%` matches.
  const lossValue: HistoryValue =
    round.status === 'ok' && round.lossPercent != null
      ? round.loss != null && round.pings > 0
        ? (round.loss * 100) / round.pings
        : round.lossPercent
      : 'U'
  const rttValue: HistoryValue = round.status === 'ok' && round.median != null ? round.median : 'U'
  const gaps = Array<HistoryValue>(gap).fill('U')
  const history: TargetHistory = {
    b: round.b,
    s: target.step,
    loss: [...start.loss, ...gaps, lossValue].slice(-MAX_HISTORY),
    rtt: [...start.rtt, ...gaps, rttValue].slice(-MAX_HISTORY),
    active: [],
  }
  const events: AlertEvent[] = []
  // The target's alerts in its own order, then stably by priority (SmokePing sorts so).
  const mine = target.alerts
    .map((name) => defs.find((d) => d.name === name))
    .filter((d): d is AlertDef => d !== undefined)
    .sort((a, b) => (a.priority ?? 0) - (b.priority ?? 0))
  let priorityDone = false
  for (const def of mine) {
    const pattern = compileAlertPattern(def.pattern, def.type)
    const matched = matchesHistory(pattern, def.type === 'loss' ? history.loss : history.rtt)
    const wasActive = start.active.includes(def.name)
    if (matched) history.active.push(def.name)
    const event: AlertEvent['event'] | undefined = def.edgetrigger
      ? matched === wasActive
        ? undefined
        : matched
          ? 'raise'
          : 'clear'
      : matched
        ? 'active'
        : undefined
    if (!event) continue
    // `priority = 0` is no priority to SmokePing's test, but still waits behind one that sent.
    if (def.priority !== undefined && priorityDone) continue
    if (def.priority) priorityDone = true
    const n = historyNeeded(pattern)
    events.push({
      event,
      alert: def.name,
      type: def.type,
      target: target.id,
      title: target.title,
      host: target.host,
      comment: def.comment,
      pattern: def.pattern,
      to: def.to ?? sectionTo,
      // SmokePing's log line: values as printf("%.0f"), newest last.
      loss: `loss: ${history.loss
        .slice(-n)
        .map((v) => (typeof v === 'number' ? `${printfFixed(v, 0)}%` : v))
        .join(', ')}`,
      rtt: `rtt: ${history.rtt
        .slice(-n)
        .map((v) => (typeof v === 'number' ? `${printfFixed(v, 0)}ms` : v))
        .join(', ')}`,
      at: new Date(round.t).toISOString(),
    })
  }
  return { history, events }
}
