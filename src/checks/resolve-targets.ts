import { isIpAddress } from '../dns/name'
import { AlertPatternError, compileAlertPattern, historyNeeded } from './alert-pattern'
import { MAX_HISTORY } from './alerts'
import type { ProbeKind } from './kinds/kind'
import { ICMP_MODULES, kindForModule } from './kinds/registry'
import type { ResolvedTarget } from './kinds/resolved-target'
import type { SourceLines } from './smokeping-parse'
import { TargetsConfigError } from './targets-error'
import {
  DEFAULT_PINGS,
  DEFAULT_STEP,
  MAX_TARGET_DEPTH,
  PROBE_VARS,
  type ProbeDef,
  recipients,
  sectionNameClash,
  shownMenuTitle,
  type TargetNode,
  type TargetsConfig,
} from './targets-model'

/** Limits that keep one account's config inside a cron invocation's budgets. */
export const MAX_TARGETS = 200
export const MAX_PINGS = 100

export type ResolvedConfig = {
  targets: ResolvedTarget[]
  /** Multihost leaves (`host = /a/b /c/d`): shown in the tree, never probed. */
  multihost: { id: string; hosts: string[] }[]
}

const HOSTNAME =
  /^(?=.{1,253}$)([A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9])?)*\.?$/
const URL_HOST = /^https?:\/\/\S+$/

/**
 * Whether a kind contacts `host`: a urlformat without %host% names its own host, and then
 * `host` is only a label (SmokePing's Curl does the same).
 */
export function usesHost(kind: ProbeKind, urlformat: string | undefined): boolean {
  return !kind.vars.includes('urlformat') || urlformat === undefined || urlformat.includes('%host%')
}

/**
 * Whether `host` is what a kind's `hostForm` asks for: a host name or IP address, or for a
 * resolver also its DoH URL. The one host check of the targets tree and of ad-hoc runs.
 */
export function hostFits(host: string, form: ProbeKind['hostForm']): boolean {
  // [v6], and an IPv4 address written as a rooted name (1.2.3.4.) as dig would take it.
  if (isIpAddress(host.replace(/^\[(.*)\]$/, '$1').replace(/^([\d.]+)\.$/, '$1'))) return true
  // An all-numeric last label is an IPv4 address or nothing (1.2.3.4.5, 127.0.0.1:80 are not).
  if (HOSTNAME.test(host) && !/(^|\.)\d+\.?$/.test(host)) return true
  return form === 'resolver' && URL_HOST.test(host)
}

/** What a host that only labels the target (urlformat names the host) may be: one word. */
const LABEL = /^\S{1,253}$/

/**
 * Applies inheritance down the tree (probe, pings, step, alerts and every probe variable, as
 * SmokePing's `_inherited`) and checks every leaf: its probe must be a kind a Worker can run,
 * its values in range. `lines` (from SmokePing text) puts line numbers in the errors.
 */
