import type { StoredConfig } from './records'
import { resolveTargets } from './resolve-targets'
import { type Budgets, planSchedule } from './schedule-plan'
import type { SourceLines } from './smokeping-parse'
import type { TargetsConfig } from './targets-model'

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
