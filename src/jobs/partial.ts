import {
  FLOW_TIME_FIELDS,
  type FlowBatch,
  type FlowField,
  type FlowPredicate,
  flowStartMs,
} from '../flows/flow-batch'
import type { CatEvent } from '../flows/flow-cat'
import type { Truncation } from '../flows/flow-errors'
import {
  addToFileSummary,
  FILE_SUMMARY_FIELDS,
  finishFileSummary,
  type SummaryAccumulator,
  startFileSummary,
} from '../flows/flow-summary'
import {
  addToStatSummary,
  createStatSummary,
  STAT_SUMMARY_FIELDS,
  type StatSummary,
} from '../flows/report/stat-summary'
import {
  addToTimeline,
  createTimeline,
  type SeenFlow,
  TIMELINE_FIELDS,
  type TimelineBucket,
} from '../flows/report/timeline'
import {
  addToTopTalkers,
  createTopTalkers,
  TOP_KEYS,
  TOP_TALKER_FIELDS,
  type TopKey,
  type TopSort,
  topEntries,
} from '../flows/report/top-talkers'

/**
 * A mergeable partial result of an archive query: what one file (or group of files, or a merge
 * of partials) contributes. Everything in it adds up exactly: counts and octets sum, first/last
 * seen take the min/max, timeline buckets sum, flow-stat distributions sum. Top-N tables are
 * exact maps cut to `TOP_KEEP` keys per table; a cut table records the largest value it dropped,
 * and the merged total of any key is short by at most the sum of those bounds (stated in the
 * result, 0 = exact).
 */
export type Partial = {
  /** Files that were read, in job order. */
  files: PartialFile[]
  /** Files that could not be read (after the Queue's retries), in job order. */
  failures: FileFailure[]
  /** Flows read from the files (before filtering). */
  flowsScanned: number
  stat: StatSummary
  timeline: {
    counts: [bucketStartMs: number, flows: number, octets: number, packets: number][]
    firstMs: number | null
    lastMs: number | null
    firstSeen: SeenFlow | null
    lastSeen: SeenFlow | null
    flows: number
  }
  top: {
    tables: Record<TopKey, [key: string, flows: number, octets: number, packets: number][]>
    /** Per table: the most a key's total may be short by (0 = exact). */
    bound: Record<TopKey, number>
  }
  /** output=flows: files whose matching flows were cut at the job's per-file limit. */
  outputCut: string[]
}

export type PartialFile = {
  index: number
  router: string
  name: string
  recordVersion: string
  flows: number
  matched: number
  octets: number
  packets: number
  firstFlowStart: string | null
  lastFlowEnd: string | null
  truncated?: Truncation
}

export type FileFailure = {
  index: number
  router: string
  name: string
  /** What went wrong: the parse error with its byte offset, or the storage error. */
  error: string
  code?: string
  offset?: number
  attempts: number
}

/** Keys kept per top-N table in a partial: enough for any top (≤ 1000) with a small bound. */
export const TOP_KEEP = 2000

export type AnalyzeOptions = {
  bucket: TimelineBucket
  sort: TopSort
  /**
   * Only flows that START in [fromMs, toMs) count (unix ms; flow-tools' ftltime of First): a
   * file holds flows of before and after the range, and a flow lives in one range of adjacent
   * ones, never two. Records without flow times all count.
   */
  range?: { fromMs: number; toMs: number }
  /** How first/last seen name the file (runner's fileLabel); default its name. */
  label?: string
}

/** The job's range [from, to] (unix seconds, both inclusive) as AnalyzeOptions.range. */
export function startRange(from: number, to: number): { fromMs: number; toMs: number } {
  // A flow starting at to + 0.999 s is in the second `to`.
  return { fromMs: from * 1000, toMs: (to + 1) * 1000 }
}

/** The identity of the file being read, as the job lists it. */
export type JobFile = { index: number; router: string; name: string }

/** The fields analyzeFile's four sinks read (besides the filter's). */
export const ANALYSIS_FIELDS: readonly FlowField[] = [
  ...FILE_SUMMARY_FIELDS,
  ...STAT_SUMMARY_FIELDS,
  ...TIMELINE_FIELDS,
  ...TOP_TALKER_FIELDS,
]