export function resolveTargets(config: TargetsConfig, lines?: SourceLines): ResolvedConfig {
  // Names are unique per table, as Config::Grammar's (the text reader refuses a repeat with its
  // line; a JSON tree gets the same rule here, so its export reads back).
  const once = (names: string[], what: string, path: (n: string) => string | undefined) => {
    const seen = new Set<string>()
    for (const n of names) {
      if (seen.has(n))
        throw new TargetsConfigError('bad_name', `${what} '${n}' appears twice`, undefined, path(n))
      seen.add(n)
    }
  }
  once(
    (config.probes ?? []).map((p) => p.name),
    'probe',
    (n) => `probes.${n}`,
  )
  once(
    (config.alerts?.list ?? []).map((a) => a.name),
    'alert',
    (n) => `alerts.${n}`,
  )
  const probes = new Map((config.probes ?? []).map((p) => [p.name, p]))
  const alertNames = new Set((config.alerts?.list ?? []).map((a) => a.name))
  for (const a of config.alerts?.list ?? []) {
    try {
      const compiled = compileAlertPattern(a.pattern, a.type)
      // The history holds MAX_HISTORY values: a pattern reaching further back would silently
      // match only its newest part (a gap cut short), or never (more elements than values).
      const needed = historyNeeded(compiled)
      if (needed > MAX_HISTORY) {
        throw new AlertPatternError(
          `pattern '${a.pattern}' looks back up to ${needed} rounds; a target's history keeps the last ${MAX_HISTORY}: use fewer elements or smaller *X* gaps`,
        )
      }
    } catch (err) {
      if (!(err instanceof AlertPatternError)) throw err
      throw new TargetsConfigError(
        'bad_pattern',
        `Alert ${a.name} ${err.message}`,
        alertLine(lines, a.name, 'pattern'),
        `alerts.${a.name}.pattern`,
      )
    }
    if (a.to !== undefined)
      checkWebhook(a.to, alertLine(lines, a.name, 'to'), `alerts.${a.name}.to`)
  }
  if (config.alerts?.to !== undefined)
    checkWebhook(config.alerts.to, lines?.get('alerts')?.vars.to, 'alerts.to')
  const out: ResolvedConfig = { targets: [], multihost: [] }
  const base: Partial<TargetNode> = {
    step: config.database?.step ?? DEFAULT_STEP,
    pings: config.database?.pings ?? DEFAULT_PINGS,
  }
  walk(config.targets, [], base, undefined)
  return out

  function walk(
    node: TargetNode,
    path: string[],
    inherited: Partial<TargetNode>,
    inheritedProbeLine: number | undefined,
  ): void {
    const id = path.join('.')
    const lineOf = (key?: string): number | undefined => {
      const src = lines?.get(id)
      return key && src?.vars[key] !== undefined ? src.vars[key] : src?.section
    }
    // An inherited probe is wrong where it was set, not where it is used.
    const probeLine = node.probe !== undefined ? lineOf('probe') : inheritedProbeLine
    const fail = (code: TargetsConfigError['code'], message: string, key?: string): never => {
      const line = key === 'probe' ? probeLine : lineOf(key)
      throw new TargetsConfigError(code, message, line, id || undefined)
    }
    if (path.length > MAX_TARGET_DEPTH)
      fail('nesting', `at most ${MAX_TARGET_DEPTH} levels of sections below Targets`)
    if (path.length > 0 && node.name === '')
      fail('bad_name', 'a section below Targets needs a name')
    const clash = path.length > 0 ? sectionNameClash(node.name) : null
    if (clash) fail('bad_name', `section '${node.name}': ${clash}`)
    const childNames = new Set<string>()
    for (const c of node.children ?? []) {
      if (childNames.has(c.name)) fail('bad_name', `section '${c.name}' appears twice`)
      childNames.add(c.name)
    }
    const own: Partial<TargetNode> = { ...inherited }
    for (const key of ['probe', 'alerts', ...PROBE_VARS] as const) {
      if (node[key] !== undefined) Object.assign(own, { [key]: node[key] })
    }
    for (const alert of node.alerts ?? []) {
      if (!alertNames.has(alert)) {
        fail(
          'unknown_alert',
          config.alerts
            ? `alert '${alert}' is not defined in the Alerts section`
            : `alert '${alert}' used, but there is no Alerts section`,
          'alerts',
        )
      }
    }
    if (node.host !== undefined && node.host !== '') {
      if (node.children?.length)
        fail('bad_value', 'a target with host cannot have sub-sections', 'host')
      leaf(node, id, own, fail)
    }
    for (const child of node.children ?? []) walk(child, [...path, child.name], own, probeLine)
  }

  function leaf(
    node: TargetNode,
    id: string,
    own: Partial<TargetNode>,
    fail: (code: TargetsConfigError['code'], message: string, key?: string) => never,
  ): void {
    const host = node.host ?? ''
    if (host.startsWith('/')) {
      out.multihost.push({ id, hosts: host.split(/\s+/) })
      return
    }
    if (host === 'DYNAMIC')
      fail('bad_value', 'DYNAMIC hosts (slave-reported addresses) are not supported', 'host')
    // The host's form depends on the kind and its urlformat: checked once both are known.
    const probeName = own.probe
    if (!probeName)
      fail('missing_variable', "no probe for this target: set 'probe' here or above", 'host')
    const def: ProbeDef | undefined = probes.get(probeName ?? '')
    const module = def?.module ?? probeName ?? ''
    if (ICMP_MODULES.has(module)) {
      fail(
        'icmp_impossible',
        `probe ${probeName} sends ICMP echo, which a Cloudflare Worker cannot send (no raw sockets); use probe = TCPPing (tcp, with port), Curl (http) or DNS (dns) instead`,
        'probe',
      )
    }
    const kind = kindForModule(module)
    if (!kind) {
      fail(
        'unknown_probe',
        `probe ${probeName} missing from the Probes section, and no kind of that name: use tcp (TCPPing), http (Curl) or dns (DNS)`,
        'probe',
      )
    }
    // A Probes entry's variables sit between the inherited ones and the target's own.
    const vars: Partial<TargetNode> = { ...own, ...def?.vars }
    for (const key of PROBE_VARS)
      if (node[key] !== undefined) Object.assign(vars, { [key]: node[key] })
    // Messages name the field, not the value: an ad-hoc run's host may hold a secret.
    if (kind && usesHost(kind, vars.urlformat) && !hostFits(host, kind.hostForm)) {
      // A URL here once passed for tcp and every ping was lost connecting to 'http://...'.
      fail(
        'bad_value',
        `host is not a ${kind.hostForm === 'resolver' ? 'resolver URL, preset or hostname' : 'hostname or IP address'}${kind.hostForm === 'address' && kind.vars.includes('urlformat') ? " (a URL goes in 'urlformat')" : ''}`,
        'host',
      )
    }
    if (kind && !usesHost(kind, vars.urlformat) && !LABEL.test(host))
      fail('bad_value', 'host (a label here: urlformat names the host) must be one word', 'host')
    const pings = vars.pings ?? DEFAULT_PINGS
    const step = vars.step ?? DEFAULT_STEP
    if (pings < 3) fail('bad_value', 'The pings value must be at least 3.', 'pings')
    if (pings > MAX_PINGS) fail('bad_value', `pings must be at most ${MAX_PINGS}`, 'pings')
    if (step % 60 !== 0 || 86_400 % step !== 0)
      fail(
        'bad_value',
        `step ${step} must be a multiple of 60 s (the cron runs every minute) that divides a day`,
        'step',
      )
    const timeout = vars.timeout ?? kind?.defaultTimeout ?? 5
    if (timeout > 30) fail('bad_value', 'timeout must be at most 30 s', 'timeout')
    const target: ResolvedTarget = {
      id,
      // As SmokePing shows them (its init_target_tree): the host where menu or title is unset.
      ...shownMenuTitle(node),
      host,
      kind: kind?.name ?? '',
      probe: probeName ?? '',
      pings,
      step,
      timeoutMs: timeout * 1000,
      alerts: own.alerts ?? [],
      ...pick(vars),
    }
    const problem = kind?.prepare(target)
    if (problem) fail('bad_value', problem, 'host')
    out.targets.push(target)
    if (out.targets.length > MAX_TARGETS) fail('too_many', `more than ${MAX_TARGETS} targets`)
  }
}

