/**
 * The unit of work of the flow analyzer: a batch of decoded flows stored column by column in
 * reusable typed arrays (never one object per flow). Readers fill batches, filters select rows,
 * sinks (print, report, timeline) read them.
 *
 * Field names are flow-tools' own (`flow-export -f 2` column names). Every ft record field is at
 * most 32 bits, so every column is a Uint32Array; IPv4 addresses are host-order integers
 * (10.0.0.1 = 0x0a000001) whatever the file's byte order.
 */
export const FLOW_FIELDS = [
  'unix_secs',
  'unix_nsecs',
  'sysuptime',
  'exaddr',
  'dflows',
  'dpkts',
  'doctets',
  'first',
  'last',
  'engine_type',
  'engine_id',
  'srcaddr',
  'dstaddr',
  'nexthop',
  'input',
  'output',
  'srcport',
  'dstport',
  'prot',
  'tos',
  'tcp_flags',
  'src_mask',
  'dst_mask',
  'src_as',
  'dst_as',
  'in_encaps',
  'out_encaps',
  'peer_nexthop',
  'router_sc',
  'extra_pkts',
  'marked_tos',
  'src_tag',
  'dst_tag',
] as const

export type FlowField = (typeof FLOW_FIELDS)[number]

export interface FlowBatch {
  /** Rows in use (the arrays may be longer: batches are reused). */
  length: number
  /**
   * One column per field; a field the source format lacks reads as 0. A field the reader was
   * told not to decode (`decoded` below) is an empty array: reading it gives undefined, so a
   * consumer that reads more than it declared shows NaN in tests instead of quietly reading 0.
   */
  readonly cols: Readonly<Record<FlowField, Uint32Array>>
  /** The fields the source format really carries (e.g. v1 has no AS numbers). */
  readonly present: ReadonlySet<FlowField>
}

/** A compiled filter: does row `i` of the batch pass? Built from closures, never `eval`. */
export type FlowPredicate = (batch: FlowBatch, i: number) => boolean

/** The fields a flow's start and end times are reconstructed from (flowStartMs, ftlTimeMs). */
export const FLOW_TIME_FIELDS: readonly FlowField[] = [
  'unix_secs',
  'unix_nsecs',
  'sysuptime',
  'first',
  'last',
]

const NOT_DECODED = new Uint32Array(0)

/**
 * Allocates an empty batch of `capacity` rows; with `decoded`, only those columns get rows (the
 * others are empty: see `cols`).
 */
export function createFlowBatch(
  capacity: number,
  present: Iterable<FlowField> = FLOW_FIELDS,
  decoded?: ReadonlySet<FlowField>,
): FlowBatch {
  const cols = {} as Record<FlowField, Uint32Array>
  for (const f of FLOW_FIELDS)
    cols[f] = !decoded || decoded.has(f) ? new Uint32Array(capacity) : NOT_DECODED
  return { length: 0, cols, present: new Set(present) }
}

/** The union of field lists (what a request's filter and its output read). */
export function fieldSet(...lists: Iterable<FlowField>[]): Set<FlowField> {
  const out = new Set<FlowField>()
  for (const list of lists) for (const f of list) out.add(f)
  return out
}

/**
 * Flow start and end in milliseconds since the epoch, reconstructed as flow-tools does:
 * export time (unix_secs, unix_nsecs) minus the uptime elapsed since `first`/`last`.
 */
export function flowStartMs(b: FlowBatch, i: number): number {
  const c = b.cols
  return exportMs(b, i) - ((c.sysuptime[i] ?? 0) - (c.first[i] ?? 0))
}

export function flowEndMs(b: FlowBatch, i: number): number {
  const c = b.cols
  return exportMs(b, i) - ((c.sysuptime[i] ?? 0) - (c.last[i] ?? 0))
}

function exportMs(b: FlowBatch, i: number): number {
  return (b.cols.unix_secs[i] ?? 0) * 1000 + Math.floor((b.cols.unix_nsecs[i] ?? 0) / 1e6)
}
