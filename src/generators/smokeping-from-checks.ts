import type { ResolvedTarget } from '../checks/kinds/resolved-target'
import type { TargetNode as CheckNode, TargetsConfig } from '../checks/targets-model'
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
    const out: TargetNode = { name: node.name, title: node.title ?? node.menu ?? node.name }
    if (node.menu !== undefined) out.menu = node.menu
    const probe = t ? PROBE_OF_KIND[t.kind] : undefined
    if (t && probe) {
      out.probe = probe
      out.host = t.host
      if (t.kind === 'tcp' && t.port !== undefined) out.port = t.port
      if (t.kind === 'dns' && t.lookup !== undefined) out.lookup = t.lookup
      if (t.kind === 'http' && t.url !== undefined) out.urlformat = t.url.replace(t.host, '%host%')
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
