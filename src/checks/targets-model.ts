/**
 * The targets tree, SmokePing's `*** Targets ***` model: groups (`+`), hosts (`++`), deeper
 * levels, with `probe`, `pings`, `step`, `alerts` and the probe's own variables inherited
 * downwards. The same shape is the JSON form of `PUT /targets`.
 */
export type TargetNode = {
  /** Section name, `[-_0-9a-zA-Z]+`; empty for the root. */
  name: string
  menu?: string
  title?: string
  remark?: string
  /** A hostname or address; for `dns` the resolver; `/a/b` paths make a multihost graph. */
  host?: string
  /** A probe name: a kind (`tcp`, `http`, `dns`), a SmokePing module or a `*** Probes ***` entry. */
  probe?: string
  pings?: number
  /** Seconds between rounds. */
  step?: number
  /** Seconds a single probe may take. */
  timeout?: number
  /** tcp: port to connect to (TCPPing `port`). */
  port?: number
  /** http: URL, `%host%` replaced by the host (Curl `urlformat`). */
  urlformat?: string
  /** http: a keyword the body must contain (Curl `expect`). */
  expect?: string
  /** http: accepted status codes, e.g. `200` or `200-299,301` (our extension; default 200-399). */
  status?: string
  /** dns: the name to look up (DNS probe `lookup`). */
  lookup?: string
  /** referer: the block-listed Referer value whose letter-case variants each ping sends. */
  referer?: string
  /** Alert names; an empty list clears inherited alerts, as `alerts =` does in SmokePing. */
  alerts?: string[]
  /** SmokePing variables we keep for round trips but do not act on (slaves, note, hide, ...). */
  extra?: Record<string, string>
  children?: TargetNode[]
}

/** The probe-level variables a `*** Probes ***` entry may set for the targets that use it. */
export const PROBE_VARS = [
  'pings',
  'step',
  'timeout',
  'port',
  'urlformat',
  'expect',
  'status',
  'lookup',
  'referer',
] as const
export type ProbeVar = (typeof PROBE_VARS)[number]

/** A `*** Probes ***` entry: `+ TCPPing` (module = name) or `++ Web443` under it. */
export type ProbeDef = {
  name: string
  module: string
  vars: Partial<Pick<TargetNode, ProbeVar>>
}

/** One `*** Alerts ***` entry (SmokePing's keys; `to` is a webhook URL here). */
export type AlertDef = {
  name: string
  type: 'loss' | 'rtt'
  pattern: string
  comment: string
  edgetrigger?: boolean
  priority?: number
  to?: string
}

export type TargetsConfig = {
  /** `*** Database ***` step and pings: the defaults below every inherited value. */
  database?: { step?: number; pings?: number }
  probes?: ProbeDef[]
  alerts?: { to?: string; list: AlertDef[] }
  targets: TargetNode
}

/**
 * The config without its empty sections (`database: {}`, `probes: []`, alerts with no list and
 * no `to`): they mean nothing, and the SmokePing export writes no section for them, so the
 * stored form is the one an export reads back as.
 */
export function withoutEmptySections(config: TargetsConfig): TargetsConfig {
  const { database, probes, alerts, ...rest } = config
  const out: TargetsConfig = { ...rest }
  if (database && (database.step !== undefined || database.pings !== undefined))
    out.database = database
  if (probes && probes.length > 0) out.probes = probes
  if (alerts && (alerts.list.length > 0 || alerts.to !== undefined)) out.alerts = alerts
  return out
}

/** SmokePing's target variables that are accepted and kept, but have no effect here. */
export const KEPT_VARS = [
  'note',
  'email',
  'rawlog',
  'alertee',
  'slaves',
  'menuextra',
  'parents',
  'hide',
  'nomasterpoll',
] as const

/** Defaults as SmokePing ships them (config.dist: step 300, pings 20). */
export const DEFAULT_STEP = 300
export const DEFAULT_PINGS = 20