function pick(vars: Partial<TargetNode>): Partial<ResolvedTarget> {
  const out: Partial<ResolvedTarget> = {}
  if (vars.port !== undefined) out.port = vars.port
  if (vars.urlformat !== undefined) out.url = vars.urlformat
  if (vars.expect !== undefined) out.expect = vars.expect
  if (vars.status !== undefined) out.status = vars.status
  if (vars.lookup !== undefined) out.lookup = vars.lookup
  if (vars.referer !== undefined) out.referer = vars.referer
  return out
}

/** Every recipient of a `to` list (comma-separated, as SmokePing reads it) must be usable. */
/** The line of an alert's variable in SmokePing text (else its `+ name` line), if text. */
export function alertLine(
  lines: SourceLines | undefined,
  alert: string,
  key: string,
): number | undefined {
  const src = lines?.get(`alert:${alert}`)
  return src?.vars[key] ?? src?.section
}

function checkWebhook(to: string, line: number | undefined, path: string): void {
  const list = recipients(to)
  if (list.length === 0)
    throw new TargetsConfigError('bad_value', 'an empty alert recipient list', line, path)
  for (const one of list) {
    // SmokePing's mail recipients are kept (an imported config stays valid) but never delivered.
    if (/^[^\s@]+@[^\s@]+$/.test(one)) continue
    let url: URL | undefined
    try {
      url = new URL(one)
    } catch {
      url = undefined
    }
    if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:'))
      throw new TargetsConfigError(
        'bad_value',
        `alert recipient '${one}' must be a webhook URL (http or https) or a mail address; |programs do not exist in a Worker`,
        line,
        path,
      )
  }
}
