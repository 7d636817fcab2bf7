import { createFlowBatch, type FlowBatch, type FlowField } from './flow-batch'
import { FlowParseError } from './flow-errors'
import { parseIpv4 } from './ipv4'
import { FIELD_MAX } from './record-layouts'
import {
  countRow,
  readLines,
  type TextReadOptions,
  type TextStats,
  textBatches,
} from './text-lines'

/** flow-print's default (-f 3) header line, plain and wide (-w). */
const F3_HEADER = /^srcIP\s+dstIP\s+prot\s+srcPort\s+dstPort\s+octets\s+packets\s*$/
const F3_COLUMNS: FlowField[] = [
  'srcaddr',
  'dstaddr',
  'prot',
  'srcport',
  'dstport',
  'doctets',
  'dpkts',
]

export type PrintTextFile = {
  present: ReadonlySet<FlowField>
  batches: AsyncGenerator<FlowBatch, void, void>
  stats: TextStats
}

/**
 * Reads flow-print's default columns back (`srcIP dstIP prot srcPort dstPort octets packets`,
 * numeric, as flow-print writes them without -n). Errors name the line and column.
 */
export async function openFlowPrintText(
  stream: ReadableStream<Uint8Array>,
  options: TextReadOptions = {},
): Promise<PrintTextFile> {
  const stats: TextStats = { flows: 0, bytes: 0 }
  const lines = readLines(stream, stats, options.maxBytes)
  const first = await lines.next()
  if (first.done)
    throw new FlowParseError('empty_file', 0, 'empty file: expected a flow-print header line')
  if (!F3_HEADER.test(first.value.text)) {
    throw new FlowParseError(
      'bad_text',
      0,
      'line 1: expected flow-print\'s default header "srcIP dstIP prot srcPort dstPort octets packets"',
      { line: 1 },
    )
  }
  const present = new Set(F3_COLUMNS)
  const batchSize = options.batchSize ?? 4096
  const batch = createFlowBatch(batchSize, present)
  const maxFlows = options.maxFlows ?? Number.POSITIVE_INFINITY
  async function* decode(): AsyncGenerator<FlowBatch, void, void> {
    // Not for-await: a bad line must leave `lines` open for partial=1's drain, which reads on.
    for (let r = await lines.next(); !r.done; r = await lines.next()) {
      const line = r.value
      if (line.text.trim() === '') continue
      const parts = line.text.trim().split(/\s+/)
      if (parts.length !== F3_COLUMNS.length) {
        throw new FlowParseError(
          'bad_text',
          line.offset,
          `line ${line.no}: ${parts.length} columns, expected 7`,
          {
            line: line.no,
          },
        )
      }
      const row = batch.length
      for (let k = 0; k < F3_COLUMNS.length; k++) {
        const field = F3_COLUMNS[k] as FlowField
        const t = parts[k] as string
        const v = k < 2 ? parseIpv4(t) : /^\d{1,10}$/.test(t) ? Number(t) : undefined
        if (v === undefined || v > FIELD_MAX[field]) {
          throw new FlowParseError(
            'bad_text',
            line.offset,
            `line ${line.no}, column ${k + 1} (${field}): "${t.slice(0, 40)}" is not a valid value (symbolic names from -n are not read back)`,
            { line: line.no },
          )
        }
        ;(batch.cols[field] as Uint32Array)[row] = v
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
    present,
    batches: textBatches(decode(), batch, stats, options, async () => {
      // Rows as decode() sees them: not blank.
      let rows = 0
      for await (const line of lines) if (line.text.trim() !== '') rows++
      return rows
    }),
    stats,
  }
}
