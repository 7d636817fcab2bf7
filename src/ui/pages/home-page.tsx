import type { CheckTreeNode } from '../../checks/check-tree'
import { CheckTree } from './checks-view'

/** The landing page: the checks' target tree, then what each tool does and where it is. */
export function HomePage(props: { checks: CheckTreeNode | null }) {
  const tiles = [
    [
      '/dns',
      'DNS',
      'DoH lookups with dig-style output, reverse lookups, IPv6 readiness of a domain.',
    ],
    ['/flows', 'Flows', 'Upload flow-tools exports: filter, print, report, timeline.'],
    [
      '/flows/archive',
      'Flow archive',
      "Keep routers' flow-capture files; query months of them: when did it start?",
    ],
    [
      '/generate',
      'Generators',
      'Paste-ready configs: tunnels, zones, SmokePing, ModSecurity, filters.',
    ],
    ['/probes', 'Probes', 'Does a site really block a spam Referer, in every letter case?'],
  ] as const
  return (
    <>
      <p>Network health and DNS tools for system administrators, running at the edge.</p>
      <h2>Checks</h2>
      <CheckTree tree={props.checks} />
      <h2>Tools</h2>
      <div class="tiles">
        {tiles.map(([href, title, text]) => (
          <section class="card">
            <h3>
              <a href={href}>{title}</a>
            </h3>
            <p>{text}</p>
          </section>
        ))}
      </div>
      <p class="muted">
        The API behind these pages is documented at <a href="/docs">/docs</a> (
        <a href="/openapi.json">OpenAPI</a>).
      </p>
    </>
  )
}
