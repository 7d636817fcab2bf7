import { keys } from './keys'

/** A saved flow analysis: what was asked and what came out, immutable once written. */
export type SavedAnalysis = {
  id: string
  kind: 'summary' | 'report' | 'timeline'
  createdAt: string
  query: Record<string, unknown>
  result: unknown
}

/** Analyses are random UUIDs (RFC 9562 v4): one writer per key, never rewritten. */
export const ANALYSIS_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/

/** Saved analyses expire after 90 days (KV expirationTtl), so the namespace does not grow forever. */
const TTL_SECONDS = 90 * 24 * 3600

export async function saveAnalysis(
  kv: KVNamespace,
  kind: SavedAnalysis['kind'],
  query: Record<string, unknown>,
  result: unknown,
  now: Date,
): Promise<SavedAnalysis> {
  const saved: SavedAnalysis = {
    id: crypto.randomUUID(),
    kind,
    createdAt: now.toISOString(),
    query,
    result,
  }
  await kv.put(keys.analysis(saved.id), JSON.stringify(saved), { expirationTtl: TTL_SECONDS })
  return saved
}

export async function getAnalysis(kv: KVNamespace, id: string): Promise<SavedAnalysis | null> {
  return kv.get<SavedAnalysis>(keys.analysis(id), 'json')
}
