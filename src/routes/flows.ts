import { createRoute, OpenAPIHono, type RouteConfig, z } from '@hono/zod-openapi'
import type { Context, TypedResponse } from 'hono'
import type { AppEnv } from '../env'
import { drainStream } from '../flows/chunk-reader'
import { csvColumns, csvHeader, csvLines } from '../flows/csv-export'
import {
  FLOW_TIME_FIELDS,
  type FlowBatch,
  type FlowField,
  type FlowPredicate,
  fieldSet,
} from '../flows/flow-batch'
import { FlowLimitError, FlowParseError } from '../flows/flow-errors'
import {
  addToFileSummary,
  FILE_SUMMARY_FIELDS,
  type FileSummary,
  fileWarnings,
  finishFileSummary,
  type SummaryAccumulator,
  startFileSummary,
  totalsOf,
  truncationJsonLine,
  truncationNote,
  warningJsonLine,
  warningNote,
} from '../flows/flow-summary'
import { renderFtHeader } from '../flows/ft-header-text'
import { ndjsonLines } from '../flows/ndjson'
import { ByteOut } from '../flows/print/byte-out'
import { choosePrintFormat, printBatch } from '../flows/print/flow-print'
import { type Clock, zoneClock } from '../flows/print/flow-time'
import {
  defaultPrintFormat,
  PRINT_FORMATS,
  type PrintFormat,
  type PrintOptions,
} from '../flows/print/print-formats'
import { printNames } from '../flows/print/print-names'
import {
  addToStatSummary,
  createStatSummary,
  renderStatSummary,
  STAT_SUMMARY_FIELDS,
} from '../flows/report/stat-summary'
import {
  addToTimeline,
  createTimeline,
  renderTimeline,
  TIMELINE_FIELDS,
  timelineResult,
} from '../flows/report/timeline'
import {
  addToTopTalkers,
  approximations,
  createTopTalkers,
  renderTopRows,
  type TopRow,
  topRows,
  topTalkerFields,
} from '../flows/report/top-talkers'
import { assertToken, requireToken } from '../http/auth'
import { DRAIN_MAX_BYTES } from '../http/drain-body'
import { preferredType, wantsText } from '../http/negotiate'
import { invalidRequest, ProblemError, problemResponse } from '../http/problem'
import { validationHook } from '../http/validation'
import { getAnalysis, type SavedAnalysis, saveAnalysis } from '../kv/analyses'
import { joinBytes } from '../lib/bytes'
import {
  AnalysisParamsSchema,
  PrintQuerySchema,
  ReportQuerySchema,
  ReportResponseSchema,
  SavedAnalysisSchema,
  SummaryQuerySchema,
  SummaryResponseSchema,
  TimelineQuerySchema,
  TimelineResponseSchema,
} from './flows-schemas'
import {
  FLOW_LIMITS,
  type FlowQuery,
  type OutputFields,
  type RequiredFields,
  requestFlows,
} from './flows-upload'

export const flowRoutes = new OpenAPIHono<AppEnv>({ defaultHook: validationHook })

// Workers accept bodies up to 100 MB; past that the platform refuses, so we say so first. Only a
// declared length is checked here: hono's bodyLimit reads a chunked upload (no Content-Length)
// whole into memory to count it, which is what streaming is meant to avoid. Such a body is
// counted as it streams instead: by the flow readers per file and by the multipart splitter in
// total, both → the same 413.
flowRoutes.use('*', async (c, next) => {
  const declared = c.req.header('content-length')
  if (declared !== undefined && Number(declared) > FLOW_LIMITS.maxBytes) {
    throw new ProblemError({
      type: '/problems/flow-limit',
      title: 'Upload too large',
      status: 413,
      detail: `the upload is larger than ${FLOW_LIMITS.maxBytes} bytes`,
      code: 'too_many_bytes',
      limit: FLOW_LIMITS.maxBytes,
    })
  }
  await next()
})

const UPLOAD =
  'The body is one flow file (flow-tools ft, any version, byte order or compression; flow-export -f 2 CSV; flow-print text; nfdump -o csv), or multipart/form-data with several files read in order like flow-cat, plus an optional `filter.cfg` part placed before them.'

const binary = (description: string) => z.string().openapi({ format: 'binary', description })

