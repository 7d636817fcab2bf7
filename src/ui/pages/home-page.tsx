/** The landing page: what each tool does and where it is. */
export function HomePage() {
  const tiles = [
    [
      '/dns',
      'DNS',
      'DoH lookups with dig-style output, reverse lookups, IPv6 readiness of a domain.',
    ],
    ['/flows', 'Flows', 'Upload flow-tools exports: filter, print, report, timeline.'],
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
      <div class="tiles">
        {tiles.map(([href, title, text]) => (
          <section class="card">
            <h2>
              <a href={href}>{title}</a>
            </h2>
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

/** A tool whose page is not built yet: say so plainly and point to the API. */
export function NotYetPage(props: { what: string }) {
  return (
    <p>
      The {props.what} page is not available yet. See <a href="/docs">the API documentation</a> for
      what the Worker can already do.
    </p>
  )
}
