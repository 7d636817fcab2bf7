import { FLOW_TIME_FIELDS, type FlowBatch, type FlowField, type FlowPredicate } from '../flow-batch'
import { formatIpv4 } from '../ipv4'
import { ftlTimeMs } from '../print/flow-time'

export const TIMELINE_BUCKETS = ['hour', 'day'] as const
export type TimelineBucket = (typeof TIMELINE_BUCKETS)[number]

/** The flow that set a first-seen or last-seen time. */
export type SeenFlow = {
  time: string
  file: string
  srcaddr?: string
  srcport?: number
  dstaddr?: string
  dstport?: number
  prot?: number
}

export type Timeline = {
  bucket: TimelineBucket
  counts: Map<number, [number, number, number]>
  firstMs: number
  lastMs: number
  firstSeen: SeenFlow | undefined
  lastSeen: SeenFlow | undefined
  flows: number
}

export function createTimeline(bucket: TimelineBucket): Timeline {
  return {
    bucket,
    counts: new Map(),
    firstMs: Number.POSITIVE_INFINITY,
    lastMs: Number.NEGATIVE_INFINITY,
    firstSeen: undefined,
    lastSeen: undefined,
    flows: 0,
  }
}

function seen(b: FlowBatch, i: number, ms: number, file: string): SeenFlow {
  const c = b.cols
  const s: SeenFlow = { time: new Date(ms).toISOString(), file }
  if (b.present.has('srcaddr')) s.srcaddr = formatIpv4(c.srcaddr[i] as number)
  if (b.present.has('srcport')) s.srcport = c.srcport[i] as number
  if (b.present.has('dstaddr')) s.dstaddr = formatIpv4(c.dstaddr[i] as number)
  if (b.present.has('dstport')) s.dstport = c.dstport[i] as number
  if (b.present.has('prot')) s.prot = c.prot[i] as number
  return s
}

/**
 * Counts matching flows per UTC hour or day of their start (flow-tools time reconstruction) and
 * keeps the first start and last end seen, across every file given to it.
 */
/** The fields addToTimeline reads. */
export const TIMELINE_FIELDS: readonly FlowField[] = [
  'dflows',
  'doctets',
  'dpkts',
  ...FLOW_TIME_FIELDS,
  'srcaddr',
  'srcport',
  'dstaddr',
  'dstport',
  'prot',
]

export function addToTimeline(t: Timeline, b: FlowBatch, keep: FlowPredicate, file: string): void {
  const c = b.cols
  const size = t.bucket === 'hour' ? 3_600_000 : 86_400_000
  const hasFlows = b.present.has('dflows')
  for (let i = 0; i < b.length; i++) {
    if (!keep(b, i)) continue
    const start = ftlTimeMs(b, i, c.first[i] as number)
    const end = ftlTimeMs(b, i, c.last[i] as number)
    const key = Math.floor(start / size) * size
    const f = hasFlows ? (c.dflows[i] as number) : 1
    const k = t.counts.get(key)
    if (k) {
      k[0] += f
      k[1] += c.doctets[i] as number
      k[2] += c.dpkts[i] as number
    } else t.counts.set(key, [f, c.doctets[i] as number, c.dpkts[i] as number])
    t.flows += f
    if (start < t.firstMs) {
      t.firstMs = start
      t.firstSeen = seen(b, i, start, file)
    }
    if (end > t.lastMs) {
      t.lastMs = end
      t.lastSeen = seen(b, i, end, file)
    }
  }
}

export type TimelineResult = {
  bucket: TimelineBucket
  flows: number
  firstSeen: SeenFlow | null
  lastSeen: SeenFlow | null
  buckets: { start: string; flows: number; octets: number; packets: number }[]
}

export function timelineResult(t: Timeline): TimelineResult {
  return {
    bucket: t.bucket,
    flows: t.flows,
    firstSeen: t.firstSeen ?? null,
    lastSeen: t.lastSeen ?? null,
    buckets: [...t.counts.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([k, c]) => ({
        start: new Date(k).toISOString(),
        flows: c[0],
        octets: c[1],
        packets: c[2],
      })),
  }
}

function describe(s: SeenFlow | null): string {
  if (!s) return '-'
  const t = s.time.replace('T', ' ').replace(/\.\d+Z$/, ' UTC')
  return `${t}  ${s.srcaddr ?? '?'}:${s.srcport ?? '?'} -> ${s.dstaddr ?? '?'}:${s.dstport ?? '?'} proto ${s.prot ?? '?'} (${s.file})`
}

export function renderTimeline(r: TimelineResult): string {
  let out = `# flows per ${r.bucket} (UTC, by flow start)\n# first seen: ${describe(r.firstSeen)}\n# last seen:  ${describe(r.lastSeen)}\n`
  out += `${'start'.padEnd(20)}  ${'flows'.padStart(10)}  ${'octets'.padStart(14)}  ${'packets'.padStart(12)}\n`
  for (const b of r.buckets) {
    const when = b.start.replace('T', ' ').slice(0, r.bucket === 'hour' ? 16 : 10)
    out += `${when.padEnd(20)}  ${String(b.flows).padStart(10)}  ${String(b.octets).padStart(14)}  ${String(b.packets).padStart(12)}\n`
  }
  return out
}