/** The upload as the document shows it; Hono does not validate it (see documented). */
const UPLOAD_BODY = {
  required: true,
  content: {
    'application/octet-stream': { schema: binary('One flow file, any format (sniffed)') },
    'multipart/form-data': {
      schema: z.object({
        'filter.cfg': binary('flow-nfilter configuration, before the files (optional)').optional(),
        file: binary('A flow file; repeat the part (any names) for several, read in order'),
      }),
    },
  },
}

/** With save=1, where the saved analysis is. */
const SAVED_LOCATION = {
  Location: {
    description: 'save=1: /flows/analyses/{id} of the saved analysis',
    schema: { type: 'string' as const },
  },
}

/**
 * Registers the route in the document with its upload body, and returns it for routing hidden
 * and without the body: zod-openapi would parse a multipart body whole to validate it, and the
 * upload must stream.
 */
function documented<R extends RouteConfig>(route: R): R {
  flowRoutes.openAPIRegistry.registerPath({
    ...route,
    request: { ...route.request, body: UPLOAD_BODY },
  })
  return { ...route, hide: true }
}

const printErrors = {
  413: problemResponse('Too many bytes, files or flows (limits), or an inflate bomb'),
  422: problemResponse(
    'Unreadable flow file (names the file and byte offset or line), a malformed multipart body, mixed record versions, a file without a field the output or filter reads, a bad filter (line, column, excerpt) or query parameter',
  ),
}

const errors = {
  ...printErrors,
  401: problemResponse('save=1 without the API token'),
}

const printRoute = createRoute({
  method: 'post',
  path: '/print',
  tags: ['Flows'],
  summary: 'flow-cat | flow-nfilter | flow-print (or flow-export -f 2, or NDJSON)',
  description: `${UPLOAD} Text by default; \`Accept: application/json\` gives NDJSON.`,
  request: { query: PrintQuerySchema },
  responses: {
    200: {
      description: 'flow-print text, CSV or NDJSON',
      headers: {
        'X-Filter-Warnings': {
          description:
            "The filter's warnings, separated by ' | ' (absent when there are none): what flow-nfilter prints on stderr",
          schema: { type: 'string' },
        },
      },
      content: {
        'text/plain': { schema: z.string() },
        'text/csv': { schema: z.string() },
        'application/x-ndjson': { schema: z.string() },
      },
    },
    ...printErrors,
  },
})

const summaryRoute = createRoute({
  method: 'post',
  path: '/summary',
  tags: ['Flows'],
  summary: 'Header facts and counts per uploaded file, and totals',
  description: UPLOAD,
  request: { query: SummaryQuerySchema },
  responses: {
    200: {
      description: 'JSON by default; text with Accept: text/plain',
      headers: SAVED_LOCATION,
      content: {
        'application/json': { schema: SummaryResponseSchema },
        'text/plain': { schema: z.string() },
      },
    },
    ...errors,
  },
})

const reportRoute = createRoute({
  method: 'post',
  path: '/report',
  tags: ['Flows'],
  summary: 'flow-stat -f 0 summary and top-N by address, port, protocol and address pair',
  description: UPLOAD,
  request: { query: ReportQuerySchema },
  responses: {
    200: {
      description:
        'JSON by default; text (flow-stat -f 0 then the top-N tables) with Accept: text/plain',
      headers: SAVED_LOCATION,
      content: {
        'application/json': { schema: ReportResponseSchema },
        'text/plain': { schema: z.string() },
      },
    },
    ...errors,
  },
})

const timelineRoute = createRoute({
  method: 'post',
  path: '/timeline',
  tags: ['Flows'],
  summary: 'Matching flows, octets and packets per hour or day, with first and last seen',
  description: UPLOAD,
  request: { query: TimelineQuerySchema },
  responses: {
    200: {
      description: 'JSON by default; text with Accept: text/plain',
      headers: SAVED_LOCATION,
      content: {
        'application/json': { schema: TimelineResponseSchema },
        'text/plain': { schema: z.string() },
      },
    },
    ...errors,
  },
})

/** Output buffered before the response starts, so errors in small uploads are clean 4xx. */
const BUFFER_BEFORE_STREAMING = 1024 * 1024

