import type { Context } from 'hono'
import type { AppEnv } from '../env'
import {
  type CompiledFilter,
  compileFilter,
  FilterError,
  type FilterWarning,
} from '../flows/filter/index'
import { buildFilterSpec } from '../flows/filter-spec'
import { type FlowField, type FlowPredicate, fieldSet } from '../flows/flow-batch'
import {
  type CatEvent,
  catFlows,
  type FlowInput,
  type FlowLimits,
  type OpenedFile,
  versionName,
} from '../flows/flow-cat'
import { FlowOutputError, FlowParseError } from '../flows/flow-errors'
import type { FtHeader } from '../flows/ft-header'
import type { InputFormat } from '../flows/input-sniff'
import { MultipartError, multipartBoundary, splitMultipart } from '../flows/multipart-stream'
import { invalidRequest } from '../http/problem'
import { getFilterSet } from '../kv/filter-sets'
import { workerInflater } from '../ports/inflate-wasm'

/** Per-request limits: the Workers body limit (100 MB), files per upload, flows per request. */
export const FLOW_LIMITS: FlowLimits = {
  maxFiles: 64,
  maxFlows: 20_000_000,
  maxBytes: 100 * 1024 * 1024,
  maxInflatedBytes: 1024 * 1024 * 1024,
}
const MAX_FILTER_CFG_BYTES = 256 * 1024
export const FILTER_CFG_PART = 'filter.cfg'

export type FlowQuery = {
  format?: string | undefined
  expr?: string | undefined
  def?: string | string[] | undefined
  filters?: string | undefined
  partial?: boolean | undefined
}

async function readText(
  stream: ReadableStream<Uint8Array>,
  max: number,
  what: string,
): Promise<string> {
  const reader = stream.getReader()
  const decoder = new TextDecoder()
  let text = ''
  let size = 0
  for (;;) {
    const r = await reader.read()
    if (r.done) return text + decoder.decode()
    size += r.value.length
    if (size > max) throw invalidRequest(`${what} is larger than ${max} bytes`)
    text += decoder.decode(r.value, { stream: true })
  }
}

/** The filter.cfg text of a saved filter set; a 422 naming `path` when there is none. */
export async function savedFilterConfig(
  kv: KVNamespace,
  name: string,
  path: string,
): Promise<string> {
  const set = await getFilterSet(kv, name)
  if (!set)
    throw invalidRequest(`no saved filter set named "${name}"`, {
      errors: [{ path, message: 'not found' }],
    })
  return set.config
}

/**
 * The fields a route's output reads of an ft file's records (undefined: all of them); the
 * request decodes those and the ones its filter reads, no others.
 */
export type OutputFields = (
  present: ReadonlySet<FlowField>,
  header: FtHeader,
) => Iterable<FlowField> | undefined

/**
 * What a route's output cannot do without, for one file (print: the format's columns; timeline:
 * flow times); a file that lacks one is refused by name, not printed or counted with zeros.
 */
export type RequiredFields = (file: OpenedFile) => {
  fields: readonly FlowField[]
  /** What needs them, for the message: `flow-print format 5`, `the timeline`. */
  what: string
}

function checkFields(
  file: OpenedFile,
  filterFields: ReadonlySet<FlowField>,
  requires: RequiredFields | undefined,
): void {
  const lacking = (fields: Iterable<FlowField>) => [...fields].filter((f) => !file.present.has(f))
  const kind = `"${file.name}" (${file.format}, record version ${versionName(file)})`
  const notInFlow = lacking(filterFields)
  if (notInFlow.length > 0) {
    throw new FilterError(
      'field_not_in_flow',
      `Filter references a field not in flow. (${notInFlow.join(', ')}): ${kind} has no such field`,
      'definition',
    )
  }
  if (!requires) return
  const need = requires(file)
  const missing = lacking(need.fields)
  if (missing.length > 0) {
    throw new FlowOutputError(
      'missing_field',
      `${kind} has no ${missing.join(', ')}: ${need.what} needs ${missing.length > 1 ? 'them' : 'it'}`,
      file.name,
    )
  }
}

/**
 * The flows of one request: the upload (raw body = one file; multipart = several files in order,
 * flow-cat style, plus an optional `filter.cfg` part before them), filtered by the request's
 * filter chain. Yields flow-cat events; the predicate is ready before the first batch.
 */
