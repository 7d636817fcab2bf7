import type { FilterSpec, FilterStage } from './filter/index'

/** Problems in the filter parameters themselves (before the filter languages see them). */
export class FilterParamError extends Error {
  override name = 'FilterParamError'
}

/**
 * One `def=` value: `NAME` or `NAME:VAR=value,VAR2=value`, like `flow-nfilter -F NAME -v VAR=value`.
 * A comma segment without `=` continues the previous value, so lists pass through
 * (`def=ip-port:PORT=22,6667,7000` sets PORT to `22,6667,7000`).
 */
export function parseDefinitionParam(text: string): FilterStage {
  const colon = text.indexOf(':')
  const name = (colon < 0 ? text : text.slice(0, colon)).trim()
  if (!/^[A-Za-z0-9@{}:._-]{1,64}$/.test(name)) {
    throw new FilterParamError(
      `def="${text.slice(0, 80)}": expected a definition name, then optionally :VAR=value,...`,
    )
  }
  const vars: Record<string, string> = Object.create(null)
  if (colon >= 0) {
    let last: string | undefined
    for (const seg of text.slice(colon + 1).split(',')) {
      const eq = seg.indexOf('=')
      if (eq < 0) {
        if (last === undefined) {
          throw new FilterParamError(
            `def="${text.slice(0, 80)}": "${seg.slice(0, 40)}" is not VAR=value`,
          )
        }
        vars[last] = `${vars[last]},${seg}`
        continue
      }
      const key = seg.slice(0, eq).trim()
      // flow-nfilter variable names are alphanumeric (reference §5.2).
      if (!/^[A-Za-z0-9]{1,32}$/.test(key)) {
        throw new FilterParamError(
          `def="${text.slice(0, 80)}": variable name "${key.slice(0, 40)}" must be alphanumeric`,
        )
      }
      vars[key] = seg.slice(eq + 1)
      last = key
    }
  }
  return { kind: 'definition', name, vars: { ...vars } }
}

/**
 * The filter chain of a request: each `def=` in order (a pipe of flow-nfilter calls), then `expr=`.
 * A configuration (a filter.cfg part, a saved set) with no `def=` runs its definition "default".
 */
export function buildFilterSpec(
  defs: readonly string[],
  expr: string | undefined,
  config: string | undefined,
): FilterSpec {
  const stages: FilterStage[] = defs.map(parseDefinitionParam)
  // A configuration without def=: its definition "default", as flow-nfilter without -F (never a
  // configuration sent for nothing).
  if (config !== undefined && stages.length === 0)
    stages.push({ kind: 'definition', name: 'default', vars: {} })
  if (expr !== undefined && expr.trim() !== '') stages.push({ kind: 'expression', text: expr })
  return config === undefined ? { stages } : { config, stages }
}