/** Each output turns a batch into byte chunks the response can enqueue as they are. */
type Printer = {
  head: string
  body: (b: FlowBatch, keep: FlowPredicate, file: string) => Uint8Array[]
}

/** The flow-print format asked by `output=f5` (or `5`); undefined: the record version's default. */
function printFormatNumber(output: string | undefined): number | undefined {
  return output === undefined ? undefined : Number(output.replace(/^f/, ''))
}

/**
 * The fields a print reads: every one for NDJSON and CSV, the format's own for flow-print text
 * (a unit test checks each format prints the same from those alone).
 */
function printFields(output: string | undefined, json: boolean): OutputFields {
  if (output === 'ndjson' || output === 'csv' || (output === undefined && json))
    return () => undefined
  const n = printFormatNumber(output)
  return (present, header) =>
    choosePrintFormat(present, header.dVersion, header.aggMethod ?? 0, n).requires
}

/**
 * What a print cannot do without, for every file of the upload: a flow-print format's columns;
 * for CSV, the first file's columns (one header line serves every file).
 */
function printRequires(output: string | undefined, json: boolean): RequiredFields | undefined {
  if (output === 'ndjson' || (output === undefined && json)) return undefined
  if (output === 'csv') {
    let columns: FlowField[] | undefined
    return (file) => {
      columns ??= csvColumns(file.present)
      return { fields: columns, what: "CSV output with the first file's columns" }
    }
  }
  const n = printFormatNumber(output)
  return (file) => {
    const format = n ?? defaultPrintFormat(file.dVersion, file.aggMethod)
    return { fields: PRINT_FORMATS[format]?.requires ?? [], what: `flow-print format ${format}` }
  }
}

function printer(
  output: string | undefined,
  o: PrintOptions,
  json: boolean,
  ev: {
    present: ReadonlySet<FlowField>
    dVersion: number
    aggMethod: number
  },
): Printer {
  const encoder = new TextEncoder()
  if (output === 'ndjson' || (output === undefined && json)) {
    return { head: '', body: (b, keep, file) => [encoder.encode(ndjsonLines(b, keep, file))] }
  }
  if (output === 'csv') {
    const columns = csvColumns(ev.present)
    const rows = function* (b: FlowBatch, keep: FlowPredicate) {
      for (let i = 0; i < b.length; i++) if (keep(b, i)) yield i
    }
    return {
      head: csvHeader(columns),
      body: (b, keep) => [encoder.encode(csvLines(b, columns, rows(b, keep)))],
    }
  }
  const n = printFormatNumber(output)
  const f: PrintFormat = choosePrintFormat(ev.present, ev.dVersion, ev.aggMethod, n)
  // flow-print's text goes straight into bytes, 64 KiB chunks at a time (no strings per row).
  const out = new ByteOut()
  return {
    head: f.header(o.wide),
    body: (b, keep) => {
      printBatch(f, b, o, out, keep)
      return out.take()
    },
  }
}

