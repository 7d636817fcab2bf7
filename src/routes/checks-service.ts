import type { Context } from 'hono'
import { buildCheckTree, type CheckTreeNode } from '../checks/check-tree'
import { lastRounds } from '../checks/history'
import { prepareConfig } from '../checks/prepare-config'
import type { StoredConfig } from '../checks/records'
import { exportSmokepingText } from '../checks/smokeping-export'
import { parseSmokepingText } from '../checks/smokeping-parse'
import type { AppEnv } from '../env'
import {
  createCheckStore,
  getChecksConfig,
  putChecksConfig,
  retentionFrom,
} from '../kv/checks-store'
import { budgetsFrom } from '../ports/checks-env'
import { assertTargetsAllowed } from './target-policy-check'

/** The targets tree with each target's last round, or null before any PUT /targets. */
export async function checksOverview(c: Context<AppEnv>): Promise<CheckTreeNode | null> {
  const stored = await getChecksConfig(c.env.EDGEPING_KV)
  if (!stored) return null
  const store = createCheckStore(c.env.EDGEPING_KV, retentionFrom(c.env))
  return buildCheckTree(stored, await lastRounds(stored, store, Date.now()))
}

/**
 * Stores a targets tree given as SmokePing text (PUT /targets with text/plain, and the dashboard's
 * editor): parse, plan, refuse forbidden hosts, write. Throws TargetsConfigError naming the line.
 */
export async function storeTargetsText(c: Context<AppEnv>, text: string): Promise<StoredConfig> {
  const { config, lines } = parseSmokepingText(text)
  return storeStored(c, prepareConfig(config, budgetsFrom(c.env), Date.now(), lines))
}

/** Checks the resolved hosts against the no-open-proxy rule, then writes the config. */
export async function storeStored(c: Context<AppEnv>, stored: StoredConfig): Promise<StoredConfig> {
  assertTargetsAllowed(stored.resolved, c.env.ALLOW_PRIVATE_TARGETS === 'true')
  await putChecksConfig(c.env.EDGEPING_KV, stored)
  return stored
}

/** The stored tree as SmokePing text, or null before any PUT /targets. */
export async function storedTargetsText(c: Context<AppEnv>): Promise<string | null> {
  const stored = await getChecksConfig(c.env.EDGEPING_KV)
  return stored ? exportSmokepingText(stored.config) : null
}
