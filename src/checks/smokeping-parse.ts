import { logicalLines } from './smokeping-lines'
import { TargetsConfigError } from './targets-error'
import {
  type AlertDef,
  KEPT_VARS,
  PROBE_VARS,
  type ProbeDef,
  type TargetNode,
  type TargetsConfig,
} from './targets-model'

/** Where each node and variable came from, so later checks can name the line. */
export type SourceLines = Map<string, { section: number; vars: Record<string, number> }>

export type ParsedTargetsText = { config: TargetsConfig; lines: SourceLines }

const SECTION_NAME = /^[-_0-9a-zA-Z]+$/
const KNOWN_SECTIONS = new Set([
  'General',
  'Database',
  'Presentation',
  'Probes',
  'Targets',
  'Alerts',
  'Slaves',
  'InfluxDB',
])
/** Sections we read; the others (General, Presentation, Slaves, InfluxDB) are skipped whole. */
const READ_SECTIONS = new Set(['Database', 'Probes', 'Targets', 'Alerts'])
const TARGET_TEXT_VARS = new Set(['menu', 'title', 'remark', 'host', 'probe', 'alerts'])
const NUMBER_VARS = new Set(['pings', 'step', 'timeout', 'port'])

/**
 * Parses SmokePing configuration text: a whole config (only Database step/pings, Probes,
 * Alerts and Targets are read) or just the body of a `*** Targets ***` section.
 *
 * @example parseSmokepingText('*** Targets ***\nprobe = TCPPing\nmenu = Top\ntitle = T\n+ a\nmenu = a\ntitle = a\nhost = 192.0.2.1\n')
 */