flowRoutes.openapi(documented(printRoute), async (c) => {
  const q = c.req.valid('query')
  if (c.req.query('save') !== undefined) {
    // Not dropped in silence: the caller expects an id back.
    throw invalidRequest(
      'save=1 keeps a summary, report or timeline; a print is not saved (keep its output, or save a report)',
      { errors: [{ path: 'query.save', message: 'not on /flows/print' }] },
    )
  }
  // Text unless asked otherwise: output=ndjson, or an Accept that prefers a JSON type.
  const json =
    q.output === 'ndjson' ||
    (q.output === undefined &&
      preferredType(c, ['text/plain', 'application/x-ndjson', 'application/json'], 'text/plain') !==
        'text/plain')
  const contentType = json
    ? 'application/x-ndjson'
    : q.output === 'csv'
      ? 'text/csv; charset=utf-8'
      : 'text/plain; charset=utf-8'
  let clock: Clock
  try {
    clock = zoneClock(q.tz)
  } catch {
    throw invalidRequest(`unknown time zone "${q.tz}": use an IANA name such as Europe/Paris`, {
      errors: [{ path: 'query.tz', message: 'unknown time zone' }],
    })
  }
  if (q.names && (json || q.output === 'csv')) {
    throw invalidRequest('names=1 (flow-print -n) applies to flow-print text, not CSV or NDJSON', {
      errors: [{ path: 'query.names', message: 'only with a flow-print format' }],
    })
  }
  const options: PrintOptions = {
    wide: q.wide,
    tm: clock,
    names: q.names ? printNames() : undefined,
  }
  const events = requestFlows(c, q, printFields(q.output, json), printRequires(q.output, json))
  let p: Printer | undefined
  let warnings: readonly FilterNote[] = []
  const encoder = new TextEncoder()
  async function next(): Promise<Uint8Array[] | undefined> {
    for (;;) {
      const r = await events.next()
      if (r.done) return undefined
      const ev = r.value
      warnings = ev.filterWarnings
      if (ev.kind === 'open' && !p) {
        p = printer(q.output, options, json, ev.file)
        const h = q.header && ev.file.header && !json ? renderFtHeader(ev.file.header) : ''
        return [encoder.encode(h + p.head)]
      }
      if (ev.kind === 'batch' && p) {
        const chunks = p.body(ev.batch, ev.keep, ev.file.name)
        if (chunks.length > 0) return chunks
      }
      if (ev.kind === 'close') {
        // partial=1 kept what came before the damage, or the file holds fewer records than its
        // header counts: the output says so, after the file's rows.
        const { name, stats } = ev.file
        const cut = stats.truncated
        let notes = cut ? (json ? truncationJsonLine : truncationNote)(name, stats.flows, cut) : ''
        for (const w of fileWarnings(ev.file))
          notes += json ? warningJsonLine(name, w) : warningNote(name, w)
        if (notes !== '') return [encoder.encode(notes)]
      }
    }
  }
  // Collect up to BUFFER_BEFORE_STREAMING first: any error so far is a clean problem response.
  const buffered: Uint8Array[] = []
  let bufferedBytes = 0
  let finished = false
  while (bufferedBytes < BUFFER_BEFORE_STREAMING) {
    const chunks = await next()
    if (chunks === undefined) {
      finished = true
      break
    }
    for (const ch of chunks) {
      buffered.push(ch)
      bufferedBytes += ch.length
    }
  }
  const headers: Record<string, string> = { 'content-type': contentType }
  // Filter warnings go in a header: the body stays flow-print's (flow-nfilter prints them on stderr).
  if (warnings.length > 0) headers['x-filter-warnings'] = headerText(warnings)
  // The media type is the documented one; a byte body has no typed-response helper.
  const typed = (r: Response) => r as unknown as TypedResponse<string, 200, 'text'>
  if (finished) {
    return typed(new Response(joinBytes(buffered, bufferedBytes), { status: 200, headers }))
  }
  // Chunks waiting to be enqueued one per pull, so the stream's backpressure paces the decoder.
  const waiting = buffered
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        while (waiting.length === 0) {
          const chunks = await next()
          if (chunks === undefined) {
            controller.close()
            return
          }
          waiting.push(...chunks)
        }
        controller.enqueue(waiting.shift() as Uint8Array)
      } catch (err) {
        // Headers are gone: end with a marked line rather than pass a partial result off as whole.
        const msg = err instanceof Error ? err.message : String(err)
        const file = err instanceof FlowParseError || err instanceof FlowLimitError ? err.file : ''
        const where = file ? `"${file}": ` : ''
        // NDJSON stays JSON to its last line, like the partial=1 note.
        const line = json
          ? `${JSON.stringify({ error: { incomplete: true, ...(file ? { file } : {}), message: msg } })}\n`
          : `# ERROR: output incomplete: ${where}${msg}\n`
        controller.enqueue(encoder.encode(line))
        // The rest of the upload is read before the answer ends, or the client's send fails
        // under it (curl: "Send failure: Broken pipe", exit 55) although its answer came whole.
        const body = c.req.raw.body
        if (body) await drainStream(body, DRAIN_MAX_BYTES)
        controller.close()
      }
    },
    async cancel() {
      await events.return(undefined)
    },
  })
  return typed(new Response(stream, { status: 200, headers }))
})

