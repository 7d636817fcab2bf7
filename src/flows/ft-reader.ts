import { createFlowBatch, type FlowBatch, type FlowField } from './flow-batch'
import { FlowLimitError, FlowParseError, type Truncation } from './flow-errors'
import { type FtHeader, headerLengthOf, parseFtHeader, truncatedHeader } from './ft-header'
import { decompressionStreamInflater, InflateCutError, type Inflater } from './inflater'
import type { PeekedStream } from './input-sniff'
import type { FieldSpec } from './record-layouts'

export type FtReadOptions = {
  /** Rows per yielded batch (the batch object is reused: consume it before the next one). */
  batchSize?: number
  /** More flows than this → FlowLimitError('too_many_flows'). */
  maxFlows?: number
  /** More raw (possibly compressed) bytes than this → FlowLimitError('too_many_bytes'). */
  maxBytes?: number
  /** More inflated record bytes than this → FlowLimitError (decompression bombs). */
  maxInflatedBytes?: number
  /**
   * Keep the records before a truncation instead of failing (flow-tools' behaviour, exit 0 with a
   * warning); the loss is reported in `FtStats.truncated`.
   */
  allowPartial?: boolean
  /**
   * A file flow-capture had not closed (its header not final) may end cut short, as a copy of a
   * file being written does: a partial last record, or a zlib stream cut at its end (the inflater
   * throws InflateCutError), is its end, recorded in `stats.truncated`. Damage before the end
   * still throws. The flow archive reads its files so (src/flows/archive/file-check.ts).
   */
  openFileMayEndCut?: boolean
  /**
   * How COMPRESS files are inflated (default: the platform's DecompressionStream; the Worker's
   * routes pass the WebAssembly inflate, src/ports/inflate-wasm.ts, which makes no garbage).
   */
  inflater?: Inflater
  /**
   * Decode only the fields the request reads (its filter and its output), asked once the header
   * is read: decoding is the reader's largest cost, and a filtered print of v5 reads 9 of its 24
   * fields. The others stay empty in every batch (see FlowBatch.cols). Undefined: all of them.
   */
  decodeFields?: DecodeFields
}

/** The fields to decode for a file of this record format (undefined: all it carries). */
export type DecodeFields = (
  present: ReadonlySet<FlowField>,
  header: FtHeader,
) => ReadonlySet<FlowField> | undefined

export type FtStats = {
  flows: number
  /** Raw bytes read from the stream, header included. */
  bytes: number
  /** Record bytes after inflating. */
  recordBytes: number
  /** Set when `allowPartial` kept a truncated file's complete records. */
  truncated?: Truncation
}

export type FtFile = {
  header: FtHeader
  /** The fields this file's records carry. */
  present: ReadonlySet<FlowField>
  /** Batches of decoded flows; `stats` is complete once the generator is done. */
  batches: AsyncGenerator<FlowBatch, void, void>
  stats: FtStats
}

// s_version 1 files hold 60-byte fts1rec_compat records (ftio.c), converted to v1/v5 on read.
const COMPAT_FIELDS: FieldSpec[] = [
  ['unix_secs', 0, 4],
  ['unix_nsecs', 4, 4], // unix_msecs here; scaled to nanoseconds after decoding
  ['srcaddr', 8, 4],
  ['dstaddr', 12, 4],
  ['nexthop', 16, 4],
  ['input', 20, 2],
  ['output', 22, 2],
  ['dpkts', 24, 4],
  ['doctets', 28, 4],
  ['first', 32, 4],
  ['last', 36, 4],
  ['srcport', 40, 2],
  ['dstport', 42, 2],
  ['prot', 46, 1],
  ['tos', 47, 1],
  ['tcp_flags', 48, 1],
  ['src_as', 52, 2],
  ['dst_as', 54, 2],
  ['src_mask', 56, 1],
  ['dst_mask', 57, 1],
]

/**
 * Opens an ft stream (flow-tools' file format): reads and checks the header, then decodes the
 * records lazily, inflating them when the header says COMPRESS. Memory stays bounded by one chunk
 * plus one batch whatever the file size.
 *
 * @example
 * const file = await openFtStream(req.body)
 * for await (const batch of file.batches) count += batch.length
 */
