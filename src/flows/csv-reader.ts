import { ADDRESS_FIELDS } from './csv-export'
import { createFlowBatch, FLOW_FIELDS, type FlowBatch, type FlowField } from './flow-batch'
import { FlowLimitError, FlowParseError } from './flow-errors'
import { parseIpv4 } from './ipv4'
import { FIELD_MAX } from './record-layouts'
import {
  countRow,
  lineTooLong,
  MAX_LINE,
  stripBom,
  type TextReadOptions,
  type TextStats,
  textBatches,
  textDecoder,
  utf8Length,
} from './text-lines'

export type CsvReadOptions = TextReadOptions

export type CsvFile = {
  columns: FlowField[]
  present: ReadonlySet<FlowField>
  batches: AsyncGenerator<FlowBatch, void, void>
  stats: TextStats
}

const FIELD_NAMES: ReadonlySet<string> = new Set(FLOW_FIELDS)

/**
 * strtoul(text, 0) without its silent garbage: decimal, 0x hex or leading-0 octal, ≤ 2³²−1. A
 * leading 0 makes the rest octal, so `08` is 0 and garbage to strtoul: refused, not read as 8.
 */
function parseNumber(t: string): number | undefined {
  let v: number
  if (/^0x[0-9a-f]+$/i.test(t)) v = Number.parseInt(t.slice(2), 16)
  else if (/^0[0-7]+$/.test(t)) v = Number.parseInt(t.slice(1), 8)
  else if (/^(0|[1-9]\d*)$/.test(t)) v = Number(t)
  else return undefined
  return v <= 0xffffffff ? v : undefined
}

/** A line that is no row: empty or only blanks (an editor's stray line), or a `#` comment. */
function isBlankOrComment(text: string): boolean {
  return text.trim() === '' || text.startsWith('#')
}

/**
 * Reads flow-export -f 2 CSV (any field mask): the `#:` line names the columns, in any order
 * (flow-import reads them by name); v6's second `nexthop` is peer_nexthop. Every error names the
 * line and column.
 */
export async function openFlowExportCsv(
  stream: ReadableStream<Uint8Array>,
  options: CsvReadOptions = {},
): Promise<CsvFile> {
  const reader = stream.getReader()
  const decoder = textDecoder()
  const stats: TextStats = { flows: 0, bytes: 0 }
  let pending = ''
  let ended = false
  let lineNo = 0
  let offset = 0
  const nextLine = async (): Promise<{ text: string; offset: number } | undefined> => {
    for (;;) {
      const nl = pending.indexOf('\n')
      if (nl >= 0) {
        const raw = pending.slice(0, nl)
        const text = raw.replace(/\r$/, '')
        if (text.length > MAX_LINE) throw lineTooLong(stats, 'bad_csv', offset, lineNo + 1)
        pending = pending.slice(nl + 1)
        lineNo++
        const at = offset
        offset += utf8Length(raw) + 1
        return { text: lineNo === 1 ? stripBom(text) : text, offset: at }
      }
      if (pending.length > MAX_LINE + 1) throw lineTooLong(stats, 'bad_csv', offset, lineNo + 1)
      if (ended) {
        if (pending === '') return undefined
        const text = pending.replace(/\r$/, '')
        if (text.length > MAX_LINE) throw lineTooLong(stats, 'bad_csv', offset, lineNo + 1)
        pending = ''
        lineNo++
        return { text: lineNo === 1 ? stripBom(text) : text, offset }
      }
      const r = await reader.read()
      if (r.done) {
        ended = true
        pending += decoder.decode()
      } else {
        stats.bytes += r.value.length
        if (options.maxBytes !== undefined && stats.bytes > options.maxBytes) {
          throw new FlowLimitError(
            'too_many_bytes',
            options.maxBytes,
            `file is larger than the limit of ${options.maxBytes} bytes`,
          )
        }
        pending += decoder.decode(r.value, { stream: true })
      }
    }
  }
  const first = await nextLine()
  if (!first)
    throw new FlowParseError('empty_file', 0, 'empty file: expected a flow-export "#:" header line')
  if (!first.text.startsWith('#:')) {
    throw new FlowParseError(
      'bad_csv',
      0,
      'line 1: expected the flow-export "#:" header naming the columns',
      {
        line: 1,
      },
    )
  }
  const columns: FlowField[] = []
  for (const raw of first.text.slice(2).split(',')) {
    let name = raw.trim().toLowerCase()
    if (name === 'nexthop' && columns.includes('nexthop')) name = 'peer_nexthop'
    if (!FIELD_NAMES.has(name)) {
      throw new FlowParseError('bad_csv', 2, `line 1: unknown column "${raw.slice(0, 40)}"`, {
        line: 1,
      })
    }
    if (columns.includes(name as FlowField)) {
      throw new FlowParseError('bad_csv', 2, `line 1: column "${name}" appears twice`, { line: 1 })
    }
    columns.push(name as FlowField)
  }
  const present = new Set(columns)
  const batchSize = options.batchSize ?? 4096
  const batch = createFlowBatch(batchSize, present)
  const cols = columns.map((c) => batch.cols[c])
  const isAddr = columns.map((c) => ADDRESS_FIELDS.has(c))
  // A value wider than its ft field (a port of 65536) is refused, not truncated as flow-import
  // would: it could not come from a flow record.
  const maxOf = columns.map((c) => FIELD_MAX[c])
  const maxFlows = options.maxFlows ?? Number.POSITIVE_INFINITY

  async function* decode(): AsyncGenerator<FlowBatch, void, void> {
    for (;;) {
      const line = await nextLine()
      if (!line) break
      if (isBlankOrComment(line.text)) continue
      const parts = line.text.split(',')
      if (parts.length !== columns.length) {
        throw new FlowParseError(
          'bad_csv',
          line.offset,
          `line ${lineNo}: ${parts.length} values, the header names ${columns.length} columns`,
          { line: lineNo },
        )
      }
      const row = batch.length
      for (let k = 0; k < parts.length; k++) {
        const t = (parts[k] as string).trim()
        const v = isAddr[k] ? parseIpv4(t) : parseNumber(t)
        const max = maxOf[k] as number
        if (v === undefined || v > max) {
          throw new FlowParseError(
            'bad_csv',
            line.offset,
            `line ${lineNo}, column ${k + 1} (${columns[k]}): "${t.slice(0, 40)}" is not ${isAddr[k] ? 'an IPv4 address' : `a number from 0 to ${max}`}`,
            { line: lineNo },
          )
        }
        ;(cols[k] as Uint32Array)[row] = v
      }
      batch.length = row + 1
      countRow(stats, maxFlows)
      if (batch.length === batchSize) {
        yield batch
        batch.length = 0
      }
    }
  }
  return {
    columns,
    present,
    batches: textBatches(decode(), batch, stats, options, async () => {
      // Rows as decode() sees them: not blank, not a comment.
      let rows = 0
      for (let line = await nextLine(); line; line = await nextLine())
        if (!isBlankOrComment(line.text)) rows++
      return rows
    }),
    stats,
  }
}