/** Runs the upload through per-file summaries plus one extra sink, which reads `sinkFields`. */
async function summarize(
  c: Context<AppEnv>,
  q: FlowQuery,
  sink: (b: FlowBatch, keep: FlowPredicate, file: string) => void = () => {},
  sinkFields: readonly FlowField[] = [],
  requires?: { fields: readonly FlowField[]; what: string },
): Promise<{ files: FileSummary[]; filterWarnings: FilterNote[] }> {
  const files: FileSummary[] = []
  let filterWarnings: FilterNote[] = []
  let acc: SummaryAccumulator | undefined
  const reads = fieldSet(FILE_SUMMARY_FIELDS, sinkFields)
  for await (const ev of requestFlows(c, q, () => reads, requires && (() => requires))) {
    filterWarnings = ev.filterWarnings.map(({ code, message }) => ({ code, message }))
    if (ev.kind === 'open') acc = startFileSummary(ev.file)
    else if (ev.kind === 'batch' && acc) {
      addToFileSummary(acc, ev.batch, ev.keep)
      sink(ev.batch, ev.keep, ev.file.name)
    } else if (ev.kind === 'close' && acc) files.push(finishFileSummary(acc))
  }
  return { files, filterWarnings }
}

/** A filter warning as answers carry it (flow-nfilter prints these on stderr and goes on). */
type FilterNote = { code: string; message: string }

/** Where a text answer saved with save=1 can be fetched again (the JSON answer has its id). */
function savedNote(id: string | undefined): string {
  return id ? `# saved: /flows/analyses/${id}\n` : ''
}

/** The filter's warnings as text lines (none: ''), first in a text answer. */
function filterNotes(warnings: readonly FilterNote[]): string {
  return warnings.map((w) => `# filter warning: ${w.message}\n`).join('')
}

/** The filter's warnings as one header value: printable ASCII, separated by " | ". */
function headerText(warnings: readonly FilterNote[]): string {
  return warnings
    .map((w) => w.message.replace(/[^\x20-\x7e]/g, '?'))
    .join(' | ')
    .slice(0, 4096)
}

/** The filter's warnings in a JSON answer: absent when there are none. */
function withWarnings(warnings: readonly FilterNote[]) {
  return warnings.length > 0 ? { filterWarnings: [...warnings] } : {}
}

function renderSummaryText(files: readonly FileSummary[]): string {
  let out = ''
  for (const f of files) {
    out += `# file:                 ${f.name}\n# format:               ${f.format} (record version ${f.recordVersion})\n`
    if (f.truncated) out += truncationNote(f.name, f.flows, f.truncated)
    for (const w of f.warnings ?? []) out += `# warning:              ${w}\n`
    if (f.headerText) out += f.headerText
    out += `# flows read:           ${f.flows}\n# flows matched:        ${f.matched}\n# first flow start:     ${f.firstFlowStart ?? '-'}\n# last flow end:        ${f.lastFlowEnd ?? '-'}\n#\n`
  }
  const t = totalsOf(files)
  out += `# total: ${t.files} files, ${t.flows} flows read, ${t.matched} matched, ${t.octets} octets, ${t.packets} packets\n`
  return out
}

/**
 * The PARTIAL RESULT lines of the files a partial result cut short and the WARNING lines of
 * files missing records (none: ''), first in a text report or timeline.
 */
function fileNotes(files: readonly FileSummary[]): string {
  let out = ''
  for (const f of files) {
    if (f.truncated) out += truncationNote(f.name, f.flows, f.truncated)
    for (const w of f.warnings ?? []) out += warningNote(f.name, w)
  }
  return out
}

/** `save=1`: checked before the upload is read, written after the analysis succeeded. */
function checkSave(c: Context<AppEnv>, save: boolean): void {
  if (save) assertToken(c, 'Saving an analysis')
}

async function maybeSave(
  c: Context<AppEnv>,
  save: boolean,
  kind: SavedAnalysis['kind'],
  q: Record<string, unknown>,
  result: unknown,
): Promise<string | undefined> {
  if (!save) return undefined
  const { save: _omit, ...query } = q
  const saved = await saveAnalysis(c.env.EDGEPING_KV, kind, query, result, new Date())
  c.header('Location', `/flows/analyses/${saved.id}`)
  return saved.id
}

