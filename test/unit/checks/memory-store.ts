import type { CheckStore } from '../../../src/checks/records'

/** A Map standing in for KV, with real JSON round trips (what KV would store). */
export function memoryStore(): CheckStore & { keys: () => string[] } {
  const m = new Map<string, string>()
  const get = async <T>(k: string) => {
    const v = m.get(k)
    return v === undefined ? null : (JSON.parse(v) as T)
  }
  const put = async (k: string, v: unknown) => void m.set(k, JSON.stringify(v))
  return {
    keys: () => [...m.keys()],
    getTick: (x) => get(`tick:${x}`),
    putTick: (x, r) => put(`tick:${x}`, r),
    getHour: (x) => get(`hour:${x}`),
    putHour: (x, r) => put(`hour:${x}`, r),
    getDay: (x) => get(`day:${x}`),
    putDay: (x, r) => put(`day:${x}`, r),
  }
}
