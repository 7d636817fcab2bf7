import type { StoredConfig } from './records'
import { alertLine, resolveTargets } from './resolve-targets'
import { roundRequests } from './run-round'
import { type Budgets, planSchedule } from './schedule-plan'
import type { SourceLines } from './smokeping-parse'
import { TargetsConfigError } from './targets-error'
import { type TargetsConfig, webhookUrls, withoutEmptySections } from './targets-model'

/**
 * Validates a config and precomputes what every tick needs (resolved targets, the plan), so
 * the cron only reads one small JSON value. Throws `TargetsConfigError` for a bad config.
 */
export function prepareConfig(
  given: TargetsConfig,
  budgets: Budgets,
  nowMs: number,
  lines?: SourceLines,
): StoredConfig {
  const config = withoutEmptySections(given)
  const resolved = resolveTargets(config, lines)
  // A tick POSTs once per distinct webhook URL (an alert without edgetrigger on every round it
  // matches): more URLs than the budget keeps for them would fail every such tick. The error
  // names the first `to` that goes past the reserve.
  const recipientsAt = [
    { to: config.alerts?.to, path: 'alerts.to', line: lines?.get('alerts')?.vars.to },
    ...(config.alerts?.list ?? []).map((a) => ({
      to: a.to,
      path: `alerts.${a.name}.to`,
      line: alertLine(lines, a.name, 'to'),
    })),
  ]
  const urls = new Set<string>()
  for (const r of recipientsAt) {
    for (const url of webhookUrls(r.to)) urls.add(url)
    if (urls.size > budgets.webhookReserve) {
      const all = new Set(recipientsAt.flatMap((x) => webhookUrls(x.to))).size
      throw new TargetsConfigError(
        'too_many',
        `${all} distinct alert webhook URLs; a tick keeps ${budgets.webhookReserve} subrequests for webhooks (CHECKS_WEBHOOK_RESERVE): use fewer URLs or raise the reserve`,
        r.line,
        r.path,
      )
    }
  }
  const plan = planSchedule(
    resolved.targets.map((t) => ({
      id: t.id,
      pings: t.pings,
      step: t.step,
      requests: roundRequests(t),
    })),
    budgets,
  )
  return {
    v: 1,
    config,
    resolved: resolved.targets,
    multihost: resolved.multihost,
    plan,
    // The first whole minute after the PUT: the minute under way may already have run a round
    // of the old plan (its tick started at :00), and a bucket starting at that minute must not
    // get a second one from the new plan.
    since: Math.floor(nowMs / 60_000) + 1,
    updatedAt: new Date(nowMs).toISOString(),
  }
}
