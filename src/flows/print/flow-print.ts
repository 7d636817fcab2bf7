import type { FlowBatch, FlowField, FlowPredicate } from '../flow-batch'
import { FlowOutputError } from '../flow-errors'
import { utcTm } from './flow-time'
import {
  defaultPrintFormat,
  PRINT_FORMATS,
  type PrintFormat,
  type PrintOptions,
} from './print-formats'

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

/** Text of the selected rows of one batch in a flow-print format (`true`/`false` = -w, times in UTC). */
export function printBatch(
  f: PrintFormat,
  batch: FlowBatch,
  options: boolean | PrintOptions,
  keep: FlowPredicate = () => true,
): { text: string; printed: number } {
  const o: PrintOptions = typeof options === 'boolean' ? { wide: options, tm: utcTm } : options
  let text = ''
  let printed = 0
  for (let i = 0; i < batch.length; i++) {
    if (!keep(batch, i)) continue
    const line = f.row(batch, i, o)
    if (line !== '') {
      text += line
      printed++
    }
  }
  return { text, printed }
}
