import type { Context } from 'hono'
import { buildCheckTree, type CheckTreeNode } from '../checks/check-tree'
import { lastRounds } from '../checks/history'
import type { AppEnv } from '../env'
import { createCheckStore, getChecksConfig, retentionFrom } from '../kv/checks-store'

/** The targets tree with each target's last round, or null before any PUT /targets. */
export async function checksOverview(c: Context<AppEnv>): Promise<CheckTreeNode | null> {
  const stored = await getChecksConfig(c.env.EDGEPING_KV)
  if (!stored) return null
  const store = createCheckStore(c.env.EDGEPING_KV, retentionFrom(c.env))
  return buildCheckTree(stored, await lastRounds(stored, store, Date.now()))
}