/**
 * Reads the flow-cat events of one file through the filter into a partial. `onBatch` gets each
 * batch with a predicate answering from the same filter pass (the flow output of `output=flows`).
 */
export async function analyzeFile(
  file: JobFile,
  events: AsyncIterable<CatEvent>,
  keep: FlowPredicate,
  o: AnalyzeOptions,
  onBatch?: (ev: CatEvent & { kind: 'batch' }, keep: FlowPredicate) => void,
): Promise<Partial> {
  const stat = createStatSummary()
  const timeline = createTimeline(o.bucket)
  const top = createTopTalkers(o.sort)
  let acc: SummaryAccumulator | undefined
  const files: PartialFile[] = []
  let scanned = 0
  let mask = new Uint8Array(0)
  const masked: FlowPredicate = (_b, i) => mask[i] === 1
  for await (const ev of events) {
    if (ev.kind === 'open') acc = startFileSummary(ev.file)
    else if (ev.kind === 'batch' && acc) {
      // The filter runs once per row; the four sinks read its answer from a mask.
      const b = ev.batch
      if (mask.length < b.length) mask = new Uint8Array(b.length)
      const inRange = rangeTest(b, o.range)
      for (let i = 0; i < b.length; i++) mask[i] = inRange(b, i) && keep(b, i) ? 1 : 0
      addToFileSummary(acc, b, masked)
      addToStatSummary(stat, b, masked)
      addToTimeline(timeline, b, masked, o.label ?? file.name)
      addToTopTalkers(top, b, masked)
      onBatch?.(ev, masked)
    } else if (ev.kind === 'close' && acc) {
      const s = finishFileSummary(acc)
      scanned += s.flows
      files.push({
        index: file.index,
        router: file.router,
        name: file.name,
        recordVersion: s.recordVersion,
        flows: s.flows,
        matched: s.matched,
        octets: s.octets,
        packets: s.packets,
        firstFlowStart: s.firstFlowStart,
        lastFlowEnd: s.lastFlowEnd,
        ...(s.truncated ? { truncated: s.truncated } : {}),
      })
    }
  }
  const tables = {} as Partial['top']['tables']
  const bound = {} as Partial['top']['bound']
  const sortIdx = top.sort + 1
  for (const k of TOP_KEYS) {
    const rows = topEntries(top, k)
    const cut = cutTable(rows, sortIdx)
    tables[k] = cut.rows
    // The in-memory table may itself have pruned keys (more than 50,000 distinct): both add up.
    bound[k] = top.evictedMax[k] + cut.dropped
  }
  return {
    files,
    failures: [],
    flowsScanned: scanned,
    stat,
    timeline: {
      counts: [...timeline.counts].map(([k, c]) => [k, c[0], c[1], c[2]]),
      firstMs: Number.isFinite(timeline.firstMs) ? timeline.firstMs : null,
      lastMs: Number.isFinite(timeline.lastMs) ? timeline.lastMs : null,
      firstSeen: timeline.firstSeen ?? null,
      lastSeen: timeline.lastSeen ?? null,
      flows: timeline.flows,
    },
    top: { tables, bound },
    outputCut: [],
  }
}

const always: FlowPredicate = () => true

/** Does a flow start within the range? (Always, without a range or flow times to tell.) */
function rangeTest(b: FlowBatch, range: AnalyzeOptions['range']): FlowPredicate {
  if (!range || !FLOW_TIME_FIELDS.every((f) => b.present.has(f))) return always
  const { fromMs, toMs } = range
  return (batch, i) => {
    const t = flowStartMs(batch, i)
    return t >= fromMs && t < toMs
  }
}

/** A partial for a file that could not be read: it counts nothing, but it is reported. */
export function failedPartial(failure: FileFailure): Partial {
  return { ...emptyPartial(), failures: [failure] }
}

