import type { DefinitionNode, Expr, MatchLine, MatchNode, PrimitiveNode } from './ast'
import { FilterError } from './filter-error'
import { lowerTerm } from './nfdump-lowering'
import { printDefinition, printPrimitive } from './printer'

/** DNF blows up exponentially on some inputs; past this many groups we refuse. */
const MAX_GROUPS = 256

export type NfilterText = {
  /** filter-primitive and filter-definition text, ready for flow-nfilter `-f`. */
  config: string
  /** The definition to select (`flow-nfilter -F NAME`). */
  definition: string
}

/**
 * Turns an expression (nfdump-style, or any mix) into equivalent flow-nfilter configuration
 * text. A definition can only say "OR of ANDs, maybe inverted", so the expression is put in
 * negation normal form (a negated match becomes a match on the primitive with every action
 * flipped, which negates tables, first-match lists and prefix matches alike) and then in
 * disjunctive normal form.
 *
 * @example
 * expressionToNfilter(parseExpression('host 10.0.0.1 and not port 80'), 'suspect')
 */
export function expressionToNfilter(e: Expr, name = 'expr'): NfilterText {
  const groups = dnf(nnf(e, false))
  const prims = new Map<string, PrimitiveNode>()
  const refOf = (p: PrimitiveNode): string => {
    const body = printPrimitive({ ...p, name: '' })
    const known = [...prims.values()].find((q) => printPrimitive({ ...q, name: '' }) === body)
    if (known) return known.name
    const named = { ...p, name: `${name}-${prims.size + 1}` }
    prims.set(named.name, named)
    return named.name
  }
  const loc = e.loc
  const def: DefinitionNode = { type: 'definition', name, invert: false, groups: [], loc }
  if (groups.some((g) => g.length === 0)) {
    // One group is always true: an empty definition inverted passes everything.
    def.invert = true
  } else {
    def.groups = groups.map((g) =>
      g.map(
        (m): MatchLine => ({
          type: 'match-line',
          matchType: m.matchType,
          primitive: refOf(m.primitive),
          loc: m.loc,
          primitiveLoc: m.loc,
        }),
      ),
    )
  }
  const config = [...[...prims.values()].map(printPrimitive), printDefinition(def)].join('\n')
  return { config, definition: name }
}

/**
 * Pushes `not` down to the leaves; terms are lowered to matches first. `negate` is also whether
 * a term is under an odd number of `not`s, which nfdump's flags test depends on (lowerTerm).
 */
function nnf(e: Expr, negate: boolean): Expr {
  switch (e.type) {
    case 'term':
      return nnf(lowerTerm(e, negate), negate)
    case 'not':
      return nnf(e.item, !negate)
    case 'const':
      return { ...e, value: e.value !== negate }
    case 'match':
      return negate ? { ...e, primitive: negatePrimitive(e.primitive) } : e
    case 'and':
    case 'or': {
      const items = e.items.map((x) => nnf(x, negate))
      const type = negate ? (e.type === 'and' ? 'or' : 'and') : e.type
      return { type, items, loc: e.loc }
    }
  }
}

function negatePrimitive(p: PrimitiveNode): PrimitiveNode {
  const flip = (a: 'permit' | 'deny') => (a === 'permit' ? 'deny' : 'permit')
  if (p.primType === 'rate') {
    throw new FilterError(
      'not_expressible',
      'a random-sample primitive cannot be negated',
      'expression',
    )
  }
  return {
    ...p,
    name: `not-${p.name}`,
    defaultAction: flip(p.defaultAction),
    rules: p.rules.map((r) =>
      r.kind === 'values'
        ? { ...r, items: r.items.map((it) => ({ ...it, action: flip(it.action) })) }
        : { ...r, action: flip(r.action) },
    ),
  }
}

/** OR of ANDs: `[]` is false, a group `[]` is true. Input is in negation normal form. */
function dnf(e: Expr): MatchNode[][] {
  switch (e.type) {
    case 'const':
      return e.value ? [[]] : []
    case 'match':
      return [[e]]
    case 'or':
      return cap(e.items.flatMap(dnf))
    case 'and': {
      let acc: MatchNode[][] = [[]]
      for (const item of e.items) {
        const next = dnf(item)
        acc = cap(acc.flatMap((a) => next.map((b) => [...a, ...b])))
      }
      return acc
    }
    default:
      throw new Error(`dnf: unexpected ${e.type} (not in negation normal form)`)
  }
}

function cap(groups: MatchNode[][]): MatchNode[][] {
  if (groups.length > MAX_GROUPS) {
    throw new FilterError(
      'too_complex',
      `the expression needs more than ${MAX_GROUPS} OR groups as a flow-nfilter definition`,
      'expression',
    )
  }
  return groups
}
