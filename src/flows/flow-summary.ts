import { FLOW_TIME_FIELDS, type FlowBatch, type FlowField, type FlowPredicate } from './flow-batch'
import { type OpenedFile, versionName } from './flow-cat'
import type { Truncation } from './flow-errors'
import { FT_FLAG } from './ft-header'
import { renderFtHeader } from './ft-header-text'
import { formatIpv4 } from './ipv4'
import { ftlTimeMs } from './print/flow-time'

/** What one uploaded file holds: its header facts and what was read from it. */
export type FileSummary = {
  name: string
  format: string
  recordVersion: string
  flows: number
  matched: number
  bytes: number
  octets: number
  packets: number
  firstFlowStart: string | null
  lastFlowEnd: string | null
  header: Record<string, unknown> | null
  /** flow-header's text for the file, byte for byte (null for text inputs). */
  headerText: string | null
  truncated?: Truncation
  /** What is odd about a file that was read whole (its header's flow count disagrees). */
  warnings?: string[]
}

function iso(secs: number | undefined): string | undefined {
  return secs === undefined ? undefined : new Date(secs * 1000).toISOString()
}

/** ft header facts; counters and capture times only when the writer finished the file. */
export function headerFacts(file: OpenedFile): Record<string, unknown> | null {
  const h = file.header
  if (!h) return null
  const flags: string[] = []
  for (const [name, bit] of Object.entries(FT_FLAG))
    if (h.flags & bit) flags.push(name.toLowerCase())
  const facts: Record<string, unknown> = {
    mode: h.streaming && !h.final ? 'streaming' : 'normal',
    streamVersion: h.streamVersion,
    byteOrder: h.byteOrder,
    compressed: h.compressed,
    exportVersion: h.dVersion,
    flags,
  }
  if (h.dVersion === 8) {
    facts.aggVersion = h.aggVersion
    facts.aggMethod = h.aggMethod
  }
  if (h.exporterIp !== undefined) facts.exporter = formatIpv4(h.exporterIp)
  if (h.hostname) facts.hostname = h.hostname
  if (h.comments) facts.comments = h.comments
  if (h.final) {
    facts.captureStart = iso(h.capStart)
    facts.captureEnd = iso(h.capEnd)
    if (h.capStart !== undefined && h.capEnd !== undefined)
      facts.capturePeriodSeconds = h.capEnd - h.capStart
    facts.flowCount = h.flowCount
    facts.lostFlows = h.flowsLost
    facts.corruptPackets = h.pktsCorrupt
  } else facts.note = 'incomplete flow file: no capture times or flow count in a streaming header'
  return facts
}

export type SummaryAccumulator = {
  file: OpenedFile
  matched: number
  octets: number
  packets: number
  firstMs: number
  lastMs: number
}

export function startFileSummary(file: OpenedFile): SummaryAccumulator {
  return {
    file,
    matched: 0,
    octets: 0,
    packets: 0,
    firstMs: Number.POSITIVE_INFINITY,
    lastMs: Number.NEGATIVE_INFINITY,
  }
}

/** The fields addToFileSummary reads. */
export const FILE_SUMMARY_FIELDS: readonly FlowField[] = [
  'dflows',
  'doctets',
  'dpkts',
  ...FLOW_TIME_FIELDS,
]

export function addToFileSummary(s: SummaryAccumulator, b: FlowBatch, keep: FlowPredicate): void {
  const c = b.cols
  const times = b.present.has('first') && b.present.has('unix_secs')
  const hasFlows = b.present.has('dflows')
  for (let i = 0; i < b.length; i++) {
    if (!keep(b, i)) continue
    s.matched += hasFlows ? (c.dflows[i] as number) : 1
    s.octets += c.doctets[i] as number
    s.packets += c.dpkts[i] as number
    if (times) {
      const st = ftlTimeMs(b, i, c.first[i] as number)
      const en = ftlTimeMs(b, i, c.last[i] as number)
      if (st < s.firstMs) s.firstMs = st
      if (en > s.lastMs) s.lastMs = en
    }
  }
}

