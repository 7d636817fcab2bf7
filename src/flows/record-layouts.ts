import { FLOW_FIELDS, type FlowField } from './flow-batch'

/** One field of a fixed-size record: where it is and how wide (1, 2 or 4 bytes). */
export type FieldSpec = readonly [field: FlowField, offset: number, size: 1 | 2 | 4]

/** The byte layout of one ft record format (flow-tools' fts3rec_v*, natural C alignment). */
export type RecordLayout = {
  /** `5`, `1005`, `8.3`... as flow-tools names it. */
  readonly name: string
  readonly dVersion: number
  readonly aggMethod: number
  readonly size: number
  readonly fields: readonly FieldSpec[]
}

// v5 (64 bytes); v1, v6, v7 and v1005 share offsets 0-55 (flow-tools ftlib.h, fts3rec_v5).
const V5_BASE: FieldSpec[] = [
  ['unix_secs', 0, 4],
  ['unix_nsecs', 4, 4],
  ['sysuptime', 8, 4],
  ['exaddr', 12, 4],
  ['srcaddr', 16, 4],
  ['dstaddr', 20, 4],
  ['nexthop', 24, 4],
  ['input', 28, 2],
  ['output', 30, 2],
  ['dpkts', 32, 4],
  ['doctets', 36, 4],
  ['first', 40, 4],
  ['last', 44, 4],
  ['srcport', 48, 2],
  ['dstport', 50, 2],
  ['prot', 52, 1],
  ['tos', 53, 1],
  ['tcp_flags', 54, 1],
]
const V5_TAIL: FieldSpec[] = [
  ['engine_type', 56, 1],
  ['engine_id', 57, 1],
  ['src_mask', 58, 1],
  ['dst_mask', 59, 1],
  ['src_as', 60, 2],
  ['dst_as', 62, 2],
]
const V5 = [...V5_BASE, ...V5_TAIL]

/** v8 header words: most aggregations put exaddr at 12; 8.3, 8.11 and 8.12 swap it with sysUpTime. */
function v8Head(swapped: boolean): FieldSpec[] {
  return [
    ['unix_secs', 0, 4],
    ['unix_nsecs', 4, 4],
    ['sysuptime', swapped ? 12 : 8, 4],
    ['exaddr', swapped ? 8 : 12, 4],
  ]
}
/** Common counters "C": dFlows 16, dPkts 20, dOctets 24, First 28, Last 32. */
const C: FieldSpec[] = [
  ['dflows', 16, 4],
  ['dpkts', 20, 4],
  ['doctets', 24, 4],
  ['first', 28, 4],
  ['last', 32, 4],
]
/** 8.6-8.8 have no dFlows: dPkts 16, dOctets 20, First 24, Last 28. */
const C2: FieldSpec[] = [
  ['dpkts', 16, 4],
  ['doctets', 20, 4],
  ['first', 24, 4],
  ['last', 28, 4],
]

function layout(
  name: string,
  dVersion: number,
  aggMethod: number,
  size: number,
  fields: FieldSpec[],
): RecordLayout {
  return { name, dVersion, aggMethod, size, fields }
}

