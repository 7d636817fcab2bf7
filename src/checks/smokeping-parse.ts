import { type ConfigLine, logicalLines, spanNote } from './smokeping-lines'
import { TargetsConfigError, type TargetsErrorCode } from './targets-error'
import {
  type AlertDef,
  breaksLine,
  KEPT_VARS,
  MAX_COUNT,
  MAX_VALUE_CHARS,
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
/** Config::Grammar's `@define NAME value`, read before any substitution. */
const DEFINE = /^@define\s+(\S+)\s+(.*)$/
const DEFINE_NAME = /^[A-Za-z0-9_]+$/
const WORD_CHAR = /^[A-Za-z0-9_]$/
const TARGET_TEXT_VARS = new Set(['menu', 'title', 'remark', 'host', 'probe', 'alerts'])
/**
 * A logical line (continuations joined, defines put in) longer than this is refused before
 * any pattern reads it: it bounds the work of one line, and an @define cannot blow a 256 KiB
 * body up past the Worker's memory.
 */
const MAX_LINE_CHARS = 8192
/** @define lines in one text: each later line is checked against all of them. */
const MAX_DEFINES = 100
/** The whole text with @define values put in: no larger than a body PUT /targets takes. */
const MAX_EXPANDED_CHARS = 256 * 1024
/** `+` sections in all (groups, targets, probes, alerts): the tree is stored and shown whole. */
const MAX_SECTIONS = 2000
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
  // Text without a section header is the body of *** Targets ***: decided on the first line
  // that is not an @define.
  let section: string | undefined
  /*
   * Config::Grammar keeps a section's variables and sub-sections in one table, and refuses a
   * name set twice there: `variable already defined`, `section or variable already exists`.
   * scopes[0] holds the `***` sections, scopes[n] the names set in the section n levels down
   * (an inherited value is not the section's own, so it may be set once).
   */
  let scopes: Set<string>[] = [new Set()]
  const defines = new Map<string, string>()
  let stack: TargetNode[] = [config.targets]
  let probe: ProbeDef | undefined
  let probeParent: ProbeDef | undefined
  let alert: AlertDef | undefined
  let alertLine = 0
  let alertVarLines: Record<string, number> = {}
  const alertsSeen: { def: AlertDef; line: number; vars: Record<string, number> }[] = []

  let expandedChars = 0
  let sections = 0
  let current: ConfigLine = { text: '', line: 1 }
  for (const cl of lines) {
    current = cl
    try {
      readLine(cl)
    } catch (err) {
      // A continued line: Config::Grammar names its last line, we its first, so say both.
      if (!(err instanceof TargetsConfigError) || err.line !== cl.line || !cl.last) throw err
      const message = err.message.replace(/^line \d+: /, '')
      throw new TargetsConfigError(err.code, `${message}${spanNote(cl)}`, err.line, err.path)
    }
  }
  closeAlert()
  if (alertsSeen.length > 0) {
    config.alerts = { ...config.alerts, list: alertsSeen.map((a) => a.def) }
    for (const a of alertsSeen)
      sources.set(`alert:${a.def.name}`, { section: a.line, vars: a.vars })
  }
  return { config, lines: sources }

  function readLine(cl: ConfigLine): void {
    const { line } = cl
    if (cl.text.length > MAX_LINE_CHARS)
      fail('syntax', `the line is longer than ${MAX_LINE_CHARS} characters`)
    if (/^@include(\s|$)/.test(cl.text)) {
      fail(
        'syntax',
        "@include is not supported: uploaded text cannot include files from the server; put the included file's text in its place",
      )
    }
    const define = DEFINE.exec(cl.text)
    if (define) {
      const name = define[1] ?? ''
      if (!DEFINE_NAME.test(name)) {
        fail(
          'syntax',
          `@define ${name}: SmokePing matches a define's name as a Perl regular expression; only names of letters, digits and _ (which match only themselves) are supported`,
        )
      }
      if (!defines.has(name) && defines.size >= MAX_DEFINES)
        fail('syntax', `at most ${MAX_DEFINES} @define lines`)
      defines.set(name, define[2] ?? '')
      return
    }
    const t = expandDefines(cl.text, defines, fail)
    expandedChars += t.length
    if (expandedChars > MAX_EXPANDED_CHARS)
      fail(
        'syntax',
        `with @define values put in, the text is larger than ${MAX_EXPANDED_CHARS} characters`,
      )
    // `*** Name ***`, read without a regular expression: `^\*\*\*\s*(.*?)\s*\*\*\*$` took
    // seconds on a line of spaces (backtracking).
    const header = t.length >= 6 && t.startsWith('***') && t.endsWith('***')
    if (header) {
      const name = t.slice(3, -3).trim()
      if (!KNOWN_SECTIONS.has(name)) fail('syntax', `unknown section '${name}'`)
      enter(1, name)
      closeAlert()
      section = name
      return
    }
    if (section === undefined) {
      section = 'Targets'
      scopes = [new Set(['Targets']), new Set()]
    }
    if (!READ_SECTIONS.has(section)) {
      // Skipped, but Config::Grammar's table rules hold there too.
      const plus = /^(\++)\s*(.*)$/.exec(t)
      if (plus) enter((plus[1] ?? '').length + 1, plus[2] ?? '')
      const v = /^(\S+)\s*=\s*(.*)$/.exec(t)
      if (!plus && v) setOwn(v[1] ?? '')
      return
    }
    // `+ name` (one word after the plus signs); split, then trimmed, in linear time.
    const plusRun = /^\++/.exec(t)?.[0] ?? ''
    const subName = t.slice(plusRun.length).trim()
    const sub = plusRun !== '' && !/\s/.test(subName)
    if (sub) {
      const level = plusRun.length
      const name = subName
      if (!SECTION_NAME.test(name)) fail('bad_name', `unknown section '${name}'`)
      if (section === 'Targets') {
        if (level > stack.length) fail('nesting', 'section nesting error')
        stack = stack.slice(0, level)
        const parent = stack[level - 1] ?? config.targets
        if (parent.children?.some((c) => c.name === name)) {
          fail('bad_name', `section '${name}' appears twice (section or variable already exists)`)
        }
        const node: TargetNode = { name }
        parent.children ??= []
        parent.children.push(node)
        stack.push(node)
        sources.set(pathOf(stack), { section: line, vars: {} })
      } else if (section === 'Probes') {
        if (level > 2 || (level === 2 && !probeParent)) fail('nesting', 'section nesting error')
        const module = level === 1 ? name : (probeParent?.module ?? name)
        probe = { name, module, vars: level === 2 ? { ...probeParent?.vars } : {} }
        if (level === 1) probeParent = probe
        config.probes ??= []
        config.probes.push(probe)
      } else if (section === 'Alerts') {
        if (level !== 1) fail('nesting', 'section nesting error')
        closeAlert()
        alert = { name, type: 'loss', pattern: '', comment: '' }
        alertLine = line
      } else {
        fail('nesting', 'section nesting error')
      }
      enter(level + 1, name)
      return
    }
    const assign = /^([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(t)
    if (!assign) {
      // The Database table (`AVERAGE 0.5 1 1008`) belongs to RRD: nothing to keep.
      if (section === 'Database' && /^\S+\s+[\d.]+\s+\d+\s+\d+$/.test(t)) {
        if (!/^(AVERAGE|MIN|MAX)\s/.test(t))
          fail('syntax', 'column 1: Choose a valid consolidation function')
        return
      }
      fail('syntax', `expected 'variable = value', got '${t}'`)
    }
    const key = assign[1] ?? ''
    const value = (assign[2] ?? '').trim()
    // What the JSON form refuses too, so a stored tree always exports and reads back the same.
    if (value.length > MAX_VALUE_CHARS)
      fail('bad_value', `${key}: a value is at most ${MAX_VALUE_CHARS} characters`)
    if (breaksLine(value))
      fail('bad_value', `${key}: a value cannot hold control characters or line separators`)
    // `foo\\` followed by an empty line reads as `foo\`; exported, it would join the next line.
    if (value.endsWith('\\')) fail('bad_value', `${key}: a value cannot end with a backslash`)
    // Only a continued line can carry a # this far (SmokePing cuts comments on a line's first
    // part only); exported again, it would start a comment, so it is refused as in JSON.
    if (value.includes('#')) {
      fail(
        'bad_value',
        `${key}: a # inside a value (from a continued line) cannot be written back as SmokePing text, where it starts a comment`,
      )
    }
    setOwn(key)
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
        if (key === 'to') {
          config.alerts = { ...config.alerts, list: [], to: value }
          sources.set('alerts', { section: line, vars: { to: line } })
        } else if (key !== 'from')
          throw new TargetsConfigError('unknown_variable', `unknown variable '${key}'`, line)
        return
      }
      setAlertVar(alert, key, value, line)
      alertVarLines[key] = line
    }
  }

  function fail(code: TargetsErrorCode, message: string): never {
    throw new TargetsConfigError(code, message, current.line)
  }

  /** Config::Grammar's _goto_level: `***` is level 1, `+` level 2, and so on. */
  function enter(level: number, name: string): void {
    if (++sections > MAX_SECTIONS)
      throw new TargetsConfigError('too_many', `more than ${MAX_SECTIONS} sections`, current.line)
    if (level > scopes.length)
      throw new TargetsConfigError('nesting', 'section nesting error', current.line)
    scopes = scopes.slice(0, level)
    const names = scopes[level - 1] ?? new Set()
    if (names.has(name)) {
      throw new TargetsConfigError(
        'bad_name',
        `section '${name}' appears twice (section or variable already exists)`,
        current.line,
      )
    }
    names.add(name)
    scopes.push(new Set())
  }

  function setOwn(key: string): void {
    const names = scopes.at(-1)
    if (names?.has(key)) {
      throw new TargetsConfigError(
        'syntax',
        `variable '${key}' already defined in this section (SmokePing refuses a second value)`,
        current.line,
      )
    }
    names?.add(key)
  }

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
    alertsSeen.push({ def: alert, line: alertLine, vars: alertVarLines })
    alert = undefined
    alertVarLines = {}
  }
}

