/** A syntax or semantic error in a filter config or expression, with its position. */
export class FilterError extends Error {
  override name = 'FilterError'
  constructor(
    readonly code: string,
    message: string,
    readonly source: 'config' | 'expression' | 'definition',
    readonly line?: number,
    readonly column?: number,
    readonly excerpt?: string,
  ) {
    super(message)
  }
}

/** A problem that does not stop the filter (flow-nfilter prints these and goes on). */
export type FilterWarning = { code: string; message: string; line?: number; column?: number }
