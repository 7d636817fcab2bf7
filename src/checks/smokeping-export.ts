import {
  KEPT_VARS,
  PROBE_VARS,
  type ProbeDef,
  type TargetNode,
  type TargetsConfig,
} from './targets-model'

/**
 * Writes a config back as SmokePing text (Database step/pings, Probes, Alerts, Targets), so
 * `parseSmokepingText(exportSmokepingText(c))` gives `c` again. Values never hold a newline or a
 * trailing backslash (the JSON schema refuses them), so nothing can break out of its line.
 */
export function exportSmokepingText(config: TargetsConfig): string {
  const out: string[] = []
  if (config.database && (config.database.step || config.database.pings)) {
    out.push('*** Database ***', '')
    if (config.database.step) out.push(`step = ${config.database.step}`)
    if (config.database.pings) out.push(`pings = ${config.database.pings}`)
    out.push('')
  }
  if (config.probes?.length) {
    out.push('*** Probes ***', '')
    const write = (p: ProbeDef, level: string) => {
      out.push(`${level} ${p.name}`)
      for (const key of PROBE_VARS) {
        const v = p.vars[key]
        if (v !== undefined) out.push(`${key} = ${v}`)
      }
      out.push('')
    }
    // Each module's `+` entry, then its `++` sub-probes under it, whatever order the JSON
    // listed them in (a sub-probe written under another module would read back as that one).
    const modules = [...new Set(config.probes.map((p) => p.module))]
    for (const module of modules) {
      const top = config.probes.find((p) => p.name === module && p.module === module)
      write(top ?? { name: module, module, vars: {} }, '+')
      for (const p of config.probes)
        if (p.module === module && p !== top && p.name !== module) write(p, '++')
    }
  }
  if (config.alerts) {
    out.push('*** Alerts ***', '')
    if (config.alerts.to !== undefined) out.push(`to = ${config.alerts.to}`)
    for (const a of config.alerts.list) {
      out.push(
        '',
        `+ ${a.name}`,
        `type = ${a.type}`,
        `pattern = ${a.pattern}`,
        `comment = ${a.comment}`,
      )
      if (a.edgetrigger !== undefined) out.push(`edgetrigger = ${a.edgetrigger ? 'yes' : 'no'}`)
      if (a.priority !== undefined) out.push(`priority = ${a.priority}`)
      if (a.to !== undefined) out.push(`to = ${a.to}`)
    }
    out.push('')
  }
  out.push('*** Targets ***', '')
  writeNode(config.targets, 0, out)
  return `${out.join('\n').trimEnd()}\n`
}

function writeNode(node: TargetNode, level: number, out: string[]): void {
  if (level > 0) out.push(`${'+'.repeat(level)} ${node.name}`)
  for (const key of ['probe', 'menu', 'title', 'remark'] as const) {
    const v = node[key]
    if (v !== undefined) out.push(`${key} = ${v}`)
  }
  if (node.alerts !== undefined) out.push(`alerts = ${node.alerts.join(',')}`)
  for (const key of PROBE_VARS) {
    const v = node[key]
    if (v !== undefined) out.push(`${key} = ${v}`)
  }
  for (const key of KEPT_VARS) {
    const v = node.extra?.[key]
    if (v !== undefined) out.push(`${key} = ${v}`)
  }
  if (node.host !== undefined) out.push(`host = ${node.host}`)
  out.push('')
  for (const child of node.children ?? []) writeNode(child, level + 1, out)
}