export async function openFtStream(
  stream: ReadableStream<Uint8Array> | PeekedStream,
  options: FtReadOptions = {},
): Promise<FtFile> {
  const input = 'rest' in stream ? peekedReader(stream) : byteReader(stream)
  const stats: FtStats = { flows: 0, bytes: 0, recordBytes: 0 }
  const inflater = options.inflater ?? decompressionStreamInflater
  const countBytes = (n: number) => {
    stats.bytes += n
    if (options.maxBytes !== undefined && stats.bytes > options.maxBytes) {
      throw new FlowLimitError(
        'too_many_bytes',
        options.maxBytes,
        `file is larger than the limit of ${options.maxBytes} bytes`,
      )
    }
  }
  // Header: pull chunks until the whole header is in `head` (fresh buffers: `head` keeps them).
  let head: Uint8Array = new Uint8Array(0)
  let ended = false
  const fill = async (n: number) => {
    while (head.length < n && !ended) {
      const chunk = await input.read(0)
      if (chunk === undefined) ended = true
      else {
        countBytes(chunk.length)
        head = concat(head, chunk)
      }
    }
  }
  await fill(8)
  // Throws for an empty file, bad magic, bad byte order, unknown s_version or < 8 bytes.
  const wanted = headerLengthOf(head)
  await fill(wanted)
  if (head.length < wanted) throw truncatedHeader(head.length, wanted)
  const headerLength = headerLengthOf(head)
  const header = parseFtHeader(head.subarray(0, headerLength))
  const leftover = head.subarray(headerLength)
  const layout = header.layout
  const compat = header.streamVersion === 1
  const recSize = compat ? 60 : layout.size
  const present = new Set<FlowField>(layout.fields.map(([f]) => f))
  const decoded = options.decodeFields?.(present, header)
  const fields = (compat ? COMPAT_FIELDS.filter(([f]) => present.has(f)) : layout.fields).filter(
    ([f]) => !decoded || decoded.has(f),
  )
  // s_version 1 keeps milliseconds in unix_nsecs: scaled after decoding, when it is decoded.
  const scaleNsecs = compat && fields.some(([f]) => f === 'unix_nsecs')
  // The records are decoded out of each chunk before the next is read (one buffer serves the
  // whole file); an inflater says how many chunks it may still hold when it asks for another.
  const buffers = header.compressed
    ? inflater.chunksHeld === undefined
      ? 0
      : inflater.chunksHeld + 1
    : 1
  if (buffers === 0) input.stopByob()

  // An error of the input itself (a multipart body cut short, a limit) comes out of the inflater
  // too, and must not be taken for damage in the zlib stream.
  let inputError: unknown
  async function* rawChunks(): AsyncGenerator<Uint8Array> {
    if (leftover.length > 0) yield leftover
    for (;;) {
      let chunk: Uint8Array | undefined
      try {
        chunk = await input.read(buffers)
      } catch (err) {
        inputError = err
        throw err
      }
      if (chunk === undefined) return
      countBytes(chunk.length)
      yield chunk
    }
  }

  async function* recordChunks(): AsyncGenerator<Uint8Array> {
    if (!header.compressed) {
      yield* rawChunks()
      return
    }
    // COMPRESS: everything after the header is one zlib stream (RFC 1950), not per record.
    const inflated = inflater
      .inflate(rawChunks(), { smallWrites: options.allowPartial === true })
      [Symbol.asyncIterator]()
    let finished = false
    let pending: Uint8Array[] = []
    let pendingSize = 0
    // The decoder is done with a chunk before it asks for the next (what is left of a record
    // is copied to its carry), so one buffer serves every join: no 64 KiB of garbage each.
    let joinBuffer = new Uint8Array(2 * DECODE_CHUNK_BYTES)
    const joinPending = (): Uint8Array => {
      if (joinBuffer.length < pendingSize) joinBuffer = new Uint8Array(pendingSize)
      let at = 0
      for (const piece of pending) {
        joinBuffer.set(piece, at)
        at += piece.length
      }
      const joined = joinBuffer.subarray(0, pendingSize)
      pending = []
      pendingSize = 0
      return joined
    }
    try {
      for (;;) {
        let next: IteratorResult<Uint8Array>
        try {
          next = await inflated.next()
        } catch (err) {
          finished = true
          if (err === inputError || err instanceof FlowLimitError || err instanceof FlowParseError)
            throw err
          // The records inflated before the damage are decoded (and counted) first.
          if (pendingSize > 0) yield joinPending()
          const offset = header.headerLength + stats.recordBytes
          const message = `corrupt or truncated zlib stream after ${stats.flows} complete records (${String(
            (err as Error).message ?? err,
          )})`
          const openCut =
            options.openFileMayEndCut === true && !header.final && err instanceof InflateCutError
          if (options.allowPartial || openCut) {
            // flow-tools keeps every record inflated before the damage ("partial inflated record").
            stats.truncated = {
              offset,
              inflated: true,
              bytesLost: null,
              flowsLost: flowsLost(),
              flowsLostBy: 'header',
              message,
            }
            // The rest of the file is read and counted, not decoded: `bytes` is the file's size,
            // whatever chunk the damage was found in.
            for (;;) {
              const rest = await input.read(buffers)
              if (rest === undefined) break
              countBytes(rest.length)
            }
            return
          }
          throw new FlowParseError('corrupt_zlib', offset, message, {
            inflated: true,
            flowsRead: stats.flows,
            ...(err instanceof InflateCutError ? { cut: true } : {}),
          })
        }
        if (next.done) {
          finished = true
          if (pendingSize > 0) yield joinPending()
          return
        }
        // workerd's DecompressionStream hands out 4 KiB pieces (15,625 per 1 M flows): joined
        // into 64 KiB they cost one decode step each, not sixteen, and start on a fresh buffer.
        const piece = next.value
        if (pendingSize === 0 && piece.length >= DECODE_CHUNK_BYTES) {
          yield piece
          continue
        }
        pending.push(piece)
        pendingSize += piece.length
        if (pendingSize >= DECODE_CHUNK_BYTES) yield joinPending()
      }
    } finally {
      // The consumer stopped early: stop the inflater (and its reads) too.
      if (!finished) await inflated.return?.(undefined)
    }
  }

  const batchSize = options.batchSize ?? 4096
  // A header that counts its flows (flow-tools writes the count) sizes the batch for a small
  // file; flows beyond the count get a full-size batch.
  const announced = header.flowCount ?? 0

  /** Flows the finished header counts that a damaged file did not give; null: no count. */
  function flowsLost(): number | null {
    const count = header.final ? header.flowCount : undefined
    return count !== undefined && count > stats.flows ? count - stats.flows : null
  }
  let cap = announced > 0 && announced < batchSize ? announced : batchSize
  let batch = createFlowBatch(cap, present, decoded)

  async function* decode(): AsyncGenerator<FlowBatch, void, void> {
    const le = header.byteOrder === 'little'
    const carry = new Uint8Array(recSize)
    let carryLen = 0
    let cols = fields.map(([f]) => batch.cols[f])
    const offs = fields.map(([, o]) => o)
    const sizes = fields.map(([, , s]) => s)
    const nf = fields.length
    let nsecs = batch.cols.unix_nsecs
    // Called with the batch empty: the small one was full, and yielded, at the announced count.
    const grow = () => {
      if (cap === batchSize) return
      cap = batchSize
      batch = createFlowBatch(cap, present, decoded)
      cols = fields.map(([f]) => batch.cols[f])
      nsecs = batch.cols.unix_nsecs
    }
    const maxFlows = options.maxFlows ?? Number.POSITIVE_INFINITY
    const maxInflated = options.maxInflatedBytes ?? Number.POSITIVE_INFINITY
    const decodeOne = (dv: DataView, base: number) => {
      const row = batch.length
      for (let k = 0; k < nf; k++) {
        const size = sizes[k]
        const at = base + (offs[k] as number)
        const col = cols[k] as Uint32Array
        col[row] =
          size === 4 ? dv.getUint32(at, le) : size === 2 ? dv.getUint16(at, le) : dv.getUint8(at)
      }
      if (scaleNsecs) nsecs[row] = ((nsecs[row] as number) % 1000) * 1_000_000
      batch.length = row + 1
      stats.flows++
      if (stats.flows > maxFlows) {
        throw new FlowLimitError('too_many_flows', maxFlows, `more than ${maxFlows} flows`)
      }
    }
    // A little-endian file on a little-endian host (x86, Arm, workerd) with aligned records is
    // read through typed-array views, a third of DataView's cost (the top of a CPU profile).
    const viewable = le && HOST_LITTLE_ENDIAN && recSize % 4 === 0
    const decodeBlock = (chunk: Uint8Array, dv: DataView, base: number, n: number) => {
      const row0 = batch.length
      const end = row0 + n
      const at0 = chunk.byteOffset + base
      if (viewable && at0 % 4 === 0) {
        const u32 = new Uint32Array(chunk.buffer, at0, (n * recSize) / 4)
        const u16 = new Uint16Array(chunk.buffer, at0, (n * recSize) / 2)
        const u8 = new Uint8Array(chunk.buffer, at0, n * recSize)
        for (let k = 0; k < nf; k++) {
          const col = cols[k] as Uint32Array
          const size = sizes[k]
          const off = offs[k] as number
          if (size === 4) {
            const stride = recSize / 4
            for (let r = row0, i = off / 4; r < end; r++, i += stride) col[r] = u32[i] as number
          } else if (size === 2) {
            const stride = recSize / 2
            for (let r = row0, i = off / 2; r < end; r++, i += stride) col[r] = u16[i] as number
          } else for (let r = row0, i = off; r < end; r++, i += recSize) col[r] = u8[i] as number
        }
      } else {
        for (let k = 0; k < nf; k++) {
          const col = cols[k] as Uint32Array
          const size = sizes[k]
          let at = base + (offs[k] as number)
          if (size === 4)
            for (let r = row0; r < end; r++, at += recSize) col[r] = dv.getUint32(at, le)
          else if (size === 2)
            for (let r = row0; r < end; r++, at += recSize) col[r] = dv.getUint16(at, le)
          else for (let r = row0; r < end; r++, at += recSize) col[r] = dv.getUint8(at)
        }
      }
      if (scaleNsecs)
        for (let r = row0; r < end; r++) nsecs[r] = ((nsecs[r] as number) % 1000) * 1_000_000
      batch.length = end
      stats.flows += n
      if (stats.flows > maxFlows) {
        throw new FlowLimitError('too_many_flows', maxFlows, `more than ${maxFlows} flows`)
      }
    }
    const carryView = new DataView(carry.buffer)
    for await (const chunk of recordChunks()) {
      stats.recordBytes += chunk.length
      if (stats.recordBytes > maxInflated) {
        throw new FlowLimitError(
          'too_many_inflated_bytes',
          maxInflated,
          `records inflate to more than ${maxInflated} bytes (decompression bomb?)`,
        )
      }
      let pos = 0
      if (carryLen > 0) {
        const take = Math.min(recSize - carryLen, chunk.length)
        carry.set(chunk.subarray(0, take), carryLen)
        carryLen += take
        pos = take
        if (carryLen < recSize) continue
        if (stats.flows >= cap) grow()
        decodeOne(carryView, 0)
        carryLen = 0
        if (batch.length === cap) {
          yield batch
          batch.length = 0
        }
      }
      const dv = new DataView(chunk.buffer, chunk.byteOffset, chunk.byteLength)
      // Whole records straight from the chunk, a block at a time, one tight loop per field.
      while (chunk.length - pos >= recSize) {
        if (stats.flows >= cap) grow()
        const n = Math.min(Math.floor((chunk.length - pos) / recSize), cap - batch.length)
        decodeBlock(chunk, dv, pos, n)
        pos += n * recSize
        if (batch.length === cap) {
          yield batch
          batch.length = 0
        }
      }
      if (pos < chunk.length) {
        carry.set(chunk.subarray(pos), 0)
        carryLen = chunk.length - pos
      }
    }
    if (carryLen > 0) {
      const offset = header.headerLength + stats.recordBytes - carryLen
      const message = `truncated record: ${carryLen} of ${recSize} bytes${
        header.compressed ? ' (inflated)' : ''
      } before the end of the stream, after ${stats.flows} complete records`
      if (!options.allowPartial && !(options.openFileMayEndCut && !header.final)) {
        throw new FlowParseError('truncated_record', offset, message, {
          inflated: header.compressed,
          flowsRead: stats.flows,
        })
      }
      stats.truncated ??= {
        offset,
        inflated: header.compressed,
        bytesLost: carryLen,
        flowsLost: flowsLost(),
        flowsLostBy: 'header',
        message,
      }
    }
    if (batch.length > 0) {
      yield batch
      batch.length = 0
    }
  }

  return { header, present, batches: decode(), stats }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b
  const out = new Uint8Array(a.length + b.length)
  out.set(a, 0)
  out.set(b, a.length)
  return out
}

