import { FlowParseError } from './flow-errors'
import { findLayout, type RecordLayout } from './record-layouts'

/** HEADER_FLAGS bits (flow-tools ftlib.h FT_HEADER_FLAG_*). */
export const FT_FLAG = {
  DONE: 0x01,
  COMPRESS: 0x02,
  MULT_PDU: 0x04,
  STREAMING: 0x08,
  XLATE: 0x10,
  PRELOADED: 0x20,
} as const

/** Facts from an ft stream header. Counters and capture times are trustworthy only if `final`. */
export type FtHeader = {
  byteOrder: 'little' | 'big'
  streamVersion: 1 | 3
  /** Offset of the first record (s_version 3: head_off_d; s_version 1: 360). */
  headerLength: number
  dVersion: number
  aggVersion?: number
  aggMethod?: number
  flags: number
  compressed: boolean
  /** DONE or PRELOADED: the writer filled in the totals (flow-tools only trusts them then). */
  final: boolean
  streaming: boolean
  vendor?: number
  exporterIp?: number
  capStart?: number
  capEnd?: number
  rotSchedule?: number
  flowCount?: number
  flowsLost?: number
  flowsMisordered?: number
  pktsCorrupt?: number
  seqReset?: number
  hostname?: string
  comments?: string
  layout: RecordLayout
}

/** s_version 1 headers are a fixed 360-byte struct (ftio.h, struct ftheader_gen + fields). */
export const FT_V1_HEADER_SIZE = 360
/** flow-tools refuses headers above FT_IO_MAXHEADER (16 KiB); so do we. */
export const FT_MAX_HEADER = 16384

/**
 * Checks the 4-byte generic header and returns how many header bytes to read in total
 * (needs at least 8 bytes for s_version 3).
 */
export function headerLengthOf(b: Uint8Array): number {
  if (b.length === 0) throw new FlowParseError('empty_file', 0, 'empty file: no ft stream header')
  if (b[0] !== 0xcf || (b.length > 1 && b[1] !== 0x10)) {
    throw new FlowParseError(
      'bad_magic',
      b[0] !== 0xcf ? 0 : 1,
      'bad magic number: an ft file starts with bytes CF 10',
    )
  }
  if (b.length < 4) throw truncatedHeader(b.length, 4)
  const order = b[2]
  if (order !== 1 && order !== 2) {
    throw new FlowParseError(
      'bad_byte_order',
      2,
      `bad byte order ${order}: expected 1 (little) or 2 (big)`,
    )
  }
  const sv = b[3]
  if (sv === 1) return FT_V1_HEADER_SIZE
  if (sv !== 3) {
    throw new FlowParseError(
      'unsupported_stream_version',
      3,
      `unsupported stream version ${sv}: expected 1 or 3`,
    )
  }
  if (b.length < 8) throw truncatedHeader(b.length, 8)
  const len = new DataView(b.buffer, b.byteOffset, 8).getUint32(4, order === 1)
  if (len < 8 || len > FT_MAX_HEADER) {
    throw new FlowParseError(
      'bad_header',
      4,
      `bad header length ${len}: expected 8 to ${FT_MAX_HEADER}`,
    )
  }
  return len
}

export function truncatedHeader(have: number, need: number): FlowParseError {
  return new FlowParseError(
    'truncated_header',
    have,
    `truncated header: the file ends after ${have} bytes, the header needs ${need}`,
  )
}

/** Parses a complete header (`b.length === headerLengthOf(b)`). */
export function parseFtHeader(b: Uint8Array): FtHeader {
  const le = b[2] === 1
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength)
  return b[3] === 1 ? parseV1(b, dv, le) : parseV3(b, dv, le)
}

function cString(b: Uint8Array, start: number, end: number): string {
  let stop = start
  while (stop < end && b[stop] !== 0) stop++
  return new TextDecoder('latin1').decode(b.subarray(start, stop))
}

function finish(h: Omit<FtHeader, 'layout'>, versionOffset: number): FtHeader {
  const layout = findLayout(h.dVersion, h.aggMethod ?? 0)
  if (!layout) {
    const v = h.dVersion === 8 ? `8.${h.aggMethod ?? '?'}` : String(h.dVersion)
    throw new FlowParseError(
      'unsupported_version',
      versionOffset,
      `unsupported record version ${v}: expected 1, 5, 6, 7, 1005 or 8.1-8.14`,
    )
  }
  return { ...h, layout }
}

