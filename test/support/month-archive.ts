/**
 * A synthetic month of flow-capture daily files, written with the project's ft writer: the
 * seed's story in miniature. Background traffic every day on common ports; from 2010-11-09
 * 01:25:41 UTC the victim 189.22.36.165 talks IRC to 208.83.20.130:6667, and from 2010-11-11
 * it also reaches 64.18.128.42:7000. Used by the archive-job tests and the archive benchmark.
 */
import { createFlowBatch, type FlowBatch } from '../../src/flows/flow-batch'
import { ftFileStream } from '../../src/flows/ft-writer'
import { findLayout } from '../../src/flows/record-layouts'
import { rng } from './rng'

export const VICTIM = '189.22.36.165'
export const IRC_SERVER = '208.83.20.130'
export const SECOND_SERVER = '64.18.128.42'
/** The first IRC flow of the month: its start time. */
export const FIRST_IRC = '2010-11-09T01:25:41.000Z'
export const MONTH_START = Date.UTC(2010, 9, 15) / 1000

const ip = (s: string) => s.split('.').reduce((n, o) => ((n << 8) | Number(o)) >>> 0, 0)

const UPTIME = 900_000_000

/** Sets row i: a flow of `secs` seconds starting at unix time `start`. */
function put(
  b: FlowBatch,
  i: number,
  start: number,
  src: number,
  dst: number,
  sport: number,
  dport: number,
  prot: number,
  pkts: number,
  r: () => number,
): void {
  const c = b.cols
  const secs = 1 + Math.floor(r() * 30)
  // Exported 2 s after the end; first/last are router uptimes (flow-tools' reconstruction).
  c.unix_secs[i] = start + secs + 2
  c.unix_nsecs[i] = 0
  c.sysuptime[i] = UPTIME
  c.last[i] = UPTIME - 2000
  c.first[i] = UPTIME - 2000 - secs * 1000
  c.exaddr[i] = ip('10.0.0.1')
  c.srcaddr[i] = src
  c.dstaddr[i] = dst
  c.nexthop[i] = ip('10.0.0.2')
  c.input[i] = 1
  c.output[i] = 2
  c.dpkts[i] = pkts
  c.doctets[i] = pkts * (40 + Math.floor(r() * 1400))
  c.srcport[i] = sport
  c.dstport[i] = dport
  c.prot[i] = prot
  c.tcp_flags[i] = prot === 6 ? 0x1b : 0
  c.src_mask[i] = 24
  c.dst_mask[i] = 24
}

/**
 * The flows of day `d` (0 = 2010-10-15), in time order; with `slots` > 1, only those of slot
 * `slot` of the day (288 slots = flow-capture's 5-minute files).
 */
export function dayFlows(d: number, perDay: number, slot = 0, slots = 1): FlowBatch {
  const r = rng(1000 + d * 1000 + slot)
  const span = 86400 / slots
  const dayStart = MONTH_START + d * 86400
  const day = dayStart + slot * span
  const inSlot = (t: number) => t >= day && t < day + span
  const irc: { start: number; dst: number; dport: number }[] = []
  const ircFrom = Date.parse(FIRST_IRC) / 1000
  // Every 3 hours from 01:25:41, once the intrusion has begun.
  for (let k = 0; k < 8; k++) {
    const start = dayStart + k * 3 * 3600 + 5141
    if (start >= ircFrom && inSlot(start)) irc.push({ start, dst: ip(IRC_SERVER), dport: 6667 })
  }
  const second = dayStart + 7200
  if (dayStart >= Date.UTC(2010, 10, 11) / 1000 && inSlot(second)) {
    irc.push({ start: second, dst: ip(SECOND_SERVER), dport: 7000 })
  }
  const b = createFlowBatch(perDay + irc.length)
  const rows: { start: number; set: (i: number) => void }[] = []
  for (let k = 0; k < perDay; k++) {
    const start = day + Math.floor(((k + r()) / perDay) * (span - 400))
    const host = ip('189.22.36.0') + 1 + Math.floor(r() * 200)
    const remote = (ip('23.0.0.0') + Math.floor(r() * 0x3fffffff)) >>> 0
    const port = [80, 443, 22, 53, 25][Math.floor(r() * 5)] as number
    const prot = port === 53 ? 17 : 6
    const eph = 10_000 + Math.floor(r() * 50_000)
    const pkts = 1 + Math.floor(r() * 40)
    rows.push({ start, set: (i) => put(b, i, start, host, remote, eph, port, prot, pkts, r) })
  }
  for (const f of irc) {
    rows.push({
      start: f.start,
      set: (i) =>
        put(b, i, f.start, ip(VICTIM), f.dst, 49_152 + (f.start % 1000), f.dport, 6, 12, r),
    })
  }
  rows.sort((a, b2) => a.start - b2.start)
  rows.forEach((row, i) => {
    row.set(i)
  })
  b.length = rows.length
  return b
}

/** flow-capture's name for day `d`'s file (or slot `slot` of `slots`). */
export function dayName(d: number, slot = 0, slots = 1): string {
  const iso = new Date((MONTH_START + d * 86400 + slot * (86400 / slots)) * 1000).toISOString()
  return `ft-v05.${iso.slice(0, 10)}.${iso.slice(11, 19).replaceAll(':', '')}+0000`
}

/** Day `d` (or slot `slot` of `slots`) as a closed, zlib-compressed flow-capture v5 file. */
export async function dayFile(
  d: number,
  perDay = 400,
  slot = 0,
  slots = 1,
): Promise<Uint8Array<ArrayBuffer>> {
  const layout = findLayout(5)
  if (!layout) throw new Error('no v5 layout')
  const batch = dayFlows(d, perDay, slot, slots)
  const capStart = MONTH_START + d * 86400 + slot * (86400 / slots)
  const stream = ftFileStream(
    {
      layout,
      byteOrder: 'big',
      compress: true,
      done: { capStart, capEnd: capStart + 86400 / slots - 1, flowCount: batch.length },
      comments: 'edgeping synthetic month',
    },
    (async function* () {
      yield batch
    })(),
  )
  const parts: Uint8Array[] = []
  const reader = stream.getReader()
  for (let r = await reader.read(); !r.done; r = await reader.read()) parts.push(r.value)
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let off = 0
  for (const p of parts) {
    out.set(p, off)
    off += p.length
  }
  return out
}
