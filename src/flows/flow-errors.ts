/** Why a flow file could not be read. Offsets are bytes from the start of the file. */
export type FlowParseErrorCode =
  | 'empty_file'
  | 'bad_magic'
  | 'bad_byte_order'
  | 'unsupported_stream_version'
  | 'truncated_header'
  | 'bad_header'
  | 'unsupported_version'
  | 'truncated_record'
  | 'corrupt_zlib'
  | 'mixed_versions'
  | 'unknown_format'
  | 'bad_csv'
  | 'bad_text'

/**
 * What a partial result (`partial=1`) lost of a damaged file. `offset` is where the damage was
 * found (in inflated bytes after the header when `inflated`). `bytesLost`: the bytes of a cut
 * record, or of a text input from its bad line on; null when not known (nothing after the
 * damage in a zlib stream can be inflated). `flowsLost`, counted as `flowsLostBy` says: an ft
 * file's header flow count less the flows read ('header'), or a text input's rows from its bad
 * line on ('rows'); null when there is no count (a header without one, a line too long to read
 * on).
 */
export type Truncation = {
  offset: number
  inflated: boolean
  bytesLost: number | null
  flowsLost: number | null
  flowsLostBy: 'header' | 'rows'
  message: string
}

/**
 * A file that is not what it claims to be. `offset` is a byte offset in the file; for a
 * compressed file's records it counts inflated bytes after the header (`inflated` is then true).
 */
export class FlowParseError extends Error {
  override name = 'FlowParseError'
  /** The uploaded file the error is in (multipart part name or file name), when known. */
  file: string | undefined
  constructor(
    readonly code: FlowParseErrorCode,
    readonly offset: number,
    message: string,
    readonly extra: {
      inflated?: boolean
      line?: number
      flowsRead?: number
      /** corrupt_zlib: the stream was only cut short (InflateCutError), not damaged. */
      cut?: boolean
    } = {},
  ) {
    super(message)
  }
}

/** A configured limit was crossed: the upload is too big for one request, not malformed. */
export class FlowLimitError extends Error {
  override name = 'FlowLimitError'
  file: string | undefined
  constructor(
    readonly code:
      | 'too_many_bytes'
      | 'too_many_inflated_bytes'
      | 'too_many_flows'
      | 'too_many_files',
    readonly limit: number,
    message: string,
  ) {
    super(message)
  }
}

/** A valid file asked for an output it cannot give (flow-print: "missing required field"). */
export class FlowOutputError extends Error {
  override name = 'FlowOutputError'
  constructor(
    readonly code: 'missing_field' | 'unknown_output',
    message: string,
    /** The uploaded file that lacks what the output needs, when one does. */
    readonly file?: string,
  ) {
    super(message)
  }
}
