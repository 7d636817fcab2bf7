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
