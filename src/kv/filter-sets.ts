import { keys } from './keys'

/** A saved flow-nfilter configuration, usable by name (`filters=NAME`). */
export type FilterSet = { name: string; config: string; updatedAt: string }

/** Names are path-safe identifiers, so they are safe in KV keys and URLs. */
export const FILTER_SET_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/

/** KV allows 25 MiB values; a filter configuration never needs more than this. */
export const MAX_FILTER_SET_BYTES = 256 * 1024

export async function getFilterSet(kv: KVNamespace, name: string): Promise<FilterSet | null> {
  return kv.get<FilterSet>(keys.filterSet(name), 'json')
}

export async function putFilterSet(kv: KVNamespace, set: FilterSet): Promise<void> {
  await kv.put(keys.filterSet(set.name), JSON.stringify(set))
}

export async function deleteFilterSet(kv: KVNamespace, name: string): Promise<void> {
  await kv.delete(keys.filterSet(name))
}

export async function listFilterSets(kv: KVNamespace): Promise<string[]> {
  const names: string[] = []
  let cursor: string | undefined
  do {
    const page = await kv.list({ prefix: keys.filterSetPrefix, ...(cursor ? { cursor } : {}) })
    for (const k of page.keys) names.push(k.name.slice(keys.filterSetPrefix.length))
    cursor = page.list_complete ? undefined : page.cursor
  } while (cursor)
  return names
}