/**
 * Levels of sections below the Targets root. SmokePing has no limit, but the tree is walked
 * recursively (and the JSON form parsed by a recursive schema): a limit keeps a 256 KiB body of
 * nested children from overflowing the stack.
 */
export const MAX_TARGET_DEPTH = 16

/**
 * Whether the raw JSON tree `root` nests `children` deeper than `max` levels below it, found
 * without recursion (it runs before the recursive schema).
 */
export function nestsDeeperThan(root: unknown, max: number): boolean {
  const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null
  let level: unknown[] = isRecord(root) ? [root] : []
  for (let depth = 0; level.length > 0; depth++) {
    if (depth > max) return true
    level = level.flatMap((n) => (isRecord(n) && Array.isArray(n.children) ? n.children : []))
  }
  return false
}

/*
 * Every variable name SmokePing's Targets grammar knows (the common ones and the target variables
 * of the probes edgeping writes): Config::Grammar keeps sections and variables in one table, so a
 * section named like a variable set beside it fails `smokeping --check` ("section or variable
 * already exists"); refusing every such name keeps the rule independent of what is set where.
 */
export const TARGET_VARIABLES: ReadonlySet<string> = new Set([
  ...['probe', 'menu', 'title', 'alerts', 'note', 'email', 'host', 'remark', 'rawlog', 'alertee'],
  ...['slaves', 'menuextra', 'parents', 'hide', 'nomasterpoll'],
  ...['pings', 'port', 'lookup', 'server', 'agent', 'expect', 'extraargs', 'extrare'],
  ...['follow_redirects', 'include_redirects', 'insecure_ssl', 'interface'],
  ...['require_zero_status', 'ssl2', 'timeout', 'urlformat'],
  // edgeping's own target variables, which share the same table in the text export
  ...['step', 'status', 'referer'],
])

/** Why SmokePing cannot take a section name, or null. */
export function sectionNameClash(name: string): string | null {
  if (TARGET_VARIABLES.has(name))
    return `'${name}' is a variable of SmokePing's Targets section, so it cannot name a section`
  // Config::Grammar's own keys (_inherited, _order, _is_section...) share that table too.
  if (name.startsWith('_')) return 'must not start with _ (SmokePing keeps its own keys so)'
  return null
}

/**
 * The menu entry and page title SmokePing shows for a node. Only the Targets root must set them;
 * below it, SmokePing's init_target_tree fills each unset one (Perl `||=`, so also an empty
 * value or `0`) with the host, or `unknown` for a group: `$tree->{menu} ||= $tree->{host} ||
 * "unknown"`. The stored tree keeps what was written: filled in, it would export lines the
 * uploaded text never had.
 */
export function shownMenuTitle(node: TargetNode): { menu: string; title: string } {
  const fill = node.host || 'unknown'
  const shown = (v: string | undefined): string =>
    v === undefined || v === '' || v === '0' ? fill : v
  return { menu: shown(node.menu), title: shown(node.title) }
}

/**
 * Whether a value holds a control character or a line separator (C0, DEL, NEL, U+2028/2029):
 * one line of SmokePing text could not hold it.
 */
export function breaksLine(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i)
    if (c < 0x20 || c === 0x7f || c === 0x85 || c === 0x2028 || c === 0x2029) return true
  }
  return false
}

/** An alert's `to` as SmokePing splits it (at commas, spaces around them dropped). */
export function recipients(to: string | undefined): string[] {
  return (to ?? '').split(/\s*,\s*/).filter((r) => r !== '')
}

/** The webhook URLs among an alert's recipients (mail addresses are kept, not delivered). */
export function webhookUrls(to: string | undefined): string[] {
  return recipients(to).filter((r) => /^https?:\/\//i.test(r))
}

/** The longest value of the tree, text or JSON (one line of the SmokePing export). */
export const MAX_VALUE_CHARS = 1000

/** The largest number a count takes (32-bit, as RRD and the export print it). */
export const MAX_COUNT = 2147483647
