import type { FlowBatch } from '../flow-batch'

/**
 * flow-tools' ftltime(): the absolute time of uptime `t` (First or Last) in milliseconds,
 * from the export time of the PDU: unix_secs*1000 + nsecs/1e6 - sysUpTime + t. No uptime-wrap
 * correction, exactly like flow-tools (reference §3).
 */
export function ftlTimeMs(b: FlowBatch, i: number, t: number): number {
  const c = b.cols
  return (
    (c.unix_secs[i] as number) * 1000 +
    Math.floor((c.unix_nsecs[i] as number) / 1e6) -
    (c.sysuptime[i] as number) +
    t
  )
}

/** Broken-down UTC time (a Worker has no local zone; UTC is the default of every text output). */
export type Tm = {
  year: number
  mon: number
  mday: number
  hour: number
  min: number
  sec: number
  ms: number
}

export function utcTm(ms: number): Tm {
  const d = new Date(ms)
  return {
    year: d.getUTCFullYear(),
    mon: d.getUTCMonth() + 1,
    mday: d.getUTCDate(),
    hour: d.getUTCHours(),
    min: d.getUTCMinutes(),
    sec: d.getUTCSeconds(),
    ms: ((ms % 1000) + 1000) % 1000,
  }
}

/** Converts epoch milliseconds to broken-down time in some zone. */
export type Clock = (ms: number) => Tm

/**
 * Broken-down time in an IANA zone (flow-tools prints local time; `tz=` picks the zone). The UTC
 * offset is looked up once per 15 minutes of time: every zone changes offset on such a boundary.
 * Throws RangeError for an unknown zone.
 */
export function zoneClock(zone: string): Clock {
  if (zone === 'UTC') return utcTm
  const fmt = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  })
  const offsets = new Map<number, number>()
  const offsetAt = (ms: number): number => {
    const key = Math.floor(ms / 900_000)
    let off = offsets.get(key)
    if (off === undefined) {
      const at = key * 900_000
      const p: Record<string, number> = {}
      for (const part of fmt.formatToParts(at))
        if (part.type !== 'literal') p[part.type] = Number(part.value)
      off =
        Date.UTC(
          p.year ?? 1970,
          (p.month ?? 1) - 1,
          p.day ?? 1,
          p.hour ?? 0,
          p.minute ?? 0,
          p.second ?? 0,
        ) - at
      if (offsets.size > 100_000) offsets.clear()
      offsets.set(key, off)
    }
    return off
  }
  return (ms) => utcTm(ms + offsetAt(ms))
}
