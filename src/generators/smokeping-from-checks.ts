import type { ResolvedTarget } from '../checks/kinds/resolved-target'
import {
  type TargetNode as CheckNode,
  shownMenuTitle,
  type TargetsConfig,
} from '../checks/targets-model'
import { type FieldIssue, GeneratorInputError } from './generator'
import type { ProbeName, TargetNode } from './smokeping-input'

/** The checks' probe kinds in SmokePing's words. */
const PROBE_OF_KIND: Record<string, ProbeName> = { tcp: 'TCPPing', http: 'Curl', dns: 'DNS' }

/**
 * The stored checks tree (PUT /targets) as the SmokePing generator's targets: the same
 * sections, titles and hosts, each leaf with the SmokePing probe that matches its kind. Multihost
 * graphs (`host = /a/b`) and kinds SmokePing does not have (referer) are left out. The generator's schema then
 * checks the result like any other input.
 */
export function smokepingTargetsFromChecks(
  config: TargetsConfig,
  resolved: readonly ResolvedTarget[],
): { title: string; menu: string; children: TargetNode[] } {
  const byId = new Map(resolved.map((t) => [t.id, t]))
  const walk = (node: CheckNode, path: string[]): TargetNode | null => {
    const id = path.join('.')
    const t = byId.get(id)
    const children = (node.children ?? [])
      .map((c) => walk(c, [...path, c.name]))
      .filter((c): c is TargetNode => c !== null)
    // What SmokePing shows for the stored node (an unset menu or title is its host, or unknown),
    // written out: the generated config then shows the same.
    const shown = shownMenuTitle(node)
    const out: TargetNode = { name: node.name, title: shown.title, menu: shown.menu }
    const probe = t ? PROBE_OF_KIND[t.kind] : undefined
    if (t && probe) {
      out.probe = probe
      out.host = t.host.replace(/^\[(.*)\]$/, '$1') // SmokePing takes a bare IPv6 address
      if (t.kind === 'tcp' && t.port !== undefined) out.port = t.port
      if (t.kind === 'dns' && t.lookup !== undefined) out.lookup = t.lookup
      if (t.kind === 'http' && t.url !== undefined) out.urlformat = urlTemplate(t.url, t.host)
    } else if (children.length === 0) {
      return null // a multihost graph, an edgeping-only kind (referer) or an empty group
    }
    if (children.length > 0) out.children = children
    return out
  }
  const root = config.targets
  return {
    title: root.title ?? 'Network latency',
    menu: root.menu ?? 'Top',
    children: (root.children ?? [])
      .map((c) => walk(c, [c.name]))
      .filter((c): c is TargetNode => c !== null),
  }
}

/**
 * The stored Curl URL (with the host filled in) as a urlformat again: the host right after the
 * scheme becomes `%host%` (inside brackets for IPv6); any other URL names its own host and stays.
 */
function urlTemplate(url: string, host: string): string {
  const bare = host.replace(/^\[(.*)\]$/, '$1')
  const inUrl = bare.includes(':') ? `[${bare}]` : bare
  const scheme = /^https?:\/\//i.exec(url)?.[0] ?? ''
  const rest = url.slice(scheme.length)
  if (!scheme || !rest.startsWith(inUrl) || !/^(?:[:/?#]|$)/.test(rest.slice(inUrl.length)))
    return url
  return `${scheme}${inUrl.replace(bare, '%host%')}${rest.slice(inUrl.length)}`
}

/**
 * Rewords the generator's issues about targets that came from the stored tree: the caller never
 * sent those fields, so each names the stored target (`stored-targets.lan.web.title`) and says
 * that PUT /targets accepted a value the SmokePing config cannot hold.
 */
export function storedTargetsError(
  err: GeneratorInputError,
  targets: { children: TargetNode[] },
): GeneratorInputError {
  const issues = err.issues.map((i): FieldIssue => {
    if (i.path !== 'targets' && !i.path.startsWith('targets.')) return i
    const steps = i.path.split('.').slice(1)
    const names: string[] = []
    let nodes: TargetNode[] | undefined = targets.children
    while (steps[0] === 'children' && nodes && steps[1] !== undefined) {
      const node: TargetNode | undefined = nodes[Number(steps[1])]
      if (!node) break
      names.push(node.name)
      nodes = node.children
      steps.splice(0, 2)
    }
    const where = names.length > 0 ? `target ${names.join('.')}` : 'the targets root'
    return {
      path: ['stored-targets', ...names, ...steps].join('.'),
      message: `the stored tree (PUT /targets) has a value the SmokePing generator cannot write (${where}${steps.length > 0 ? `, ${steps.join('.')}` : ''}): ${i.message}`,
    }
  })
  return new GeneratorInputError(err.kind, issues)
}
