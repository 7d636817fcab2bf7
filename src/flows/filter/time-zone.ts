import { FilterError } from './filter-error'

/**
 * Local time for flow-nfilter's `time` and `time-date` primitives. flow-tools uses the process's
 * local zone (TZ); a Worker has none, so edgeping uses UTC unless the caller names an IANA zone.
 */
export type TimeZone = {
  /** Seconds to add to a UTC instant to get the zone's wall clock at that instant. */
  offsetAt: (utcSecs: number) => number
  /** The UTC instant of a wall-clock time in the zone (the later one in a DST gap/overlap). */
  wallToUtc: (wallSecs: number) => number
}

export const UTC: TimeZone = { offsetAt: () => 0, wallToUtc: (s) => s }

/** Offsets are cached per quarter hour: zone transitions fall on quarter hours. */
const BUCKET = 900

/** Builds a zone from an IANA name (`America/Sao_Paulo`); `UTC` or undefined gives UTC. */
export function timeZoneOf(name: string | undefined): TimeZone {
  if (name === undefined || /^(utc|gmt|z)$/i.test(name)) return UTC
  let fmt: Intl.DateTimeFormat
  try {
    fmt = new Intl.DateTimeFormat('en-US', {
      timeZone: name,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    })
  } catch {
    throw new FilterError(
      'bad_time_zone',
      `unknown time zone "${name}" (an IANA name such as Europe/Paris)`,
      'definition',
    )
  }
  const cache = new Map<number, number>()
  const offsetAt = (utcSecs: number): number => {
    const bucket = Math.floor(utcSecs / BUCKET)
    const hit = cache.get(bucket)
    if (hit !== undefined) return hit
    const parts: Record<string, number> = {}
    for (const p of fmt.formatToParts(new Date(bucket * BUCKET * 1000)))
      parts[p.type] = Number(p.value)
    const wall =
      Date.UTC(
        parts.year ?? 1970,
        (parts.month ?? 1) - 1,
        parts.day ?? 1,
        parts.hour ?? 0,
        parts.minute ?? 0,
        parts.second ?? 0,
      ) / 1000
    const off = wall - bucket * BUCKET
    if (cache.size > 100_000) cache.clear()
    cache.set(bucket, off)
    return off
  }
  return {
    offsetAt,
    wallToUtc: (wall) => {
      const guess = wall - offsetAt(wall)
      return wall - offsetAt(guess)
    },
  }
}
