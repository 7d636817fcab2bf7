import type { FlowBatch } from './flow-batch'
import { FT_FLAG } from './ft-header'
import type { RecordLayout } from './record-layouts'

/** What to put in an s_version 3 header (flow-tools ftio.c ftio_write_header). */
export type FtWriteHeader = {
  layout: RecordLayout
  byteOrder: 'little' | 'big'
  compress: boolean
  /** Closed-file facts (DONE): capture times and flow count; otherwise a streaming header. */
  done?: { capStart: number; capEnd: number; flowCount: number }
  comments?: string
}

/**
 * Encodes an s_version 3 stream header: magic, byte order, version 3, header length, then the
 * TLVs in type order, padded with zeros to a multiple of 4 (reference §1.2).
 */
export function encodeFtHeader(h: FtWriteHeader): Uint8Array {
  const le = h.byteOrder === 'little'
  const tlvs: Uint8Array[] = []
  const tlv = (type: number, value: Uint8Array) => {
    const t = new Uint8Array(4 + value.length)
    const dv = new DataView(t.buffer)
    dv.setUint16(0, type, le)
    dv.setUint16(2, value.length, le)
    t.set(value, 4)
    tlvs.push(t)
  }
  const u8 = (v: number) => Uint8Array.of(v)
  const u16 = (v: number) => {
    const b = new Uint8Array(2)
    new DataView(b.buffer).setUint16(0, v, le)
    return b
  }
  const u32 = (v: number) => {
    const b = new Uint8Array(4)
    new DataView(b.buffer).setUint32(0, v, le)
    return b
  }
  tlv(0x02, u16(h.layout.dVersion))
  if (h.layout.dVersion === 8) {
    tlv(0x03, u8(2))
    tlv(0x04, u8(h.layout.aggMethod))
  }
  if (h.done) {
    tlv(0x06, u32(h.done.capStart))
    tlv(0x07, u32(h.done.capEnd))
  }
  const flags = (h.compress ? FT_FLAG.COMPRESS : 0) | (h.done ? FT_FLAG.DONE : FT_FLAG.STREAMING)
  tlv(0x08, u32(flags))
  if (h.done) tlv(0x0a, u32(h.done.flowCount))
  if (h.comments !== undefined) tlv(0x10, new TextEncoder().encode(`${h.comments}\0`))
  const body = tlvs.reduce((n, t) => n + t.length, 0)
  const length = Math.ceil((8 + body) / 4) * 4
  const out = new Uint8Array(length)
  out.set([0xcf, 0x10, le ? 1 : 2, 3])
  new DataView(out.buffer).setUint32(4, length, le)
  let off = 8
  for (const t of tlvs) {
    out.set(t, off)
    off += t.length
  }
  return out
}

/** Encodes the first `batch.length` rows as fixed-size records in the layout and byte order. */
export function encodeRecords(
  batch: FlowBatch,
  layout: RecordLayout,
  byteOrder: 'little' | 'big',
): Uint8Array {
  const le = byteOrder === 'little'
  const out = new Uint8Array(batch.length * layout.size)
  const dv = new DataView(out.buffer)
  for (const [field, off, size] of layout.fields) {
    const col = batch.cols[field]
    for (let i = 0, base = off; i < batch.length; i++, base += layout.size) {
      const v = col[i] as number
      if (size === 4) dv.setUint32(base, v, le)
      else if (size === 2) dv.setUint16(base, v, le)
      else dv.setUint8(base, v)
    }
  }
  return out
}

/**
 * A whole ft file as a stream: the header, then the records of every batch, zlib-compressed
 * as one stream after the header when `compress` is set (like flow-tools -z).
 */
export function ftFileStream(
  h: FtWriteHeader,
  batches: AsyncIterable<FlowBatch>,
): ReadableStream<Uint8Array> {
  const it = batches[Symbol.asyncIterator]()
  const records = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const n = await it.next()
      if (n.done) controller.close()
      else controller.enqueue(encodeRecords(n.value, h.layout, h.byteOrder))
    },
  })
  const body = h.compress
    ? records.pipeThrough(
        // The lib types CompressionStream's writable as BufferSource; Uint8Array chunks are fine.
        new CompressionStream('deflate') as unknown as ReadableWritablePair<Uint8Array, Uint8Array>,
      )
    : records
  const header = encodeFtHeader(h)
  const reader = body.getReader()
  let sentHeader = false
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!sentHeader) {
        sentHeader = true
        controller.enqueue(header)
        return
      }
      const r = await reader.read()
      if (r.done) controller.close()
      else controller.enqueue(r.value)
    },
  })
}