// ftio.c ftiheader_read: s_version 1 is a packed struct; nothing writes it any more.
function parseV1(b: Uint8Array, dv: DataView, le: boolean): FtHeader {
  let dVersion = dv.getUint16(4, le)
  if (dVersion === 65535) dVersion = 1
  const flags = dv.getUint32(16, le)
  return finish(
    {
      byteOrder: le ? 'little' : 'big',
      streamVersion: 1,
      headerLength: FT_V1_HEADER_SIZE,
      dVersion,
      flags: flags | FT_FLAG.XLATE,
      compressed: (flags & FT_FLAG.COMPRESS) !== 0,
      final: (flags & (FT_FLAG.DONE | FT_FLAG.PRELOADED)) !== 0,
      streaming: (flags & FT_FLAG.STREAMING) !== 0,
      capStart: dv.getUint32(8, le),
      capEnd: dv.getUint32(12, le),
      rotSchedule: dv.getUint32(20, le),
      flowCount: dv.getUint32(24, le),
      flowsLost: dv.getUint32(28, le),
      flowsMisordered: dv.getUint32(32, le),
      hostname: cString(b, 36, 104),
      comments: cString(b, 104, 360),
    },
    4,
  )
}

function parseV3(b: Uint8Array, dv: DataView, le: boolean): FtHeader {
  const h: Omit<FtHeader, 'layout'> = {
    byteOrder: le ? 'little' : 'big',
    streamVersion: 3,
    headerLength: b.length,
    dVersion: -1,
    flags: 0,
    compressed: false,
    final: false,
    streaming: false,
  }
  let versionOffset = 8
  // TLVs are packed back to back, unaligned; the reader loops while a TLV header fits and skips
  // unknown types (ftio.c ftiheader_read). Zero padding at the end is a harmless type 0.
  let off = 8
  while (off + 4 <= b.length) {
    const type = dv.getUint16(off, le)
    const len = dv.getUint16(off + 2, le)
    const v = off + 4
    if (v + len > b.length) {
      throw new FlowParseError(
        'bad_header',
        off,
        `header TLV type ${type} runs past the header end`,
      )
    }
    const need = (n: number) => {
      if (len < n) {
        throw new FlowParseError(
          'bad_header',
          off,
          `header TLV type ${type} has length ${len}, needs ${n}`,
        )
      }
    }
    const u32 = () => {
      need(4)
      return dv.getUint32(v, le)
    }
    switch (type) {
      case 0x01: // VENDOR: one byte (flow-tools' reader wrongly copies two)
        need(1)
        h.vendor = b[v] ?? 0
        break
      case 0x02:
        need(2)
        h.dVersion = dv.getUint16(v, le)
        versionOffset = v
        break
      case 0x03:
        need(1)
        h.aggVersion = b[v] ?? 0
        break
      case 0x04:
        need(1)
        h.aggMethod = b[v] ?? 0
        break
      case 0x05:
        h.exporterIp = u32()
        break
      case 0x06:
        h.capStart = u32()
        break
      case 0x07:
        h.capEnd = u32()
        break
      case 0x08:
        h.flags = u32()
        break
      case 0x09:
        h.rotSchedule = u32()
        break
      case 0x0a:
        h.flowCount = u32()
        break
      case 0x0b:
        h.flowsLost = u32()
        break
      case 0x0c:
        h.flowsMisordered = u32()
        break
      case 0x0d:
        h.pktsCorrupt = u32()
        break
      case 0x0e:
        h.seqReset = u32()
        break
      case 0x0f:
        h.hostname = cString(b, v, v + len)
        break
      case 0x10:
        h.comments = cString(b, v, v + len)
        break
      // 0x11 IF_NAME / 0x12 IF_ALIAS: flow-tools' encoders are buggy; skip them like unknowns.
    }
    off = v + len
  }
  if (h.dVersion < 0)
    throw new FlowParseError('bad_header', 8, 'header has no export version (TLV 2)')
  h.compressed = (h.flags & FT_FLAG.COMPRESS) !== 0
  h.final = (h.flags & (FT_FLAG.DONE | FT_FLAG.PRELOADED)) !== 0
  h.streaming = (h.flags & FT_FLAG.STREAMING) !== 0
  return finish(h, versionOffset)
}
