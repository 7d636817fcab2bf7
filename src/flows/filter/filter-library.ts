import type { DefinitionNode, Expr, Loc, MatchNode, PrimitiveNode } from './ast'
import type { VariableUse } from './config-lexer'
import type { ParsedConfig } from './config-parser'
import type { FilterError } from './filter-error'
import { MATCH_INFO } from './match-types'
import type { Fail } from './primitive-rules'
import { errorAt } from './source-excerpt'

/** One parsed configuration and how to name it in messages. */
export type ConfigLayer = {
  parsed: ParsedConfig
  label: string
  source: FilterError['source']
  /**
   * Resolve its definitions only when used (the built-in layer under a stage with variables:
   * see parseConfig's deferVariableErrors). Its text is ours and tested, so nothing is missed.
   */
  lazy?: boolean
}

type Sourced<T> = { node: T; layer: ConfigLayer }

/** Primitives and definitions by lower-case name; later layers override earlier ones. */
export type FilterLibrary = {
  primitives: Map<string, Sourced<PrimitiveNode>>
  definitions: Map<string, Sourced<DefinitionNode>>
}

/**
 * Merges configuration layers (the built-in stock + book definitions first, then the caller's
 * text) and resolves every definition, as flow-nfilter resolves every definition of its file
 * before filtering (an unknown or incompatible primitive anywhere is an error).
 */
export function buildLibrary(layers: ConfigLayer[]): FilterLibrary {
  const lib: FilterLibrary = { primitives: new Map(), definitions: new Map() }
  for (const layer of layers) {
    for (const p of layer.parsed.config.primitives) {
      lib.primitives.set(p.name.toLowerCase(), { node: p, layer })
    }
    for (const d of layer.parsed.config.definitions) {
      lib.definitions.set(d.name.toLowerCase(), { node: d, layer })
    }
  }
  for (const d of lib.definitions.values()) if (!d.layer.lazy) definitionExpr(lib, d)
  return lib
}

/** Finds a definition by name (case-insensitive), or undefined. */
export function findDefinition(
  lib: FilterLibrary,
  name: string,
): Sourced<DefinitionNode> | undefined {
  return lib.definitions.get(name.toLowerCase())
}

/** The variables a definition reads: its own lines' and those of the primitives it matches. */
export function definitionVariables(
  lib: FilterLibrary,
  def: Sourced<DefinitionNode>,
): VariableUse[] {
  const uses = [...(def.node.variables ?? [])]
  const seen = new Set<string>()
  for (const group of def.node.groups) {
    for (const m of group) {
      const key = m.primitive.toLowerCase()
      if (seen.has(key)) continue
      seen.add(key)
      uses.push(...(lib.primitives.get(key)?.node.variables ?? []))
    }
  }
  return uses
}

/**
 * A definition as an expression: its groups ORed, the matches of a group ANDed, `invert`
 * negating the whole (wherever it appears, flow-tools.md §5.5). An empty definition denies.
 */
export function definitionExpr(lib: FilterLibrary, def: Sourced<DefinitionNode>): Expr {
  const { node, layer } = def
  const fail: Fail = (code, message, loc) => {
    throw errorAt(code, message, layer.source, layer.parsed.text, loc, layer.label)
  }
  const groups: Expr[] = node.groups.map((group) => {
    const items: Expr[] = group.map((m): MatchNode => {
      const prim = lib.primitives.get(m.primitive.toLowerCase())
      if (!prim) {
        fail(
          'unknown_primitive',
          `Unable to resolve primitive "${m.primitive}" in filter-definition "${node.name}".`,
          m.primitiveLoc,
        )
      }
      // A stage's variable made one of its lines unreadable: now it is used, that is the error.
      if (prim.node.deferredError) throw prim.node.deferredError
      const accepts = MATCH_INFO[m.matchType].accepts
      if (!accepts.includes(prim.node.primType)) {
        // flow-nfilter's text names the match type, not the primitive (quirk 9); we add why.
        fail(
          'incompatible_primitive',
          `Primitive "${m.matchType}" incompatible with match in filter-definition "${node.name}". (primitive "${prim.node.name}" is ${prim.node.primType}; ${m.matchType} takes ${accepts.join(' or ')})`,
          m.primitiveLoc,
        )
      }
      return { type: 'match', matchType: m.matchType, primitive: prim.node, loc: m.loc }
    })
    const first = items[0]
    if (items.length === 1 && first) return first
    return { type: 'and', items, loc: spanOf(items, node.loc) }
  })
  const body: Expr =
    groups.length === 0
      ? { type: 'const', value: false, loc: node.loc }
      : groups.length === 1 && groups[0]
        ? groups[0]
        : { type: 'or', items: groups, loc: spanOf(groups, node.loc) }
  return node.invert ? { type: 'not', item: body, loc: node.loc } : body
}

function spanOf(items: Expr[], fallback: Loc): Loc {
  const a = items[0]
  const z = items[items.length - 1]
  return a && z ? { start: a.loc.start, end: z.loc.end } : fallback
}