/**
 * Config::Grammar's `@define`: every later line (headers and section names included) has each
 * defined NAME replaced by its value, everywhere in the line (`s/NAME/value/g`). It loops over a
 * Perl hash, so with several defines their order is random, and `@define A B` with `@define B C`
 * makes `A` either `B` or `C` from one run to the next. Such lines are refused: with more than
 * one define, a name used on a line must stand alone (not inside a longer word, where another
 * define's value could complete or break it) and the value put in must hold no other define's
 * name. Then every order gives the same line.
 */
function expandDefines(
  text: string,
  defines: ReadonlyMap<string, string>,
  fail: (code: TargetsErrorCode, message: string) => never,
): string {
  const used = [...defines.keys()].filter((name) => text.includes(name))
  if (defines.size > 1) {
    const order =
      'SmokePing applies @define in a random order, so the line could read differently from run to run'
    for (const name of used) {
      for (let i = text.indexOf(name); i >= 0; i = text.indexOf(name, i + 1)) {
        if (WORD_CHAR.test(text[i - 1] ?? '') || WORD_CHAR.test(text[i + name.length] ?? '')) {
          fail(
            'syntax',
            `@define ${name} is used inside a longer word while other defines exist: ${order}`,
          )
        }
      }
      const value = defines.get(name) ?? ''
      const inner = [...defines.keys()].find((other) => other !== name && value.includes(other))
      if (inner !== undefined)
        fail('syntax', `the value of @define ${name} holds the define ${inner}: ${order}`)
    }
  }
  // The expanded length first: a short line full of a long define's name could otherwise
  // build a string larger than the Worker's memory.
  let length = text.length
  for (const name of used)
    length += (text.split(name).length - 1) * ((defines.get(name) ?? '').length - name.length)
  if (length > MAX_LINE_CHARS)
    fail(
      'syntax',
      `with its @define values put in, the line is longer than ${MAX_LINE_CHARS} characters`,
    )
  let out = text
  for (const name of used) out = out.split(name).join(defines.get(name) ?? '')
  return out
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
      // 0 is allowed: SmokePing reads it as no priority (it sets no mark).
      alert.priority = parseCount(key, value, line, 0)
      return
    case 'mailtemplate':
      return // mail is not a channel here; webhooks carry the same facts
    default:
      throw new TargetsConfigError('unknown_variable', `unknown variable '${key}'`, line)
  }
}

function parseCount(key: string, value: string, line: number, least = 1): number {
  if (!/^\d+$/.test(value) || Number(value) < least || Number(value) > MAX_COUNT) {
    throw new TargetsConfigError(
      'bad_value',
      `${key} must be an integer from ${least} to ${MAX_COUNT}`,
      line,
    )
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
