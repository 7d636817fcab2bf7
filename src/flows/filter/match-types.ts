import type { FlowField } from '../flow-batch'
import type { MatchType, PrimitiveType } from './ast'

/** Old and short spellings flow-nfilter accepts (flow-nfilter(1), ftfil.c). */
const ALIASES: Record<string, MatchType> = {
  'src-ip-addr': 'ip-source-address',
  'dst-ip-addr': 'ip-destination-address',
  'exporter-ip-addr': 'ip-exporter-address',
  'nexthop-ip-addr': 'ip-nexthop-address',
  'shortcut-ip-addr': 'ip-shortcut-address',
  'src-ip-addr-prefix-len': 'ip-source-address-prefix-len',
  'dst-ip-addr-prefix-len': 'ip-destination-address-prefix-len',
  'src-ip-port': 'ip-source-port',
  'dst-ip-port': 'ip-destination-port',
  'src-ifindex': 'input-interface',
  'dst-ifindex': 'output-interface',
  'src-as': 'source-as',
  'dst-as': 'destination-as',
  'src-tag': 'source-tag',
  'dst-tag': 'destination-tag',
}

const ADDRESS: readonly PrimitiveType[] = ['ip-address', 'ip-address-mask', 'ip-address-prefix']
const TIME: readonly PrimitiveType[] = ['time', 'time-date']
const TAG: readonly PrimitiveType[] = ['tag', 'tag-mask']

/**
 * What each match type reads and which primitive types it accepts (flow-tools.md §5.4). A
 * `value` is either a column or a quantity computed from several columns.
 */
export type MatchValue =
  | { kind: 'column'; field: FlowField }
  | { kind: 'start-secs' | 'end-secs' | 'duration' | 'pps' | 'bps' | 'random' }

type MatchInfo = { value: MatchValue; accepts: readonly PrimitiveType[] }

const col = (field: FlowField): MatchValue => ({ kind: 'column', field })

export const MATCH_INFO: Record<MatchType, MatchInfo> = {
  'ip-source-address': { value: col('srcaddr'), accepts: ADDRESS },
  'ip-destination-address': { value: col('dstaddr'), accepts: ADDRESS },
  'ip-exporter-address': { value: col('exaddr'), accepts: ADDRESS },
  'ip-nexthop-address': { value: col('nexthop'), accepts: ADDRESS },
  'ip-shortcut-address': { value: col('router_sc'), accepts: ADDRESS },
  'ip-source-address-prefix-len': { value: col('src_mask'), accepts: ['ip-address-prefix-len'] },
  'ip-destination-address-prefix-len': {
    value: col('dst_mask'),
    accepts: ['ip-address-prefix-len'],
  },
  'ip-protocol': { value: col('prot'), accepts: ['ip-protocol'] },
  'ip-source-port': { value: col('srcport'), accepts: ['ip-port'] },
  'ip-destination-port': { value: col('dstport'), accepts: ['ip-port'] },
  'ip-tos': { value: col('tos'), accepts: ['ip-tos'] },
  'ip-marked-tos': { value: col('marked_tos'), accepts: ['ip-tos'] },
  'ip-tcp-flags': { value: col('tcp_flags'), accepts: ['ip-tcp-flags'] },
  'input-interface': { value: col('input'), accepts: ['ifindex'] },
  'output-interface': { value: col('output'), accepts: ['ifindex'] },
  'source-as': { value: col('src_as'), accepts: ['as'] },
  'destination-as': { value: col('dst_as'), accepts: ['as'] },
  'engine-id': { value: col('engine_id'), accepts: ['engine'] },
  'engine-type': { value: col('engine_type'), accepts: ['engine'] },
  'start-time': { value: { kind: 'start-secs' }, accepts: TIME },
  'end-time': { value: { kind: 'end-secs' }, accepts: TIME },
  flows: { value: col('dflows'), accepts: ['counter'] },
  octets: { value: col('doctets'), accepts: ['counter'] },
  packets: { value: col('dpkts'), accepts: ['counter'] },
  'extra-packets': { value: col('extra_pkts'), accepts: ['counter'] },
  duration: { value: { kind: 'duration' }, accepts: ['counter'] },
  pps: { value: { kind: 'pps' }, accepts: ['double'] },
  bps: { value: { kind: 'bps' }, accepts: ['double'] },
  'source-tag': { value: col('src_tag'), accepts: TAG },
  'destination-tag': { value: col('dst_tag'), accepts: TAG },
  'random-sample': { value: { kind: 'random' }, accepts: ['rate'] },
}

/** The canonical match type of a (case-insensitive) name or alias. */
export function matchTypeOf(name: string): MatchType | undefined {
  const n = name.toLowerCase()
  if (Object.hasOwn(MATCH_INFO, n)) return n as MatchType
  return ALIASES[n]
}

/** The flow fields a match type reads (to refuse a filter the input format cannot answer). */
export function fieldsRead(type: MatchType): FlowField[] {
  const v = MATCH_INFO[type].value
  switch (v.kind) {
    case 'column':
      return [v.field]
    case 'start-secs':
      return ['unix_secs', 'unix_nsecs', 'sysuptime', 'first']
    case 'end-secs':
      return ['unix_secs', 'unix_nsecs', 'sysuptime', 'last']
    case 'duration':
      return ['first', 'last']
    case 'pps':
      return ['dpkts', 'first', 'last']
    case 'bps':
      return ['doctets', 'first', 'last']
    case 'random':
      return []
  }
}
