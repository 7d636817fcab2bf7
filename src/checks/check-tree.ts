import type { ResolvedTarget } from './kinds/resolved-target'
import type { StoredConfig, StoredRound } from './records'
import type { TargetNode } from './targets-model'

export type TargetStatus = 'up' | 'degraded' | 'down' | 'unknown'

export type CheckTreeNode = {
  id: string
  name: string
  menu?: string
  title?: string
  remark?: string
  target?: {
    host: string
    probe: string
    kind: string
    pings: number
    step: number
    status: TargetStatus
    last: StoredRound | null
  }
  multihost?: string[]
  children?: CheckTreeNode[]
}

/** up = nothing lost, degraded = some loss, down = all lost, unknown = no round or unknown round. */
export function statusOf(round: StoredRound | undefined): TargetStatus {
  if (round?.status !== 'ok' || round.loss === undefined) return 'unknown'
  if (round.loss === 0) return 'up'
  return round.loss >= round.pings ? 'down' : 'degraded'
}

/** The targets tree with each target's last round, for `GET /checks`. */
export function buildCheckTree(
  stored: StoredConfig,
  last: Map<string, StoredRound>,
): CheckTreeNode {
  const byId = new Map<string, ResolvedTarget>(stored.resolved.map((t) => [t.id, t]))
  const multi = new Map(stored.multihost.map((m) => [m.id, m.hosts]))
  const walk = (node: TargetNode, path: string[]): CheckTreeNode => {
    const id = path.join('.')
    const out: CheckTreeNode = { id, name: node.name }
    if (node.menu !== undefined) out.menu = node.menu
    if (node.title !== undefined) out.title = node.title
    if (node.remark !== undefined) out.remark = node.remark
    const t = byId.get(id)
    if (t) {
      const round = last.get(id)
      out.target = {
        host: t.host,
        probe: t.probe,
        kind: t.kind,
        pings: t.pings,
        step: t.step,
        status: statusOf(round),
        last: round ?? null,
      }
    }
    const hosts = multi.get(id)
    if (hosts) out.multihost = hosts
    if (node.children?.length) out.children = node.children.map((c) => walk(c, [...path, c.name]))
    return out
  }
  return walk(stored.config.targets, [])
}
