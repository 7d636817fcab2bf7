import {
  type Action,
  type ConfigNode,
  type DefinitionNode,
  type Loc,
  type MatchLine,
  PRIMITIVE_TYPES,
  type PrimitiveNode,
  type PrimitiveType,
} from './ast'
import { type ConfigLine, lexConfig, type Word } from './config-lexer'
import { FilterError, type FilterWarning } from './filter-error'
import { matchTypeOf } from './match-types'
import { type Fail, parseRule, TABLE_MAX } from './primitive-rules'
import { parseUnsigned } from './scalar-values'
import { errorAt, lineColumn } from './source-excerpt'

export type ParseConfigOptions = {
  /** `-v NAME=value` of this stage. */
  vars?: Readonly<Record<string, string>>
  /** Prefix of messages, e.g. `built-in filter.cfg `. */
  label?: string
  source?: 'config' | 'definition'
  /**
   * Check a configuration that will get its variables later (a saved filter set): a line that
   * uses an unset variable without a default has its data skipped instead of refused.
   */
  validateOnly?: boolean
  /** Wall clock → UTC for time-date values written without a zone (UTC by default). */
  wallToUtc?: (wallSecs: number) => number
  /**
   * The built-in configuration under a caller's stage: a primitive line that a variable made
   * unreadable keeps its error on the primitive (`deferredError`) instead of failing the parse.
   * A stage's `-v PORT=...` meant for the caller's own primitive must not fail on a stock one
   * the definition never uses (flow-nfilter has only the caller's file).
   */
  deferVariableErrors?: boolean
}

export type ParsedConfig = { config: ConfigNode; warnings: FilterWarning[]; text: string }

/** Values a primitive may list in all (a full ip-port table is 65,536; 16 of those). */
const MAX_TABLE_WORK = 16 * 65536

const KEYWORDS_IN_PRIMITIVE = 'type, permit, deny, default or mask'
const KEYWORDS_IN_DEFINITION = 'match, or or invert'

/**
 * Parses flow-nfilter's configuration language (flow-nfilter(1), flow-tools.md §5) into an AST.
 * Primitive names are resolved later (a definition may use a primitive defined after it).
 *
 * @example
 * parseConfig('filter-primitive p\n  type ip-port\n  permit 22\nfilter-definition d\n  match ip-destination-port p\n')
 */