export function emptyPartial(): Partial {
  const tables = {} as Partial['top']['tables']
  const bound = {} as Partial['top']['bound']
  for (const k of TOP_KEYS) {
    tables[k] = []
    bound[k] = 0
  }
  return {
    files: [],
    failures: [],
    flowsScanned: 0,
    stat: createStatSummary(),
    timeline: {
      counts: [],
      firstMs: null,
      lastMs: null,
      firstSeen: null,
      lastSeen: null,
      flows: 0,
    },
    top: { tables, bound },
    outputCut: [],
  }
}

/** Keeps the TOP_KEEP biggest rows by the sort metric; returns the largest value dropped. */
function cutTable(
  rows: [string, number, number, number][],
  sortIdx: number,
): { rows: [string, number, number, number][]; dropped: number } {
  if (rows.length <= TOP_KEEP) return { rows, dropped: 0 }
  rows.sort((a, b) => (b[sortIdx] as number) - (a[sortIdx] as number))
  const dropped = rows[TOP_KEEP]?.[sortIdx] ?? 0
  return { rows: rows.slice(0, TOP_KEEP), dropped: dropped as number }
}

/**
 * Merges partials in the given order (job order: the files' order is kept). Associative, so a
 * merge tree of any shape gives the same answer; `sort` picks which metric the top-N cut keeps.
 */
export function mergePartials(parts: readonly Partial[], sort: TopSort): Partial {
  const out = emptyPartial()
  const sortIdx = { flows: 1, octets: 2, packets: 3 }[sort]
  const counts = new Map<number, [number, number, number]>()
  const tops = {} as Record<TopKey, Map<string, [number, number, number]>>
  for (const k of TOP_KEYS) tops[k] = new Map()
  for (const p of parts) {
    out.files.push(...p.files)
    out.failures.push(...p.failures)
    out.outputCut.push(...p.outputCut)
    out.flowsScanned += p.flowsScanned
    mergeStat(out.stat, p.stat)
    const t = out.timeline
    for (const [k, f, o, pk] of p.timeline.counts) {
      const c = counts.get(k)
      if (c) {
        c[0] += f
        c[1] += o
        c[2] += pk
      } else counts.set(k, [f, o, pk])
    }
    t.flows += p.timeline.flows
    // Ties keep the earlier partial's flow (job order), as one pass over the files would.
    if (p.timeline.firstMs !== null && (t.firstMs === null || p.timeline.firstMs < t.firstMs)) {
      t.firstMs = p.timeline.firstMs
      t.firstSeen = p.timeline.firstSeen
    }
    if (p.timeline.lastMs !== null && (t.lastMs === null || p.timeline.lastMs > t.lastMs)) {
      t.lastMs = p.timeline.lastMs
      t.lastSeen = p.timeline.lastSeen
    }
    for (const k of TOP_KEYS) {
      const m = tops[k]
      for (const [key, f, o, pk] of p.top.tables[k]) {
        const c = m.get(key)
        if (c) {
          c[0] += f
          c[1] += o
          c[2] += pk
        } else m.set(key, [f, o, pk])
      }
      out.top.bound[k] += p.top.bound[k]
    }
  }
  out.timeline.counts = [...counts]
    .sort((a, b) => a[0] - b[0])
    .map(([k, c]) => [k, c[0], c[1], c[2]])
  for (const k of TOP_KEYS) {
    const rows = [...tops[k]].map(
      ([key, c]) => [key, c[0], c[1], c[2]] as [string, number, number, number],
    )
    const cut = cutTable(rows, sortIdx)
    out.top.tables[k] = cut.rows
    out.top.bound[k] += cut.dropped
  }
  return out
}

function mergeStat(into: StatSummary, s: StatSummary): void {
  into.flows += s.flows
  into.octets += s.octets
  into.packets += s.packets
  into.time += s.time
  into.bogus += s.bogus
  into.timeStart = Math.min(into.timeStart, s.timeStart)
  into.timeEnd = Math.max(into.timeEnd, s.timeEnd)
  into.start = Math.min(into.start, s.start)
  into.end = Math.max(into.end, s.end)
  for (const key of ['psize', 'fpsize', 'fosize', 'ftime'] as const) {
    const a = into[key]
    const b = s[key]
    for (let i = 0; i < a.length; i++) a[i] = (a[i] as number) + (b[i] ?? 0)
  }
}
