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

/**
 * Broken-down UTC time by arithmetic (proleptic Gregorian, as Date): a Date and its six getters
 * cost about 280 ns per printed time (two per -f 5 row), this about 40 ns. Days to civil date is
 * H. Hinnant's civil_from_days (http://howardhinnant.github.io/date_algorithms.html).
 */
export function utcTm(ms: number, into: Tm = emptyTm()): Tm {
  const days = Math.floor(ms / 86_400_000)
  const inDay = ms - days * 86_400_000
  const secs = Math.floor(inDay / 1000)
  // Flows come roughly in time order: most share the previous one's day.
  if (days !== lastDay.days) civilDay(days)
  into.year = lastDay.year
  into.mon = lastDay.mon
  into.mday = lastDay.mday
  into.hour = Math.floor(secs / 3600)
  into.min = Math.floor(secs / 60) % 60
  into.sec = secs % 60
  into.ms = inDay - secs * 1000
  return into
}

/** A Tm to fill: printers keep two and reuse them, so printing a time allocates nothing. */
export function emptyTm(): Tm {
  return { year: 0, mon: 0, mday: 0, hour: 0, min: 0, sec: 0, ms: 0 }
}

const lastDay = { days: Number.NaN, year: 0, mon: 0, mday: 0 }

function civilDay(days: number): void {
  const z = days + 719_468
  const era = Math.floor(z / 146_097)
  const doe = z - era * 146_097
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365,
  )
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100))
  const mp = Math.floor((5 * doy + 2) / 153)
  const mon = mp < 10 ? mp + 3 : mp - 9
  lastDay.days = days
  lastDay.year = yoe + era * 400 + (mon <= 2 ? 1 : 0)
  lastDay.mon = mon
  lastDay.mday = doy - Math.floor((153 * mp + 2) / 5) + 1
}

/** Converts epoch milliseconds to broken-down time in some zone. */
export type Clock = (ms: number, into?: Tm) => Tm

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
  return (ms, into) => utcTm(ms + offsetAt(ms), into)
}