export function parseConfig(text: string, opts: ParseConfigOptions = {}): ParsedConfig {
  const source = opts.source ?? 'config'
  const label = opts.label ?? ''
  const fail: Fail = (code, message, loc) => {
    throw errorAt(code, message, source, text, loc, label)
  }
  const warnings: FilterWarning[] = []
  const warn = (w: FilterWarning, loc: Loc) => {
    const { line, column } = lineColumn(text, loc.start)
    warnings.push({ ...w, message: `${label}line ${line}: ${w.message}`, line, column })
  }
  const config: ConfigNode = { type: 'config', primitives: [], definitions: [] }
  const names = { primitive: new Set<string>(), definition: new Set<string>() }
  let prim: PrimitiveState | undefined
  let def: DefinitionNode | undefined
  let group: MatchLine[] = []

  const closeGroup = () => {
    if (def && group.length > 0) def.groups.push(group)
    group = []
  }

  for (const line of lexConfig(text, { vars: opts.vars ?? {}, label, source })) {
    const [kw, ...args] = line.words as [Word, ...Word[]]
    const keyword = kw.text.toLowerCase()
    const skipData = opts.validateOnly === true && line.unsetVariable
    const extra = (n: number) => {
      const w = args[n]
      if (w) fail('unexpected_word', `Unexpected "${w.text}".`, w.loc)
    }
    const lineLoc = (): Loc => ({ start: kw.loc.start, end: (args.at(-1) ?? kw).loc.end })
    const isHeader = keyword === 'filter-primitive' || keyword === 'filter-definition'
    // Which variables each block reads: a stage's -v is checked against its definition's.
    if (!isHeader && line.variables.length > 0) {
      const node = prim?.node ?? def
      if (node) node.variables = [...(node.variables ?? []), ...line.variables]
    }
    if (isHeader) {
      closeGroup()
      const kind = keyword === 'filter-primitive' ? 'primitive' : 'definition'
      // A name from a variable nobody set yet (validation of a saved set): a placeholder keeps
      // the following lines attached to this block.
      const nameWord =
        args[0] ?? (skipData ? { text: `(unset name, line ${line.line})`, loc: kw.loc } : undefined)
      if (!nameWord) fail('missing_name', `Expecting ${kind} name.`, kw.loc)
      extra(1)
      const key = nameWord.text.toLowerCase()
      if (names[kind].has(key)) {
        fail('duplicate_name', `${kind} "${nameWord.text}" is defined twice`, nameWord.loc)
      }
      names[kind].add(key)
      if (kind === 'primitive') {
        def = undefined
        const node: PrimitiveNode = {
          type: 'primitive',
          name: nameWord.text,
          primType: 'ip-address',
          rules: [],
          defaultAction: 'deny',
          mask: 0xff,
          loc: lineLoc(),
        }
        if (line.variables.length > 0) node.variables = [...line.variables]
        config.primitives.push(node)
        prim = { node, typed: false, seen: new Map(), width: 0 }
      } else {
        prim = undefined
        def = { type: 'definition', name: nameWord.text, invert: false, groups: [], loc: lineLoc() }
        if (line.variables.length > 0) def.variables = [...line.variables]
        config.definitions.push(def)
      }
      continue
    }
    if (prim) {
      try {
        parsePrimitiveLine(prim, keyword, kw, args, line, skipData, {
          fail,
          warn,
          ...(opts.wallToUtc ? { wallToUtc: opts.wallToUtc } : {}),
        })
      } catch (err) {
        const deferred = opts.deferVariableErrors && line.variables.length > 0
        if (!deferred || !(err instanceof FilterError)) throw err
        prim.node.deferredError ??= err
      }
      prim.node.loc = { start: prim.node.loc.start, end: lineLoc().end }
      continue
    }
    if (def) {
      if (keyword === 'match') {
        const [m, p] = args
        if (!m || !p) {
          if (skipData) continue
          fail('missing_data', 'Expecting match type and primitive name.', (m ?? kw).loc)
        }
        extra(2)
        const matchType = matchTypeOf(m.text)
        if (!matchType)
          fail('unknown_match_type', `Unexpected "${m.text}". (not a match type)`, m.loc)
        group.push({
          type: 'match-line',
          matchType,
          primitive: p.text,
          loc: lineLoc(),
          primitiveLoc: p.loc,
        })
      } else if (keyword === 'or') {
        extra(0)
        closeGroup()
      } else if (keyword === 'invert') {
        extra(0)
        def.invert = true
      } else {
        fail(
          'unexpected_keyword',
          `Unexpected "${kw.text}". (expected ${KEYWORDS_IN_DEFINITION})`,
          kw.loc,
        )
      }
      def.loc = { start: def.loc.start, end: lineLoc().end }
      continue
    }
    fail(
      'unexpected_keyword',
      `Unexpected "${kw.text}". (expected filter-primitive or filter-definition)`,
      kw.loc,
    )
  }
  closeGroup()
  return { config, warnings, text }
}

type PrimitiveState = {
  node: PrimitiveNode
  typed: boolean
  /** Value → action already set, for flow-nfilter's "previously set" warning. */
  seen: Map<number, Action>
  /** Values listed so far, ranges counted in full. */
  width: number
}

type Ctx = {
  wallToUtc?: (wallSecs: number) => number
  fail: Fail
  warn: (w: FilterWarning, loc: Loc) => void
}