export async function* requestFlows(
  c: Context<AppEnv>,
  q: FlowQuery,
  reads?: OutputFields,
  requires?: RequiredFields,
): AsyncGenerator<
  CatEvent & { keep: FlowPredicate; filterWarnings: readonly FilterWarning[] },
  void,
  void
> {
  const body = c.req.raw.body
  if (!body)
    throw invalidRequest(
      'empty request body: upload one flow file, or several as multipart/form-data',
    )
  let config =
    q.filters === undefined
      ? undefined
      : await savedFilterConfig(c.env.EDGEPING_KV, q.filters, 'query.filters')
  const contentType = c.req.header('content-type')
  const boundary = multipartBoundary(contentType)
  if (contentType?.toLowerCase().startsWith('multipart/') && !boundary) {
    throw invalidRequest(
      'multipart upload without a usable boundary: send multipart/form-data (curl -F)',
    )
  }
  let filesSeen = 0
  // Parts without a filename (curl -F name=value): read as flow files, but named as form fields
  // when they turn out not to be one.
  const formFields = new Set<string>()
  async function* inputs(): AsyncGenerator<FlowInput> {
    if (!body) return
    if (!boundary) {
      filesSeen++
      yield { name: 'body', stream: body }
      return
    }
    for await (const part of splitMultipart(body, boundary, {
      maxBytes: FLOW_LIMITS.maxBytes,
      ...(q.partial ? { minRead: 1 } : {}),
    })) {
      if (part.name === FILTER_CFG_PART) {
        if (filesSeen > 0) {
          throw invalidRequest(`put the "${FILTER_CFG_PART}" part before the flow files`)
        }
        // One configuration a request: its errors' line numbers are its own lines.
        if (config !== undefined) {
          throw invalidRequest(
            q.filters === undefined
              ? `one "${FILTER_CFG_PART}" part per upload`
              : `a "${FILTER_CFG_PART}" part and filters=${q.filters}: send one filter configuration, not both`,
          )
        }
        config = await readText(part.body, MAX_FILTER_CFG_BYTES, `the ${FILTER_CFG_PART} part`)
        continue
      }
      filesSeen++
      if (part.filename === undefined) formFields.add(part.name)
      yield { name: part.filename ?? part.name, stream: part.body }
    }
  }
  const defs = q.def === undefined ? [] : Array.isArray(q.def) ? q.def : [q.def]
  let filter: CompiledFilter | undefined
  // The config (a filter.cfg part) is complete before the first file opens.
  const compiled = () => {
    try {
      filter ??= compileFilter(buildFilterSpec(defs, q.expr, config))
    } catch (err) {
      // The first file opened before any filter.cfg part came: say where the part goes.
      if (err instanceof FilterError && err.code === 'unknown_definition' && boundary && !config)
        err.message += `; if a "${FILTER_CFG_PART}" part defines it, that part must come before the flow files`
      throw err
    }
    return filter
  }
  const events = catFlows(inputs(), {
    limits: FLOW_LIMITS,
    inflater: workerInflater,
    format: q.format as InputFormat | undefined,
    ...(q.partial ? { allowPartial: true } : {}),
    // An ft file decodes what the filter and the output read, once its header says its format.
    ...(reads
      ? {
          decodeFields: (present: ReadonlySet<FlowField>, header: FtHeader) => {
            const out = reads(present, header)
            return out && fieldSet(compiled().fields, out)
          },
        }
      : {}),
  })
  try {
    for await (const ev of events) {
      // Every file is checked, not only the first: text inputs carry fewer fields than ft files.
      if (ev.kind === 'open') checkFields(ev.file, compiled().fields, requires)
      const f = compiled()
      yield { ...ev, keep: f.predicate, filterWarnings: f.warnings }
    }
  } catch (err) {
    if (err instanceof MultipartError) {
      throw invalidRequest(`bad multipart body: ${err.message}`, {
        ...(err.offset !== undefined ? { offset: err.offset } : {}),
        ...(err.part !== undefined ? { file: err.part } : {}),
      })
    }
    if (
      err instanceof FlowParseError &&
      (err.code === 'unknown_format' || err.code === 'empty_file') &&
      err.file !== undefined &&
      formFields.has(err.file)
    ) {
      err.message += `; "${err.file}" is a form field, not a file: upload flow files with -F name=@path, and a filter configuration as a part named ${FILTER_CFG_PART}`
    }
    throw err
  }
  if (filesSeen === 0) throw invalidRequest('the upload holds no flow file')
}
