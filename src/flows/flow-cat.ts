import { openFlowExportCsv } from './csv-reader'
import type { FlowBatch, FlowField } from './flow-batch'
import { FlowLimitError, FlowParseError, type Truncation } from './flow-errors'
import type { FtHeader } from './ft-header'
import { type DecodeFields, openFtStream } from './ft-reader'
import type { Inflater } from './inflater'
import { type InputFormat, peekStream, sniffFormat } from './input-sniff'
import { openNfdumpCsv } from './nfdump-csv-reader'
import { openFlowPrintText } from './print-text-reader'

/** One uploaded file: a name for error messages and its bytes. */
export type FlowInput = { name: string; stream: ReadableStream<Uint8Array> }

export type FlowLimits = {
  maxFiles: number
  /** Flows across all files. */
  maxFlows: number
  /** Raw bytes per file. */
  maxBytes: number
  /** Inflated record bytes per file (decompression bombs). */
  maxInflatedBytes: number
}

export const DEFAULT_LIMITS: FlowLimits = {
  maxFiles: 64,
  maxFlows: 20_000_000,
  maxBytes: 100 * 1024 * 1024,
  maxInflatedBytes: 1024 * 1024 * 1024,
}

/** An opened input, before and while its flows are read. */
export type OpenedFile = {
  index: number
  name: string
  format: InputFormat
  /** ft header facts (absent for text inputs). */
  header: FtHeader | undefined
  dVersion: number
  aggMethod: number
  present: ReadonlySet<FlowField>
  stats: {
    flows: number
    bytes: number
    truncated?: Truncation
  }
}

export type CatEvent =
  | { kind: 'open'; file: OpenedFile }
  | { kind: 'batch'; file: OpenedFile; batch: FlowBatch }
  | { kind: 'close'; file: OpenedFile }

export type CatOptions = {
  limits?: Partial<FlowLimits>
  /** Input format for every file; sniffed per file when absent. */
  format?: InputFormat | undefined
  allowPartial?: boolean
  /** ft files: see FtReadOptions.openFileMayEndCut. */
  openFileMayEndCut?: boolean
  batchSize?: number
  /** ft files: decode only these fields (see FtReadOptions.decodeFields); text inputs fill all. */
  decodeFields?: DecodeFields
  /** How compressed ft files are inflated (FtReadOptions.inflater). */
  inflater?: Inflater
}

/** Bytes the format is told from: "ts,te," after a UTF-8 byte order mark. */
const SNIFF_BYTES = 9

function tag<E>(err: E, name: string): E {
  if (err instanceof FlowParseError || err instanceof FlowLimitError) err.file ??= name
  return err
}

/**
 * flow-cat: every record of every file, file after file, in upload order (no sort, no merge).
 * Like flow-cat, every file must carry the same record version (reference §4).
 */
export async function* catFlows(
  inputs: AsyncIterable<FlowInput> | Iterable<FlowInput>,
  options: CatOptions = {},
): AsyncGenerator<CatEvent, void, void> {
  const limits = { ...DEFAULT_LIMITS, ...options.limits }
  let index = 0
  let flows = 0
  let first: OpenedFile | undefined
  for await (const input of inputs) {
    if (index >= limits.maxFiles) {
      throw new FlowLimitError(
        'too_many_files',
        limits.maxFiles,
        `more than ${limits.maxFiles} files in one upload`,
      )
    }
    try {
      const { head, stream, peeked } = await peekStream(input.stream, SNIFF_BYTES, {
        ...(options.allowPartial ? { minRead: 1 } : {}),
      })
      const format = options.format ?? sniffFormat(head)
      if (!format) {
        throw new FlowParseError(
          head.length === 0 ? 'empty_file' : 'unknown_format',
          0,
          head.length === 0
            ? 'empty file'
            : 'unknown input format: expected an ft file (bytes CF 10), flow-export CSV ("#:" header), flow-print text ("srcIP" header) or nfdump csv ("ts,te," header); set format= to force one',
        )
      }
      const remaining = limits.maxFlows - flows
      let file: OpenedFile
      let batches: AsyncGenerator<FlowBatch, void, void>
      if (format === 'ft') {
        // The peeked stream itself, not the replay: the reader reads the body into its own buffers.
        const ft = await openFtStream(peeked, {
          maxBytes: limits.maxBytes,
          maxInflatedBytes: limits.maxInflatedBytes,
          maxFlows: remaining,
          ...(options.allowPartial ? { allowPartial: true } : {}),
          ...(options.openFileMayEndCut ? { openFileMayEndCut: true } : {}),
          ...(options.batchSize ? { batchSize: options.batchSize } : {}),
          ...(options.decodeFields ? { decodeFields: options.decodeFields } : {}),
          ...(options.inflater ? { inflater: options.inflater } : {}),
        })
        file = {
          index,
          name: input.name,
          format,
          header: ft.header,
          dVersion: ft.header.dVersion,
          aggMethod: ft.header.aggMethod ?? 0,
          present: ft.present,
          stats: ft.stats,
        }
        batches = ft.batches
      } else {
        // The text formats all carry v5 fields and open the same way.
        const open =
          format === 'nfdump-csv'
            ? openNfdumpCsv
            : format === 'flow-print'
              ? openFlowPrintText
              : openFlowExportCsv
        const text = await open(stream, {
          maxBytes: limits.maxBytes,
          maxFlows: remaining,
          ...(options.allowPartial ? { allowPartial: true } : {}),
          ...(options.batchSize ? { batchSize: options.batchSize } : {}),
        })
        file = {
          index,
          name: input.name,
          format,
          header: undefined,
          dVersion: 5,
          aggMethod: 0,
          present: text.present,
          stats: text.stats,
        }
        batches = text.batches
      }
      if (first && (first.dVersion !== file.dVersion || first.aggMethod !== file.aggMethod)) {
        // flow-cat: "data version or sub version changed!"
        throw new FlowParseError(
          'mixed_versions',
          0,
          `record version ${versionName(file)} differs from ${versionName(first)} of "${first.name}": all files of one upload must have the same record version (as flow-cat requires)`,
        )
      }
      first ??= file
      yield { kind: 'open', file }
      for await (const batch of batches) yield { kind: 'batch', file, batch }
      flows += file.stats.flows
      yield { kind: 'close', file }
    } catch (err) {
      throw tag(err, input.name)
    }
    index++
  }
}

export function versionName(f: { dVersion: number; aggMethod: number }): string {
  return f.dVersion === 8 ? `8.${f.aggMethod}` : String(f.dVersion)
}
