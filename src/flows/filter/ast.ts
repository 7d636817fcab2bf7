/**
 * The one AST of both filter front ends (flow-nfilter's configuration language and nfdump-style
 * expressions). Every node carries `loc: { start, end }`, offsets into the text it was parsed
 * from, so errors and tools can point at it.
 *
 * The boolean layer (`or`, `and`, `not`, `const`) is shared. Leaves are either a flow-nfilter
 * `match` (a match type applied to a primitive) or an nfdump `term` (`src port > 1024`); the
 * compiler lowers terms to matches with inline primitives, so one engine evaluates both.
 */

import type { VariableUse } from './config-lexer'

export type Loc = { start: number; end: number }

export type Action = 'permit' | 'deny'

/** flow-nfilter comparison operators (counter, double, time, time-date primitives). */
export type CompareOp = 'lt' | 'gt' | 'eq' | 'ne' | 'le' | 'ge'

/** Every `type` a flow-tools 0.68.5 `filter-primitive` can have. */
export const PRIMITIVE_TYPES = [
  'ip-address',
  'ip-address-mask',
  'ip-address-prefix',
  'ip-address-prefix-len',
  'ip-port',
  'ip-protocol',
  'ip-tos',
  'ip-tcp-flags',
  'ifindex',
  'engine',
  'as',
  'tag',
  'tag-mask',
  'counter',
  'double',
  'time',
  'time-date',
  'rate',
] as const

export type PrimitiveType = (typeof PRIMITIVE_TYPES)[number]

/** One value or range of a lookup-table line; `!` gives it the opposite action (quirk 1). */
export type TableItem = { action: Action; lo: number; hi: number }

/** One `permit`/`deny` line of a primitive, parsed according to the primitive's type. */
export type Rule =
  /** Lookup tables (ports, protocols, addresses, tags...): last line wins per value. */
  | { kind: 'values'; items: TableItem[]; text: string; loc: Loc }
  /** ip-address-mask, tag-mask: first match of `(field & mask) == value`. */
  | { kind: 'mask'; action: Action; value: number; mask: number; text: string; loc: Loc }
  /** ip-address-prefix: longest prefix match. */
  | { kind: 'prefix'; action: Action; addr: number; len: number; text: string; loc: Loc }
  /** counter, double, time (seconds of the day), time-date (unix seconds): first match. */
  | { kind: 'compare'; action: Action; op: CompareOp; value: number; text: string; loc: Loc }
  /** rate: pass one flow in N at random. */
  | { kind: 'rate'; action: Action; rate: number; text: string; loc: Loc }

export type PrimitiveNode = {
  type: 'primitive'
  name: string
  primType: PrimitiveType
  rules: Rule[]
  defaultAction: Action
  /** `mask N` of ip-tos / ip-tcp-flags (0xff when absent). */
  mask: number
  loc: Loc
  /** The variables its lines refer to (absent: none, or built by hand). */
  variables?: VariableUse[]
  /**
   * A line whose value came from a stage's variable and could not be read, in the built-in
   * configuration (parseConfig's deferVariableErrors): thrown only when a definition the
   * stage uses matches this primitive, since the variable may be meant for the caller's own.
   */
  deferredError?: Error
}

/** A `match` line as written: the primitive is still a name, resolved after the whole file. */
export type MatchLine = {
  type: 'match-line'
  matchType: MatchType
  primitive: string
  loc: Loc
  primitiveLoc: Loc
}

export type DefinitionNode = {
  type: 'definition'
  name: string
  invert: boolean
  /** Groups are ORed; the match lines inside a group are ANDed (flow-nfilter(1)). */
  groups: MatchLine[][]
  loc: Loc
  /** The variables its lines refer to (absent: none, or built by hand). */
  variables?: VariableUse[]
}

export type ConfigNode = {
  type: 'config'
  primitives: PrimitiveNode[]
  definitions: DefinitionNode[]
}

/** flow-nfilter match types (canonical names; aliases are resolved by the parser). */
export const MATCH_TYPES = [
  'ip-source-address',
  'ip-destination-address',
  'ip-exporter-address',
  'ip-nexthop-address',
  'ip-shortcut-address',
  'ip-source-address-prefix-len',
  'ip-destination-address-prefix-len',
  'ip-protocol',
  'ip-source-port',
  'ip-destination-port',
  'ip-tos',
  'ip-marked-tos',
  'ip-tcp-flags',
  'input-interface',
  'output-interface',
  'source-as',
  'destination-as',
  'engine-id',
  'engine-type',
  'start-time',
  'end-time',
  'flows',
  'octets',
  'packets',
  'extra-packets',
  'duration',
  'pps',
  'bps',
  'source-tag',
  'destination-tag',
  'random-sample',
] as const

export type MatchType = (typeof MATCH_TYPES)[number]

/** nfdump term keys. */
export type TermKey =
  | 'host'
  | 'net'
  | 'port'
  | 'proto'
  | 'packets'
  | 'bytes'
  | 'flows'
  | 'duration'
  | 'pps'
  | 'bps'
  | 'flags'
  | 'as'
  | 'if'
  | 'tos'
  | 'mask'
  | 'engine-type'
  | 'engine-id'
  | 'icmp-type'
  | 'icmp-code'
  | 'router'
  | 'next'
  | 'any'
  | 'inet'
  | 'inet6'

export type TermDir = 'src' | 'dst' | 'in' | 'out'

/** nfdump comparison, normalised (`==`, `eq` and no operator are all `=`). */
export type TermOp = '=' | '<' | '>' | '<=' | '>='

/** A parsed value: its normalised text, and its number (IPv4 as uint32, NaN for IPv6). */
export type TermValue = { text: string; num: number; len?: number }

export type TermNode = {
  type: 'term'
  key: TermKey
  dir?: TermDir
  op: TermOp
  /** More than one value only for `in [ ... ]` lists. */
  values: TermValue[]
  list: boolean
  loc: Loc
}

/** A resolved match: the compiler's leaf. */
export type MatchNode = { type: 'match'; matchType: MatchType; primitive: PrimitiveNode; loc: Loc }

export type Expr =
  | { type: 'or'; items: Expr[]; loc: Loc }
  | { type: 'and'; items: Expr[]; loc: Loc }
  | { type: 'not'; item: Expr; loc: Loc }
  | { type: 'const'; value: boolean; loc: Loc }
  | MatchNode
  | TermNode
