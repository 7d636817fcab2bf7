// Test-only helpers: decode the small uncompressed v5 fixtures into one FlowBatch (synchronous,
// unlike the streaming reader, so filter tests stay plain), and read the condensed flow-nfilter expectations.
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import {
  createFlowBatch,
  type FlowBatch,
  type FlowPredicate,
} from '../../../../src/flows/flow-batch'
import { V5_FIELDS } from '../../../../src/flows/record-layouts'

const FIXTURES = fileURLToPath(new URL('../../../fixtures/flows/', import.meta.url))

export function fixturePath(name: string): string {
  return FIXTURES + name
}

export function fixtureText(name: string): string {
  return readFileSync(FIXTURES + name, 'utf8')
}

/**
 * Reads an uncompressed s_version 3 ft file of v5 records: 4-byte generic header, header of
 * length head_off_d, then 64-byte records in the header's byte order (flow-tools.md §1-2).
 */
export function readV5Fixture(name: string): FlowBatch {
  const bytes = readFileSync(FIXTURES + name)
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  if (bytes[0] !== 0xcf || bytes[1] !== 0x10 || bytes[3] !== 3)
    throw new Error(`${name}: not ft v3`)
  const le = bytes[2] === 1
  const start = view.getUint32(4, le)
  const n = (bytes.length - start) / 64
  if (!Number.isInteger(n)) throw new Error(`${name}: partial record`)
  const b = createFlowBatch(n, V5_FIELDS)
  const c = b.cols
  for (let i = 0; i < n; i++) {
    const o = start + i * 64
    const u32 = (k: number) => view.getUint32(o + k, le)
    const u16 = (k: number) => view.getUint16(o + k, le)
    const u8 = (k: number) => view.getUint8(o + k)
    c.unix_secs[i] = u32(0)
    c.unix_nsecs[i] = u32(4)
    c.sysuptime[i] = u32(8)
    c.exaddr[i] = u32(12)
    c.srcaddr[i] = u32(16)
    c.dstaddr[i] = u32(20)
    c.nexthop[i] = u32(24)
    c.input[i] = u16(28)
    c.output[i] = u16(30)
    c.dpkts[i] = u32(32)
    c.doctets[i] = u32(36)
    c.first[i] = u32(40)
    c.last[i] = u32(44)
    c.srcport[i] = u16(48)
    c.dstport[i] = u16(50)
    c.prot[i] = u8(52)
    c.tos[i] = u8(53)
    c.tcp_flags[i] = u8(54)
    c.engine_type[i] = u8(56)
    c.engine_id[i] = u8(57)
    c.src_mask[i] = u8(58)
    c.dst_mask[i] = u8(59)
    c.src_as[i] = u16(60)
    c.dst_as[i] = u16(62)
  }
  b.length = n
  return b
}

/** Row indices a predicate passes. */
export function selectRows(batch: FlowBatch, pred: FlowPredicate): number[] {
  const rows: number[] = []
  for (let i = 0; i < batch.length; i++) if (pred(batch, i)) rows.push(i)
  return rows
}

type Expected = { count: number; rows: string }
type PerFile = {
  semantics: Record<string, Expected>
  pipelines: Record<string, Expected>
  counts: Record<string, number>
  vars?: Record<string, Expected>
}
export const EXPECTED = JSON.parse(fixtureText('filter-expected.json')) as Record<
  'seed-all' | 'random-v5-1k',
  PerFile
>

/** Decodes a base64 row bitmap (derive-filter-expected.py) into row indices. */
export function expectedRows(e: Expected): number[] {
  const bits = Buffer.from(e.rows, 'base64')
  const rows: number[] = []
  for (let i = 0; i < bits.length * 8; i++) if ((bits[i >> 3] ?? 0) & (1 << (i & 7))) rows.push(i)
  return rows
}

/** The flow-print lines (after `head` header lines) of the unfiltered file. */
export function printLines(file: string, format: 'f5' | 'default'): string[] {
  const head = format === 'f5' ? 2 : 1
  return fixtureText(`${file}.print-${format}.txt`).split('\n').slice(head, -1)
}