/**
 * What is wrong with a file that read to its end (none: []). flow-tools writes the flow count
 * when it closes a file; a file cut at a record boundary or spliced after that holds another
 * number of records, every one whole, and flow-cat reads it without a word. Every answer says
 * so, a print too: a result must not pass for the whole file when records are missing.
 */
export function fileWarnings(f: OpenedFile): string[] {
  const counted = f.header?.final ? f.header.flowCount : undefined
  if (!f.stats.truncated && counted !== undefined && counted > 0 && counted !== f.stats.flows) {
    return [
      `the header counts ${counted} flows, the file holds ${f.stats.flows}: it was cut or joined after it was written`,
    ]
  }
  return []
}

export function finishFileSummary(s: SummaryAccumulator): FileSummary {
  const f = s.file
  const warnings = fileWarnings(f)
  return {
    name: f.name,
    format: f.format,
    recordVersion: versionName(f),
    flows: f.stats.flows,
    matched: s.matched,
    bytes: f.stats.bytes,
    octets: s.octets,
    packets: s.packets,
    firstFlowStart: Number.isFinite(s.firstMs) ? new Date(s.firstMs).toISOString() : null,
    lastFlowEnd: Number.isFinite(s.lastMs) ? new Date(s.lastMs).toISOString() : null,
    header: headerFacts(f),
    headerText: f.header ? renderFtHeader(f.header) : null,
    ...(f.stats.truncated ? { truncated: f.stats.truncated } : {}),
    ...(warnings.length > 0 ? { warnings } : {}),
  }
}

/**
 * The line a text answer carries for a file a partial result (`partial=1`) cut short, so the loss
 * shows wherever the text goes, not only in JSON.
 */
export function truncationNote(name: string, flowsKept: number, t: Truncation): string {
  const lost =
    t.flowsLostBy === 'rows'
      ? t.flowsLost === null
        ? 'flows lost: not known (a line too long to read on)'
        : `flows lost: ${t.flowsLost} (the rows from the bad line on)`
      : t.flowsLost === null
        ? 'flows lost: not known (the header has no flow count)'
        : `flows lost: ${t.flowsLost} (by the header's flow count)`
  return `# PARTIAL RESULT: "${name}": ${t.message}; flows kept: ${flowsKept}, ${lost}\n`
}

/** The same as one NDJSON line, after the file's flows. */
export function truncationJsonLine(name: string, flowsKept: number, t: Truncation): string {
  return `${JSON.stringify({ partial: { file: name, flowsKept, ...t } })}\n`
}

/** A file warning (fileWarnings) as a text line, after the file's rows in a print. */
export function warningNote(name: string, message: string): string {
  return `# WARNING: "${name}": ${message}\n`
}

/** The same as one NDJSON line. */
export function warningJsonLine(name: string, message: string): string {
  return `${JSON.stringify({ warning: { file: name, message } })}\n`
}

/** Totals over every file of an upload. */
export function totalsOf(files: readonly FileSummary[]) {
  const starts = files
    .map((f) => f.firstFlowStart)
    .filter((t): t is string => t !== null)
    .sort()
  const ends = files
    .map((f) => f.lastFlowEnd)
    .filter((t): t is string => t !== null)
    .sort()
  return {
    files: files.length,
    flows: files.reduce((n, f) => n + f.flows, 0),
    matched: files.reduce((n, f) => n + f.matched, 0),
    octets: files.reduce((n, f) => n + f.octets, 0),
    packets: files.reduce((n, f) => n + f.packets, 0),
    bytes: files.reduce((n, f) => n + f.bytes, 0),
    firstFlowStart: starts[0] ?? null,
    lastFlowEnd: ends[ends.length - 1] ?? null,
  }
}
