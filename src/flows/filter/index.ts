/**
 * The filter front door of the flow analyzer (contract; the implementation lands with the
 * filter-language work of the flow analyzer issue).
 *
 * A filter chain is a list of stages applied in order, like a pipe of flow-nfilter calls: a
 * flow passes when every stage passes it.
 */
import type { FlowPredicate } from '../flow-batch'

export type FilterStage =
  /** A flow-nfilter `filter-definition` by name, with this stage's own `-v` variables. */
  | { kind: 'definition'; name: string; vars: Record<string, string> }
  /** An nfdump-style expression: `host 1.2.3.4 and not port 80`. */
  | { kind: 'expression'; text: string }

export type FilterSpec = {
  /** filter.cfg text that extends (and may override) the built-in stock + book definitions. */
  config?: string
  stages: FilterStage[]
}

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

/** Compiles a chain into one predicate. Throws `FilterError` on bad input. */
export function compileFilterChain(spec: FilterSpec): FlowPredicate {
  if (spec.stages.length === 0) return () => true
  throw new FilterError('not_implemented', 'flow filters are not implemented yet', 'definition')
}
