import type { StoredConfig } from './records'
import { resolveTargets } from './resolve-targets'
import { type Budgets, planSchedule } from './schedule-plan'
import type { SourceLines } from './smokeping-parse'
import { TargetsConfigError } from './targets-error'
import { type TargetsConfig, webhookUrls } from './targets-model'

/**
 * Validates a config and precomputes what every tick needs (resolved targets, the plan), so
 * the cron only reads one small JSON value. Throws `TargetsConfigError` for a bad config.
 */
export function prepareConfig(
  config: TargetsConfig,
  budgets: Budgets,
  nowMs: number,
  lines?: SourceLines,
): StoredConfig {
  const resolved = resolveTargets(config, lines)
  // A tick POSTs once per distinct webhook URL (an alert without edgetrigger on every round it
  // matches): more URLs than the budget keeps for them would fail every such tick.
  const urls = new Set(
    [config.alerts?.to, ...(config.alerts?.list ?? []).map((a) => a.to)].flatMap(webhookUrls),
  )
  if (urls.size > budgets.webhookReserve) {
    throw new TargetsConfigError(
      'too_many',
      `${urls.size} distinct alert webhook URLs; a tick keeps ${budgets.webhookReserve} subrequests for webhooks (CHECKS_WEBHOOK_RESERVE): use fewer URLs or raise the reserve`,
    )
  }
  const plan = planSchedule(resolved.targets, budgets)
  return {
    v: 1,
    config,
    resolved: resolved.targets,
    multihost: resolved.multihost,
    plan,
    since: Math.floor(nowMs / 60_000),
    updatedAt: new Date(nowMs).toISOString(),
  }
}