const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1

/** Bytes per read from a byte stream (a request body); a few such buffers serve the file. */
const READ_SIZE = 256 * 1024

/**
 * The buffers BYOB reads go into: `next(n)` with n > 0 is the buffer of the chunk n reads back
 * (the caller is done with it), once n chunks were kept; otherwise, and with n = 0, a new one.
 */
function readBuffers() {
  // The buffers of the last chunks kept, oldest first.
  const used: ArrayBuffer[] = []
  return {
    next(n: number): Uint8Array {
      const buffer = n > 0 && used.length >= n ? used.shift() : undefined
      return new Uint8Array(buffer ?? new ArrayBuffer(READ_SIZE))
    },
    /** A read transferred its buffer: the chunk views its successor, reused n reads on. */
    keep(chunk: Uint8Array, n: number): void {
      if (n > 0) used.push(chunk.buffer as ArrayBuffer)
    },
  }
}

/**
 * Reads a stream chunk by chunk. A byte stream (request bodies in workerd) is read with a BYOB
 * reader: `read(n)` with n > 0 reads into the buffer of the chunk n reads back, so the caller
 * must be done with that chunk; `read(0)` into a new buffer. Other streams, or after
 * `stopByob()`, hand out the chunks the stream made.
 */
function byteReader(stream: ReadableStream<Uint8Array>) {
  let byob: ReadableStreamBYOBReader | undefined
  let reader: ReadableStreamDefaultReader<Uint8Array> | undefined
  try {
    byob = stream.getReader({ mode: 'byob' })
  } catch {
    // Not a byte stream (TypeError): the default reader.
    reader = stream.getReader()
  }
  const buffers = readBuffers()
  return {
    async read(n: number): Promise<Uint8Array | undefined> {
      if (byob) {
        const r = await byob.read(buffers.next(n))
        if (r.done) return undefined
        buffers.keep(r.value, n)
        return r.value
      }
      const r = await (reader as ReadableStreamDefaultReader<Uint8Array>).read()
      return r.done ? undefined : r.value
    },
    /** Back to the default reader: chunks kept by someone else are never read into again. */
    stopByob(): void {
      if (!byob) return
      byob.releaseLock()
      byob = undefined
      reader = stream.getReader()
    },
  }
}

/**
 * byteReader's twin for a stream whose head was read already (input-sniff's peekStream): the
 * head first, then the rest through its ChunkReader, BYOB into buffers reused in turn as above
 * when it reads a byte stream.
 */
export function peekedReader(p: PeekedStream) {
  let head: Uint8Array | undefined = p.head.length > 0 ? p.head : undefined
  let ended = p.ended
  let reuse = p.rest.readInto !== undefined
  const buffers = readBuffers()
  return {
    async read(n: number): Promise<Uint8Array | undefined> {
      if (head) {
        const first = head
        head = undefined
        return first
      }
      if (ended) return undefined
      let chunk: Uint8Array | undefined
      if (reuse && p.rest.readInto) {
        chunk = await p.rest.readInto(buffers.next(n))
        if (chunk) buffers.keep(chunk, n)
      } else chunk = await p.rest.read()
      if (chunk === undefined) ended = true
      return chunk
    },
    stopByob(): void {
      reuse = false
    },
  }
}

/** Inflated bytes decoded at once, at least, when the inflater hands out smaller pieces. */
const DECODE_CHUNK_BYTES = 64 * 1024
