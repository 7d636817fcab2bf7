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
