import type { CheckTreeNode } from '../../checks/check-tree'
import { Badge } from '../layout'

const STATUS_VERDICT: Record<string, string> = {
  up: 'pass',
  degraded: 'warning',
  down: 'fail',
  unknown: 'info',
}

/** SmokePing's navigation: the target tree as a menu, each host with its last round. */
export function CheckTree(props: { tree: CheckTreeNode | null }) {
  if (!props.tree) {
    return (
      <p class="muted">
        No targets yet: write them in the <a href="/targets">targets editor</a>, or{' '}
        <code>PUT /targets</code> with a SmokePing Targets section or JSON (see{' '}
        <a href="/docs">the API</a>).
      </p>
    )
  }
  return (
    <nav aria-label="Targets" class="card">
      <ul>
        {(props.tree.children ?? []).map((n) => (
          <TreeNode node={n} />
        ))}
      </ul>
    </nav>
  )
}

function TreeNode(props: { node: CheckTreeNode }) {
  const n = props.node
  const t = n.target
  const label = n.menu ?? n.title ?? n.name
  return (
    <li>
      {t ? (
        <>
          <a href={`/target/${n.id}`}>{label}</a>{' '}
          <span class={STATUS_VERDICT[t.status] ?? 'info'}>
            <Badge verdict={t.status} />
          </span>{' '}
          <span class="muted">
            {t.probe} {t.host}
            {t.last && t.last.median !== null && t.last.median !== undefined
              ? ` · median ${t.last.median.toFixed(1)} ms, loss ${t.last.loss ?? '?'}/${t.pings}`
              : ''}
            {/* Why a round is unknown (a referer check's clean request already blocked, a
                deadline): the badge alone would not say. */}
            {t.last?.reason ? ` · ${t.last.reason}` : ''}
          </span>
        </>
      ) : (
        <strong>{label}</strong>
      )}
      {n.children && n.children.length > 0 ? (
        <ul>
          {n.children.map((c) => (
            <TreeNode node={c} />
          ))}
        </ul>
      ) : null}
    </li>
  )
}

export const RANGES = ['3h', '30h', '10d', '400d'] as const

/** One target: its smoke graphs for every range, or one range large ("zoom"). */
export function TargetPage(props: { node: CheckTreeNode; zoom: string | undefined }) {
  const n = props.node
  const graph = (range: string, width: string) => (
    <figure>
      {/* The graph is the link to its zoomed page, as SmokePing's graphs are. */}
      <a href={`/target/${n.id}?range=${range}`}>
        <img
          src={`/checks/${n.id}/graph.svg?range=${range}`}
          alt={`Smoke graph of ${n.title ?? n.name}, last ${range}: median RTT coloured by loss, grey bands from the sorted samples`}
          style={`width:${width};max-width:100%;height:auto`}
        />
      </a>
      <figcaption>
        <a href={`/target/${n.id}?range=${range}`}>last {range}</a> ·{' '}
        <a
          href={`/checks/${n.id}/rounds?resolution=${range === '3h' || range === '30h' ? 'raw' : range === '10d' ? 'hour' : 'day'}&format=csv`}
        >
          CSV
        </a>
      </figcaption>
    </figure>
  )
  return (
    <>
      {n.remark ? <p>{n.remark}</p> : null}
      <p class="muted">
        {n.target
          ? `${n.target.probe} ${n.target.host}, ${n.target.pings} pings every ${n.target.step} s`
          : ''}{' '}
        ·{' '}
        {RANGES.map((r) => (
          <>
            <a
              href={`/target/${n.id}?range=${r}`}
              aria-current={props.zoom === r ? 'page' : undefined}
            >
              {r}
            </a>{' '}
          </>
        ))}
        <a href={`/target/${n.id}`}>all</a>
      </p>
      {props.zoom ? (
        graph(props.zoom, '100%')
      ) : (
        <div class="tiles">{RANGES.map((r) => graph(r, '100%'))}</div>
      )}
    </>
  )
}

export function findNode(tree: CheckTreeNode | null, id: string): CheckTreeNode | null {
  if (!tree) return null
  if (tree.id === id && tree.target) return tree
  for (const c of tree.children ?? []) {
    const hit = findNode(c, id)
    if (hit) return hit
  }
  return null
}
