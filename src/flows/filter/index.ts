/**
 * The filter front door of the flow analyzer.
 *
 * A filter chain is a list of stages applied in order, like a pipe of flow-nfilter calls: a
 * flow passes when every stage passes it. Stages are flow-nfilter definitions (built-in stock +
 * book definitions, extended by `spec.config`) or nfdump-style expressions.
 */
import type { FlowBatch, FlowField, FlowPredicate } from '../flow-batch'
import type { Expr } from './ast'
import { compileExpr } from './compile'
import { parseConfig } from './config-parser'
import { FilterError, type FilterWarning } from './filter-error'
import {
  buildLibrary,
  type ConfigLayer,
  definitionExpr,
  definitionVariables,
  findDefinition,
} from './filter-library'
import { parseExpression } from './nfdump-parser'
import { BUILTIN_FILTER_CFG } from './stock-config'
import { type TimeZone, timeZoneOf } from './time-zone'

export { FilterError, type FilterWarning } from './filter-error'

export type FilterStage =
  /** A flow-nfilter `filter-definition` by name, with this stage's own `-v` variables. */
  | { kind: 'definition'; name: string; vars: Record<string, string> }
  /** An nfdump-style expression: `host 1.2.3.4 and not port 80`. */
  | { kind: 'expression'; text: string }

export type FilterSpec = {
  /** filter.cfg text that extends (and may override) the built-in stock + book definitions. */
  config?: string
  stages: FilterStage[]
  /** Randomness for `random-sample` primitives (defaults to Math.random). */
  random?: () => number
  /**
   * IANA zone of `time`/`time-date` primitives, flow-nfilter's TZ (default UTC: a Worker has
   * no local zone). Dates with an explicit zone (`… UTC`, `… -0300`) keep theirs.
   */
  timeZone?: string
}

export type CompiledFilter = {
  predicate: FlowPredicate
  /** The flow fields the chain reads. */
  fields: ReadonlySet<FlowField>
  /** Non-fatal remarks (flow-nfilter's warnings, quirks worth knowing). */
  warnings: FilterWarning[]
  /** One expression per stage. */
  stages: Expr[]
}

/** Compiles a chain into one predicate. Throws `FilterError` on bad input. */
export function compileFilterChain(spec: FilterSpec): FlowPredicate {
  return compileFilter(spec).predicate
}

/**
 * Compiles a chain and also returns what it reads and its warnings. The predicate refuses a
 * batch that lacks a field the chain reads (`Filter references a field not in flow.`) on its
 * first row, before any flow is passed.
 *
 * @example
 * const { predicate } = compileFilter({ stages: [
 *   { kind: 'definition', name: 'ip-addr', vars: { ADDR: '189.22.36.165' } },
 *   { kind: 'expression', text: 'not port 80 and packets > 1' },
 * ] })
 */
export function compileFilter(spec: FilterSpec): CompiledFilter {
  const warnings: FilterWarning[] = []
  const zone = timeZoneOf(spec.timeZone)
  const stages = spec.stages.map((stage) => stageExpr(stage, spec.config, warnings, zone))
  const fields = new Set<FlowField>()
  const preds: FlowPredicate[] = []
  for (const e of stages) {
    const c = compileExpr(e, { zone, ...(spec.random ? { random: spec.random } : {}) })
    for (const f of c.fields) fields.add(f)
    preds.push(c.predicate)
  }
  const chain = chainOf(preds)
  let checked: FlowBatch | undefined
  const predicate: FlowPredicate = (b, i) => {
    if (b !== checked) {
      assertFieldsPresent(fields, b.present)
      checked = b
    }
    return chain(b, i)
  }
  return { predicate, fields, warnings: dedupe(warnings), stages }
}

/** flow-nfilter refuses a filter that reads a field the input's record version lacks. */
export function assertFieldsPresent(
  fields: ReadonlySet<FlowField>,
  present: ReadonlySet<FlowField>,
): void {
  const missing = [...fields].filter((f) => !present.has(f))
  if (missing.length > 0) {
    throw new FilterError(
      'field_not_in_flow',
      `Filter references a field not in flow. (${missing.join(', ')})`,
      'definition',
    )
  }
}

/** The names a configuration defines, after checking it parses and resolves. */
export type ConfigSummary = {
  primitives: string[]
  definitions: string[]
  warnings: FilterWarning[]
}

/**
 * Validates a filter configuration as a saved set: parsed with the built-ins, every definition
 * resolved; lines that need a variable nobody set yet are not refused for that.
 */