flowRoutes.openapi(documented(summaryRoute), async (c) => {
  const q = c.req.valid('query')
  checkSave(c, q.save)
  const { files, filterWarnings } = await summarize(c, q)
  const result = { files, totals: totalsOf(files), ...withWarnings(filterWarnings) }
  const id = await maybeSave(c, q.save, 'summary', q, result)
  if (wantsText(c, undefined, []))
    return c.text(savedNote(id) + filterNotes(filterWarnings) + renderSummaryText(files), 200)
  return c.json({ ...result, ...(id ? { id } : {}) }, 200)
})

flowRoutes.openapi(documented(reportRoute), async (c) => {
  const q = c.req.valid('query')
  checkSave(c, q.save)
  const stat = createStatSummary()
  const top = createTopTalkers(q.sort, undefined, q.tables)
  const { files, filterWarnings } = await summarize(
    c,
    q,
    (b, keep) => {
      addToStatSummary(stat, b, keep)
      addToTopTalkers(top, b, keep)
    },
    [...STAT_SUMMARY_FIELDS, ...topTalkerFields(q.tables)],
    // flow-stat's durations and export times; a text input without them is refused, not averaged.
    { fields: ['first', 'last', 'unix_secs'], what: "the report's flow-stat summary" },
  )
  const tables: Record<string, TopRow[]> = {}
  for (const k of q.tables) tables[k] = topRows(top, k, q.sort, q.top)
  const text = renderStatSummary(stat)
  const result = {
    stat: { flows: stat.flows, octets: stat.octets, packets: stat.packets, text },
    sort: q.sort,
    top: tables,
    // Tables with more distinct keys than fit: their counts may be short by at most this much.
    approximate: approximations(top),
    files,
    totals: totalsOf(files),
    ...withWarnings(filterWarnings),
  }
  const id = await maybeSave(c, q.save, 'report', q, result)
  if (wantsText(c, undefined, [])) {
    let out = savedNote(id) + filterNotes(filterWarnings) + fileNotes(files) + text
    for (const k of q.tables)
      out += `\n${renderTopRows(`top ${q.top} ${k} by ${q.sort}`, tables[k] ?? [])}`
    return c.text(out, 200)
  }
  return c.json({ ...result, ...(id ? { id } : {}) }, 200)
})

flowRoutes.openapi(documented(timelineRoute), async (c) => {
  const q = c.req.valid('query')
  checkSave(c, q.save)
  const t = createTimeline(q.bucket)
  const { files, filterWarnings } = await summarize(
    c,
    q,
    (b, keep, file) => addToTimeline(t, b, keep, file),
    TIMELINE_FIELDS,
    { fields: FLOW_TIME_FIELDS, what: 'the timeline' },
  )
  const result = { ...timelineResult(t), files, ...withWarnings(filterWarnings) }
  const id = await maybeSave(c, q.save, 'timeline', q, result)
  if (wantsText(c, undefined, []))
    return c.text(
      savedNote(id) + filterNotes(filterWarnings) + fileNotes(files) + renderTimeline(result),
      200,
    )
  return c.json({ ...result, ...(id ? { id } : {}) }, 200)
})

const analysisRoute = createRoute({
  method: 'get',
  path: '/analyses/{id}',
  tags: ['Flows'],
  summary: 'A saved analysis (summary, report or timeline) by id',
  security: [{ bearer: [] }],
  // The token first: without it, nothing about the id is told.
  middleware: [requireToken] as const,
  request: { params: AnalysisParamsSchema },
  responses: {
    200: {
      description: 'The saved analysis',
      content: { 'application/json': { schema: SavedAnalysisSchema } },
    },
    401: problemResponse('Saved analyses hold traffic data: the token is needed'),
    404: problemResponse('No such analysis (or it expired after 90 days)'),
    422: problemResponse('The id is not an analysis id'),
  },
})

flowRoutes.openapi(analysisRoute, async (c) => {
  assertToken(c, 'Reading a saved analysis')
  const { id } = c.req.valid('param')
  const saved = await getAnalysis(c.env.EDGEPING_KV, id)
  if (!saved) {
    throw new ProblemError({
      type: 'about:blank',
      title: 'Not Found',
      status: 404,
      detail: `no saved analysis ${id} (analyses expire after 90 days)`,
    })
  }
  return c.json(saved, 200)
})
