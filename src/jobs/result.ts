import { renderStatSummary } from '../flows/report/stat-summary'
import { renderTimeline, type TimelineResult } from '../flows/report/timeline'
import {
  addTopEntry,
  approximations,
  createTopTalkers,
  renderTopRows,
  TOP_KEYS,
  type TopKey,
  type TopRow,
  topRows,
} from '../flows/report/top-talkers'
import type { JobSpec } from './job'
import type { FileFailure, Partial, PartialFile } from './partial'

/** The answer of a finished archive query. */
export type JobResult = {
  finished: string
  totals: {
    files: number
    filesRead: number
    filesFailed: number
    flowsScanned: number
    matched: number
    octets: number
    packets: number
    firstFlowStart: string | null
    lastFlowEnd: string | null
  }
  /** Files that could not be read, with the reason; never silently left out. */
  failures: FileFailure[]
  files: PartialFile[]
  timeline: TimelineResult
  stat: { flows: number; octets: number; packets: number; text: string }
  top: Record<TopKey, TopRow[]>
  /** Top-N tables whose counts may be short, and by at most how much (absent = exact). */
  approximate: Record<string, number>
  /** output=flows: where the flows are, and the files cut at the per-file limit. */
  flows?: { href: string; format: string; limitPerFile: number; cutFiles: string[] }
}

/** Turns the last partial of a job into its answer. */
export function finishJob(spec: JobSpec, p: Partial, now: Date): JobResult {
  const starts = p.files.map((f) => f.firstFlowStart).filter((t): t is string => t !== null)
  const ends = p.files.map((f) => f.lastFlowEnd).filter((t): t is string => t !== null)
  // The merged tables go back into a top-talkers table so the single-request ranking applies.
  const tt = createTopTalkers(spec.sort)
  for (const k of TOP_KEYS) {
    for (const [key, f, o, pk] of p.top.tables[k]) addTopEntry(tt, k, key, f, o, pk)
    tt.evictedMax[k] = p.top.bound[k]
  }
  const top = {} as Record<TopKey, TopRow[]>
  for (const k of TOP_KEYS) top[k] = topRows(tt, k, spec.sort, spec.top)
  const files = [...p.files].sort((a, b) => a.index - b.index)
  const result: JobResult = {
    finished: now.toISOString(),
    totals: {
      files: p.files.length + p.failures.length,
      filesRead: p.files.length,
      filesFailed: p.failures.length,
      flowsScanned: p.flowsScanned,
      matched: files.reduce((n, f) => n + f.matched, 0),
      octets: files.reduce((n, f) => n + f.octets, 0),
      packets: files.reduce((n, f) => n + f.packets, 0),
      firstFlowStart: starts.sort()[0] ?? null,
      lastFlowEnd: ends.sort().at(-1) ?? null,
    },
    failures: [...p.failures].sort((a, b) => a.index - b.index),
    files,
    timeline: {
      bucket: spec.bucket,
      flows: p.timeline.flows,
      firstSeen: p.timeline.firstSeen,
      lastSeen: p.timeline.lastSeen,
      buckets: p.timeline.counts.map(([k, f, o, pk]) => ({
        start: new Date(k).toISOString(),
        flows: f,
        octets: o,
        packets: pk,
      })),
    },
    stat: {
      flows: p.stat.flows,
      octets: p.stat.octets,
      packets: p.stat.packets,
      text: renderStatSummary(p.stat),
    },
    top,
    approximate: approximations(tt),
  }
  if (spec.output === 'flows') {
    result.flows = {
      href: `/flows/jobs/${spec.id}/flows`,
      format: spec.flowFormat,
      limitPerFile: spec.flowLimit,
      cutFiles: p.outputCut,
    }
  }
  return result
}

/** The answer as text for `Accept: text/plain`, shaped by the output the job asked for. */
export function renderJobText(spec: JobSpec, r: JobResult): string {
  const t = r.totals
  let out = `# archive query ${spec.id}: ${spec.routers.join(', ')} from ${iso(spec.from)} to ${iso(spec.to)}\n`
  out += `# ${t.files} files (${t.filesFailed} failed), ${t.flowsScanned} flows read, ${t.matched} matched, ${t.octets} octets, ${t.packets} packets\n`
  for (const f of r.failures) out += `# FAILED ${f.router}/${f.name}: ${f.error}\n`
  if (spec.output === 'summary') {
    for (const f of r.files) {
      out += `${f.router}/${f.name}  flows ${f.flows}  matched ${f.matched}  octets ${f.octets}  packets ${f.packets}  ${f.firstFlowStart ?? '-'} .. ${f.lastFlowEnd ?? '-'}\n`
    }
  } else if (spec.output === 'timeline') {
    out += renderTimeline(r.timeline)
    out += `\n${renderTopRows(`top ${spec.top} pair by ${spec.sort}`, r.top.pair)}`
  } else if (spec.output === 'top') {
    out += r.stat.text
    for (const k of TOP_KEYS) {
      const bound = r.approximate[k]
      const note = bound ? ` (counts may be short by at most ${bound})` : ''
      out += `\n${renderTopRows(`top ${spec.top} ${k} by ${spec.sort}${note}`, r.top[k])}`
    }
  } else {
    out += `# the matching flows: GET ${r.flows?.href ?? ''}\n`
    for (const name of r.flows?.cutFiles ?? [])
      out += `# ${name}: cut at ${spec.flowLimit} flows (raise limit)\n`
  }
  return out
}

function iso(unix: number): string {
  return new Date(unix * 1000).toISOString()
}

/**
 * The files cut at the per-file limit and the files that could not be read, as `#` lines after
 * the CSV (flow-export's own header is a `#:` line) or as NDJSON lines of their own.
 */
export function flowsTrailer(result: JobResult, csv: boolean): string {
  let out = ''
  const limit = result.flows?.limitPerFile ?? 0
  for (const file of result.flows?.cutFiles ?? []) {
    out += csv
      ? `# CUT: "${file}": only its first ${limit} matching flows are here (limit)\n`
      : `${JSON.stringify({ cut: { file, limitPerFile: limit } })}\n`
  }
  for (const f of result.failures) {
    const name = `${f.router}/${f.name}`
    out += csv
      ? `# NOT READ: "${name}": ${f.error.replace(/[\r\n]+/g, ' ')}\n`
      : `${JSON.stringify({ failed: { file: name, error: f.error, ...(f.code ? { code: f.code } : {}) } })}\n`
  }
  return out
}