export function checkFilterConfig(text: string): ConfigSummary {
  const user = parseConfig(text, { validateOnly: true })
  const builtin = parseConfig(BUILTIN_FILTER_CFG, {
    label: 'built-in filter.cfg ',
    source: 'definition',
  })
  buildLibrary([
    { parsed: builtin, label: 'built-in filter.cfg ', source: 'definition' },
    { parsed: user, label: '', source: 'config' },
  ])
  return {
    primitives: user.config.primitives.map((p) => p.name),
    definitions: user.config.definitions.map((d) => d.name),
    warnings: user.warnings,
  }
}

function stageExpr(
  stage: FilterStage,
  config: string | undefined,
  warnings: FilterWarning[],
  zone: TimeZone,
): Expr {
  if (stage.kind === 'expression') return parseExpression(stage.text)
  const layers: ConfigLayer[] = []
  const builtin = parseConfig(BUILTIN_FILTER_CFG, {
    vars: stage.vars,
    wallToUtc: zone.wallToUtc,
    label: 'built-in filter.cfg ',
    source: 'definition',
    deferVariableErrors: true,
  })
  layers.push({ parsed: builtin, label: 'built-in filter.cfg ', source: 'definition', lazy: true })
  if (config !== undefined) {
    const user = parseConfig(config, { vars: stage.vars, wallToUtc: zone.wallToUtc })
    warnings.push(...user.warnings)
    layers.push({ parsed: user, label: '', source: 'config' })
  }
  const lib = buildLibrary(layers)
  const def = findDefinition(lib, stage.name)
  if (!def) {
    const known = [...lib.definitions.values()].map((d) => d.node.name)
    // flow-nfilter without -F uses the definition named "default" (filter-spec.ts does the same).
    const why =
      stage.name === 'default'
        ? ': a filter configuration without def= uses its definition "default", as flow-nfilter without -F; name one with def=NAME'
        : ''
    throw new FilterError(
      'unknown_definition',
      `ftfil_def_find(): failed: no filter-definition "${stage.name}"${why} (known: ${known.join(', ')})`,
      'definition',
    )
  }
  // flow-nfilter ignores a -v the definition does not read; here a misspelt variable (addr for
  // ADDR) would silently filter on the default instead, so it is refused.
  const uses = definitionVariables(lib, def)
  const names = [...new Set(uses.map((u) => u.name))].sort()
  for (const name of Object.keys(stage.vars)) {
    if (names.includes(name)) continue
    const like = names.find((u) => u.toLowerCase() === name.toLowerCase())
    throw new FilterError(
      'unknown_variable',
      `variable ${name} is not read by filter-definition "${def.node.name}"${
        like ? ` (variable names are case-sensitive: did you mean ${like}?)` : ''
      }; it reads ${names.length > 0 ? names.join(', ') : 'no variables'}`,
      'definition',
    )
  }
  // A variable left unset takes the line's default: said, since the filter then means that.
  const told = new Set<string>()
  for (const u of uses) {
    if (u.set || told.has(u.name)) continue
    told.add(u.name)
    warnings.push({
      code: 'variable_unset',
      message:
        u.fallback === undefined
          ? `variable ${u.name} of filter-definition "${def.node.name}" is not set and has no default: it reads as empty (set it: def=${stage.name}:${u.name}=...)`
          : `variable ${u.name} of filter-definition "${def.node.name}" is not set: its default "${u.fallback}" is used (set it: def=${stage.name}:${u.name}=...)`,
    })
  }
  if (def.layer.source === 'definition') warnings.push(...builtin.warnings)
  return definitionExpr(lib, def)
}

function chainOf(preds: FlowPredicate[]): FlowPredicate {
  const [a, b] = preds
  if (preds.length === 0 || !a) return () => true
  if (preds.length === 1) return a
  if (preds.length === 2 && b) return (x, i) => a(x, i) && b(x, i)
  const n = preds.length
  return (x, i) => {
    for (let k = 0; k < n; k++) if (!preds[k]?.(x, i)) return false
    return true
  }
}

function dedupe(ws: FilterWarning[]): FilterWarning[] {
  const seen = new Set<string>()
  return ws.filter((w) => {
    if (seen.has(w.message)) return false
    seen.add(w.message)
    return true
  })
}

export type { ConfigNode, Expr, Loc } from './ast'
export { parseConfig } from './config-parser'
export { parseExpression } from './nfdump-parser'
export { expressionToNfilter, type NfilterText } from './nfdump-to-nfilter'
export { printConfig, printExpression } from './printer'
export { parseDefinitionStage } from './stage-param'