const LAYOUTS: RecordLayout[] = [
  layout('1', 1, 0, 60, V5_BASE),
  layout('5', 5, 0, 64, V5),
  layout('6', 6, 0, 72, [
    ...V5,
    ['in_encaps', 64, 1],
    ['out_encaps', 65, 1],
    ['peer_nexthop', 68, 4],
  ]),
  // v7 byte 55 is a `flags` byte flow-tools never exports; router_sc follows the v5 part.
  layout('7', 7, 0, 68, [...V5, ['router_sc', 64, 4]]),
  layout('1005', 1005, 0, 72, [...V5, ['src_tag', 64, 4], ['dst_tag', 68, 4]]),
  layout('8.1', 8, 1, 48, [
    ...v8Head(false),
    ...C,
    ['src_as', 36, 2],
    ['dst_as', 38, 2],
    ['input', 40, 2],
    ['output', 42, 2],
    ['engine_type', 44, 1],
    ['engine_id', 45, 1],
  ]),
  layout('8.2', 8, 2, 48, [
    ...v8Head(false),
    ...C,
    ['prot', 36, 1],
    ['srcport', 40, 2],
    ['dstport', 42, 2],
    ['engine_type', 44, 1],
    ['engine_id', 45, 1],
  ]),
  layout('8.3', 8, 3, 48, [
    ...v8Head(true),
    ...C,
    ['srcaddr', 36, 4],
    ['src_mask', 40, 1],
    ['src_as', 42, 2],
    ['input', 44, 2],
    ['engine_type', 46, 1],
    ['engine_id', 47, 1],
  ]),
  layout('8.4', 8, 4, 48, [
    ...v8Head(false),
    ...C,
    ['dstaddr', 36, 4],
    ['dst_mask', 40, 1],
    ['engine_type', 42, 1],
    ['engine_id', 43, 1],
    ['dst_as', 44, 2],
    ['output', 46, 2],
  ]),
  layout('8.5', 8, 5, 56, [
    ...v8Head(false),
    ...C,
    ['srcaddr', 36, 4],
    ['dstaddr', 40, 4],
    ['dst_mask', 44, 1],
    ['src_mask', 45, 1],
    ['engine_type', 46, 1],
    ['engine_id', 47, 1],
    ['src_as', 48, 2],
    ['dst_as', 50, 2],
    ['input', 52, 2],
    ['output', 54, 2],
  ]),
  layout('8.6', 8, 6, 52, [
    ...v8Head(false),
    ...C2,
    ['dstaddr', 32, 4],
    ['extra_pkts', 36, 4],
    ['router_sc', 40, 4],
    ['output', 44, 2],
    ['tos', 48, 1],
    ['marked_tos', 49, 1],
    ['engine_type', 50, 1],
    ['engine_id', 51, 1],
  ]),
  layout('8.7', 8, 7, 56, [
    ...v8Head(false),
    ...C2,
    ['dstaddr', 32, 4],
    ['srcaddr', 36, 4],
    ['extra_pkts', 40, 4],
    ['router_sc', 44, 4],
    ['output', 48, 2],
    ['input', 50, 2],
    ['tos', 52, 1],
    ['marked_tos', 53, 1],
    ['engine_type', 54, 1],
    ['engine_id', 55, 1],
  ]),
  layout('8.8', 8, 8, 64, [
    ...v8Head(false),
    ...C2,
    ['dstaddr', 32, 4],
    ['srcaddr', 36, 4],
    ['extra_pkts', 40, 4],
    ['router_sc', 44, 4],
    ['dstport', 48, 2],
    ['srcport', 50, 2],
    ['output', 52, 2],
    ['input', 54, 2],
    ['tos', 56, 1],
    ['marked_tos', 57, 1],
    ['engine_type', 58, 1],
    ['engine_id', 59, 1],
    ['prot', 60, 1],
  ]),
  layout('8.9', 8, 9, 48, [
    ...v8Head(false),
    ...C,
    ['src_as', 36, 2],
    ['dst_as', 38, 2],
    ['input', 40, 2],
    ['output', 42, 2],
    ['engine_type', 44, 1],
    ['engine_id', 45, 1],
    ['tos', 46, 1],
  ]),
  // 8.10 records hold input/output at 40/42, but flow-tools' xfield mask for 8.10 (0x7807FF)
  // omits them: flow-export never prints them and flow-nfilter calls them "not in flow". Same here.
  layout('8.10', 8, 10, 48, [
    ...v8Head(false),
    ...C,
    ['srcport', 36, 2],
    ['dstport', 38, 2],
    ['engine_type', 44, 1],
    ['engine_id', 45, 1],
    ['prot', 46, 1],
    ['tos', 47, 1],
  ]),
  layout('8.11', 8, 11, 48, [
    ...v8Head(true),
    ...C,
    ['srcaddr', 36, 4],
    ['src_mask', 40, 1],
    ['tos', 41, 1],
    ['src_as', 42, 2],
    ['input', 44, 2],
    ['engine_type', 46, 1],
    ['engine_id', 47, 1],
  ]),
  layout('8.12', 8, 12, 48, [
    ...v8Head(true),
    ...C,
    ['dstaddr', 36, 4],
    ['output', 40, 2],
    ['dst_as', 42, 2],
    ['dst_mask', 44, 1],
    ['tos', 45, 1],
    ['engine_type', 46, 1],
    ['engine_id', 47, 1],
  ]),
  layout('8.13', 8, 13, 60, [
    ...v8Head(false),
    ...C,
    ['srcaddr', 36, 4],
    ['dstaddr', 40, 4],
    ['src_as', 44, 2],
    ['dst_as', 46, 2],
    ['input', 48, 2],
    ['output', 50, 2],
    ['dst_mask', 52, 1],
    ['src_mask', 53, 1],
    ['engine_type', 54, 1],
    ['engine_id', 55, 1],
    ['tos', 56, 1],
  ]),
  layout('8.14', 8, 14, 60, [
    ...v8Head(false),
    ...C,
    ['srcaddr', 36, 4],
    ['dstaddr', 40, 4],
    ['srcport', 44, 2],
    ['dstport', 46, 2],
    ['input', 48, 2],
    ['output', 50, 2],
    ['dst_mask', 52, 1],
    ['src_mask', 53, 1],
    ['engine_type', 54, 1],
    ['engine_id', 55, 1],
    ['tos', 56, 1],
    ['prot', 57, 1],
  ]),
]

/** The layout for a d_version (and v8 aggregation method), or undefined if flow-tools has none. */
export function findLayout(dVersion: number, aggMethod = 0): RecordLayout | undefined {
  return LAYOUTS.find(
    (l) => l.dVersion === dVersion && (dVersion !== 8 || l.aggMethod === aggMethod),
  )
}

/** Every layout, for tests and the writer. */
export function allLayouts(): readonly RecordLayout[] {
  return LAYOUTS
}

/** The fields a v5 record carries (flow-export -f 2 mask 0x0FFF37EF); other v5-like inputs share them. */
export const V5_FIELDS: readonly FlowField[] = (findLayout(5)?.fields ?? []).map(([field]) => field)

/**
 * The largest value each field can hold in an ft record: its widest size in any layout
 * (ports, interfaces and AS numbers 16 bits, protocol, ToS, flags, masks and engine 8). Text
 * readers refuse larger values, which no ft file could carry and the tables keyed by them
 * (ports, protocols) do not expect.
 */
export const FIELD_MAX: Readonly<Record<FlowField, number>> = (() => {
  const bytes = new Map<FlowField, number>()
  for (const l of LAYOUTS)
    for (const [field, , size] of l.fields) bytes.set(field, Math.max(size, bytes.get(field) ?? 0))
  const max = {} as Record<FlowField, number>
  for (const field of FLOW_FIELDS) max[field] = 2 ** (8 * (bytes.get(field) ?? 4)) - 1
  return max
})()
