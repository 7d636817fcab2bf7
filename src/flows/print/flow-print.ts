import type { FlowBatch, FlowField, FlowPredicate } from '../flow-batch'
import { FlowOutputError } from '../flow-errors'
import { defaultPrintFormat, PRINT_FORMATS, type PrintFormat } from './print-formats'

export type PrintOptions = { format?: number; wide?: boolean }

/** Picks the flow-print format for a record version, checking the fields it needs are there. */
export function choosePrintFormat(
  present: ReadonlySet<FlowField>,
  dVersion: number,
  aggMethod: number | undefined,
  format: number | undefined,
): PrintFormat {
  const n = format ?? defaultPrintFormat(dVersion, aggMethod)
  const f = PRINT_FORMATS[n]
  if (!f) throw new FlowOutputError('unknown_output', `no such flow-print format ${n}: use 0-24`)
  const missing = f.requires.filter((r) => !present.has(r))
  if (missing.length > 0) {
    throw new FlowOutputError(
      'missing_field',
      `Flow record missing required field for format ${n}: ${missing.join(', ')} (record version ${
        dVersion === 8 ? `8.${aggMethod}` : dVersion
      })`,
    )
  }
  return f
}

/** Text of the selected rows of one batch in a flow-print format. */
export function printBatch(
  f: PrintFormat,
  batch: FlowBatch,
  wide: boolean,
  keep: FlowPredicate = () => true,
): { text: string; printed: number } {
  let text = ''
  let printed = 0
  for (let i = 0; i < batch.length; i++) {
    if (!keep(batch, i)) continue
    const line = f.row(batch, i, wide)
    if (line !== '') {
      text += line
      printed++
    }
  }
  return { text, printed }
}
