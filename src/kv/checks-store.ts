import type { CheckStore, DayRecord, HourRecord, StoredConfig, TickRecord } from '../checks/records'
import { keys } from './keys'

const DAY_S = 86_400

export type Retention = { rawDays: number; hourlyDays: number; dailyDays: number }

/**
 * The checks records in KV. Tick, hour and day records are immutable once written (one writer:
 * the tick of that minute, or the single rollup minute), so eventual consistency never loses an
 * update; each expires after its tier's retention.
 */
export function createCheckStore(kv: KVNamespace, retention: Retention): CheckStore {
  const ttl = (days: number) => ({ expirationTtl: Math.max(60, Math.round(days * DAY_S)) })
  return {
    getTick: (m) => kv.get<TickRecord>(keys.checksTick(m), 'json'),
    putTick: (m, r) => kv.put(keys.checksTick(m), JSON.stringify(r), ttl(retention.rawDays)),
    getHour: (h) => kv.get<HourRecord>(keys.checksHour(h), 'json'),
    putHour: (h, r) => kv.put(keys.checksHour(h), JSON.stringify(r), ttl(retention.hourlyDays)),
    getDay: (d) => kv.get<DayRecord>(keys.checksDay(d), 'json'),
    putDay: (d, r) => kv.put(keys.checksDay(d), JSON.stringify(r), ttl(retention.dailyDays)),
  }
}

/** The targets configuration: one key, written only by `PUT /targets`. */
export async function getChecksConfig(kv: KVNamespace): Promise<StoredConfig | null> {
  return kv.get<StoredConfig>(keys.checksConfig, 'json')
}

export async function putChecksConfig(kv: KVNamespace, stored: StoredConfig): Promise<void> {
  await kv.put(keys.checksConfig, JSON.stringify(stored))
}

export function retentionFrom(
  env: Pick<Env, 'CHECKS_RAW_DAYS' | 'CHECKS_HOURLY_DAYS' | 'CHECKS_DAILY_DAYS'>,
): Retention {
  const num = (v: string | undefined, d: number) => (Number(v) > 0 ? Number(v) : d)
  return {
    rawDays: num(env.CHECKS_RAW_DAYS, 8),
    hourlyDays: num(env.CHECKS_HOURLY_DAYS, 410),
    dailyDays: num(env.CHECKS_DAILY_DAYS, 1100),
  }
}
