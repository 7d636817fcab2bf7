import { FLOW_FIELDS, type FlowBatch, type FlowField } from './flow-batch'
import { formatIpv4 } from './ipv4'

/** Fields printed as dotted quads by flow-export. */
export const ADDRESS_FIELDS: ReadonlySet<FlowField> = new Set([
  'exaddr',
  'srcaddr',
  'dstaddr',
  'nexthop',
  'peer_nexthop',
  'router_sc',
])

/**
 * The columns `flow-export -f 2` prints for a record format: the canonical xfield order
 * (ftlib.h FT_XFIELD_*, which FLOW_FIELDS follows) restricted to the present fields.
 */
export function csvColumns(present: ReadonlySet<FlowField>): FlowField[] {
  return FLOW_FIELDS.filter((f) => present.has(f))
}

/** `#:` header line. flow-export labels peer_nexthop `nexthop` (a quirk kept for byte identity). */
export function csvHeader(columns: readonly FlowField[]): string {
  return `#:${columns.map((c) => (c === 'peer_nexthop' ? 'nexthop' : c)).join(',')}\n`
}

/** One CSV line per row of `rows` (indices into the batch), exactly as flow-export -f 2 writes it. */
export function csvLines(
  batch: FlowBatch,
  columns: readonly FlowField[],
  rows: Iterable<number>,
): string {
  // flow-export writes v8.6-8.8's marked_tos value under the extra_pkts label and vice versa
  // (its value order differs from its canonical header); kept for byte identity.
  const swap = batch.present.has('extra_pkts') && batch.present.has('marked_tos')
  const cols = columns.map((c) =>
    swap && c === 'extra_pkts'
      ? batch.cols.marked_tos
      : swap && c === 'marked_tos'
        ? batch.cols.extra_pkts
        : batch.cols[c],
  )
  const addr = columns.map((c) => ADDRESS_FIELDS.has(c))
  let out = ''
  for (const i of rows) {
    let line = ''
    for (let k = 0; k < cols.length; k++) {
      const v = (cols[k] as Uint32Array)[i] as number
      if (k > 0) line += ','
      line += addr[k] ? formatIpv4(v) : String(v)
    }
    out += `${line}\n`
  }
  return out
}
