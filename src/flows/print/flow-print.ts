import type { FlowBatch, FlowField, FlowPredicate } from '../flow-batch'
import { FlowOutputError } from '../flow-errors'
import type { ByteOut } from './byte-out'
import { utcTm } from './flow-time'
import {
  defaultPrintFormat,
  PRINT_FORMATS,
  type PrintFormat,
  type PrintOptions,
} from './print-formats'

/**
 * Picks the flow-print format for a record version, checking the fields it needs are there.
 * Every format takes -n (names): those without a column to name print as without it, as
 * flow-print does.
 */
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

/**
 * Writes the selected rows of one batch in a flow-print format into `out` (`true`/`false` = -w,
 * times in UTC) and returns how many rows were printed. Take the bytes with `out.take()`.
 */
export function printBatch(
  f: PrintFormat,
  batch: FlowBatch,
  options: boolean | PrintOptions,
  out: ByteOut,
  keep: FlowPredicate = () => true,
): number {
  const o: PrintOptions = typeof options === 'boolean' ? { wide: options, tm: utcTm } : options
  let printed = 0
  for (let i = 0; i < batch.length; i++) {
    if (!keep(batch, i)) continue
    out.row()
    if (f.write(out, batch, i, o)) printed++
  }
  return printed
}