function parsePrimitiveLine(
  st: PrimitiveState,
  keyword: string,
  kw: Word,
  args: Word[],
  line: ConfigLine,
  skipData: boolean,
  ctx: Ctx,
): void {
  const fail: Fail = ctx.fail
  const node = st.node
  const extra = (n: number) => {
    const w = args[n]
    if (w) fail('unexpected_word', `Unexpected "${w.text}".`, w.loc)
  }
  switch (keyword) {
    case 'type': {
      const t = args[0]
      if (!t) fail('missing_data', 'Expecting type.', kw.loc)
      extra(1)
      if (st.typed) fail('duplicate_type', 'type is already set for this primitive', kw.loc)
      const type = t.text.toLowerCase()
      if (!(PRIMITIVE_TYPES as readonly string[]).includes(type)) {
        fail(
          'unknown_type',
          `Unrecognized type "${t.text}" (one of ${PRIMITIVE_TYPES.join(', ')}).`,
          t.loc,
        )
      }
      node.primType = type as PrimitiveType
      st.typed = true
      return
    }
    case 'permit':
    case 'deny': {
      if (!st.typed) fail('type_not_set', 'Must set type first.', kw.loc)
      if (skipData) return
      if (args.length === 0) fail('missing_data', 'Expecting permit/deny data.', kw.loc)
      const rule = parseRule(node.primType, keyword, args, line.restAfter(1), ctx)
      if (rule.kind === 'values') warnDuplicates(st, rule.items, rule.loc, ctx)
      node.rules.push(rule)
      return
    }
    case 'default': {
      const a = args[0]
      if (!a) fail('missing_data', 'Expecting permit or deny.', kw.loc)
      extra(1)
      const v = a.text.toLowerCase()
      if (v !== 'permit' && v !== 'deny')
        fail('unexpected_word', `Unexpected "${a.text}". (expected permit or deny)`, a.loc)
      node.defaultAction = v as Action
      return
    }
    case 'mask': {
      if (!st.typed) fail('type_not_set', 'Must set type first.', kw.loc)
      if (node.primType !== 'ip-tos' && node.primType !== 'ip-tcp-flags') {
        fail(
          'unexpected_keyword',
          `Unexpected "mask" (only ip-tos and ip-tcp-flags have a mask).`,
          kw.loc,
        )
      }
      const a = args[0]
      if (skipData) return
      if (!a) fail('missing_data', 'Expecting mask value.', kw.loc)
      extra(1)
      const m = parseUnsigned(a.text)
      if (m === undefined || m > 255) fail('value_out_of_range', 'Value out of range.', a.loc)
      node.mask = m
      return
    }
    default:
      fail(
        'unexpected_keyword',
        `Unexpected "${kw.text}". (expected ${KEYWORDS_IN_PRIMITIVE})`,
        kw.loc,
      )
  }
}

/** flow-nfilter warns `index 22 previously set as permit.`; the last line still wins (quirk 2). */
function warnDuplicates(
  st: PrimitiveState,
  items: { action: Action; lo: number; hi: number }[],
  loc: Loc,
  ctx: Ctx,
): void {
  const type = st.node.primType
  if (TABLE_MAX[type] === undefined && type !== 'ip-address' && type !== 'tag') return
  let first: string | undefined
  let repeats = 0
  for (const it of items) {
    // Every value of a range costs a table write when compiled: bound the work per primitive.
    st.width += it.hi - it.lo + 1
    if (st.width > MAX_TABLE_WORK) {
      ctx.fail(
        'too_large',
        `primitive "${st.node.name}" lists more than ${MAX_TABLE_WORK} values in all`,
        loc,
      )
    }
    for (let v = it.lo; v <= it.hi; v++) {
      const before = st.seen.get(v)
      if (before !== undefined) {
        repeats++
        first ??= `index ${v} previously set as ${before}.`
      }
      st.seen.set(v, it.action)
    }
  }
  // One warning per line, as a range may repeat thousands of values.
  if (first) {
    const more = repeats > 1 ? ` (and ${repeats - 1} more values on this line)` : ''
    ctx.warn({ code: 'duplicate_entry', message: `${first}${more}` }, loc)
  }
}