export function parseSmokepingText(text: string): ParsedTargetsText {
  const lines = logicalLines(text)
  const config: TargetsConfig = { targets: { name: '' } }
  const sources: SourceLines = new Map([['', { section: 1, vars: {} }]])
  // Text without a section header is the body of *** Targets ***.
  let section = lines[0]?.text.startsWith('***') ? '' : 'Targets'
  let stack: TargetNode[] = [config.targets]
  let probe: ProbeDef | undefined
  let probeParent: ProbeDef | undefined
  let alert: AlertDef | undefined
  let alertLine = 0
  const alertsSeen: { def: AlertDef; line: number }[] = []

  for (const { text: t, line } of lines) {
    const header = /^\*\*\*\s*(.*?)\s*\*\*\*$/.exec(t)
    if (header) {
      const name = header[1] ?? ''
      if (!KNOWN_SECTIONS.has(name))
        throw new TargetsConfigError('syntax', `unknown section '${name}'`, line)
      closeAlert()
      section = name
      continue
    }
    if (!READ_SECTIONS.has(section)) continue
    const sub = /^(\++)\s*(\S*)\s*$/.exec(t)
    if (sub) {
      const level = (sub[1] ?? '').length
      const name = sub[2] ?? ''
      if (!SECTION_NAME.test(name)) {
        throw new TargetsConfigError('bad_name', `unknown section '${name}'`, line)
      }
      if (section === 'Targets') {
        if (level > stack.length)
          throw new TargetsConfigError('nesting', 'section nesting error', line)
        stack = stack.slice(0, level)
        const parent = stack[level - 1] ?? config.targets
        if (parent.children?.some((c) => c.name === name)) {
          throw new TargetsConfigError('bad_name', `section '${name}' appears twice`, line)
        }
        const node: TargetNode = { name }
        parent.children = [...(parent.children ?? []), node]
        stack.push(node)
        sources.set(pathOf(stack), { section: line, vars: {} })
      } else if (section === 'Probes') {
        if (level > 2 || (level === 2 && !probeParent)) {
          throw new TargetsConfigError('nesting', 'section nesting error', line)
        }
        const module = level === 1 ? name : (probeParent?.module ?? name)
        probe = { name, module, vars: level === 2 ? { ...probeParent?.vars } : {} }
        if (level === 1) probeParent = probe
        config.probes = [...(config.probes ?? []), probe]
      } else if (section === 'Alerts') {
        if (level !== 1) throw new TargetsConfigError('nesting', 'section nesting error', line)
        closeAlert()
        alert = { name, type: 'loss', pattern: '', comment: '' }
        alertLine = line
      } else {
        throw new TargetsConfigError('nesting', 'section nesting error', line)
      }
      continue
    }
    const assign = /^([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(t)
    if (!assign) {
      // The Database table (`AVERAGE 0.5 1 1008`) belongs to RRD: nothing to keep.
      if (section === 'Database' && /^\S+\s+[\d.]+\s+\d+\s+\d+$/.test(t)) {
        if (!/^(AVERAGE|MIN|MAX)\s/.test(t))
          throw new TargetsConfigError(
            'syntax',
            'column 1: Choose a valid consolidation function',
            line,
          )
        continue
      }
      throw new TargetsConfigError('syntax', `expected 'variable = value', got '${t}'`, line)
    }
    const key = assign[1] ?? ''
    const value = (assign[2] ?? '').trim()
    // Only a continued line can carry a # this far (SmokePing cuts comments on a line's first
    // part only); exported again, it would start a comment, so it is refused as in JSON.
    if (value.includes('#')) {
      throw new TargetsConfigError(
        'bad_value',
        `${key}: a # inside a value (from a continued line) cannot be written back as SmokePing text, where it starts a comment`,
        line,
      )
    }
    if (section === 'Targets') {
      const node = stack.at(-1) ?? config.targets
      setTargetVar(node, key, value, line)
      const src = sources.get(pathOf(stack))
      if (src) src.vars[key] = line
    } else if (section === 'Database') {
      if (key !== 'step' && key !== 'pings') {
        throw new TargetsConfigError('unknown_variable', `unknown variable '${key}'`, line)
      }
      config.database = { ...config.database, [key]: parseCount(key, value, line) }
    } else if (section === 'Probes') {
      if (!probe) throw new TargetsConfigError('syntax', 'a probe variable outside a probe', line)
      // Probe modules have many settings (binary, packetsize, ...); we keep the ones we use.
      if ((PROBE_VARS as readonly string[]).includes(key)) {
        probe.vars = { ...probe.vars, ...probeVar(key, value, line) }
      }
    } else if (section === 'Alerts') {
      if (!alert) {
        if (key === 'to') config.alerts = { ...config.alerts, list: [], to: value }
        else if (key !== 'from')
          throw new TargetsConfigError('unknown_variable', `unknown variable '${key}'`, line)
        continue
      }
      setAlertVar(alert, key, value, line)
    }
  }
  closeAlert()
  if (alertsSeen.length > 0) {
    config.alerts = { ...config.alerts, list: alertsSeen.map((a) => a.def) }
    for (const a of alertsSeen) sources.set(`alert:${a.def.name}`, { section: a.line, vars: {} })
  }
  return { config, lines: sources }

  function closeAlert(): void {
    if (!alert) return
    for (const key of ['pattern', 'comment'] as const) {
      if (alert[key] === '') {
        throw new TargetsConfigError(
          'missing_variable',
          `mandatory variable '${key}' not defined in alert '${alert.name}'`,
          alertLine,
        )
      }
    }
    alertsSeen.push({ def: alert, line: alertLine })
    alert = undefined
  }
}

function setTargetVar(node: TargetNode, key: string, value: string, line: number): void {
  if (TARGET_TEXT_VARS.has(key)) {
    if (key === 'alerts') node.alerts = splitList(value)
    else node[key as 'menu' | 'title' | 'remark' | 'host' | 'probe'] = value
    return
  }
  if ((PROBE_VARS as readonly string[]).includes(key)) {
    Object.assign(node, probeVar(key, value, line))
    return
  }
  if ((KEPT_VARS as readonly string[]).includes(key)) {
    node.extra = { ...node.extra, [key]: value }
    return
  }
  throw new TargetsConfigError('unknown_variable', `unknown variable '${key}'`, line)
}

function probeVar(key: string, value: string, line: number): Partial<TargetNode> {
  return NUMBER_VARS.has(key) ? { [key]: parseCount(key, value, line) } : { [key]: value }
}

function setAlertVar(alert: AlertDef, key: string, value: string, line: number): void {
  switch (key) {
    case 'type':
      if (value === 'matcher') {
        throw new TargetsConfigError(
          'bad_value',
          'matcher alerts (Avgratio, Medratio, ...) are not supported; use loss or rtt',
          line,
        )
      }
      if (value !== 'loss' && value !== 'rtt')
        throw new TargetsConfigError('bad_value', 'Use loss, rtt or matcher', line)
      alert.type = value
      return
    case 'pattern':
    case 'comment':
    case 'to':
      alert[key] = value
      return
    case 'edgetrigger':
      alert.edgetrigger = value === 'yes'
      return
    case 'priority':
      alert.priority = parseCount(key, value, line)
      return
    case 'mailtemplate':
      return // mail is not a channel here; webhooks carry the same facts
    default:
      throw new TargetsConfigError('unknown_variable', `unknown variable '${key}'`, line)
  }
}

function parseCount(key: string, value: string, line: number): number {
  if (!/^\d+$/.test(value) || Number(value) < 1) {
    throw new TargetsConfigError('bad_value', `${key} must be an integer >= 1`, line)
  }
  if (key === 'pings' && Number(value) < 3)
    throw new TargetsConfigError('bad_value', 'The pings value must be at least 3.', line)
  return Number(value)
}

function splitList(value: string): string[] {
  return value
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter((s) => s !== '')
}

/** `Test.James`: section names cannot hold a dot, so the dotted path is unambiguous. */
function pathOf(stack: readonly TargetNode[]): string {
  return stack
    .slice(1)
    .map((n) => n.name)
    .join('.')
}
