import { formatData, formatDig } from '../../dns/dig-format'
import type { ReadinessReport } from '../../dns/ipv6-readiness'
import { RESOLVER_PRESETS } from '../../dns/resolvers'
import type { LookupOutcome } from '../../routes/dns-service'
import { Badge, ErrorBox } from '../layout'

export type DnsPageState = {
  name?: string | undefined
  type?: string | undefined
  resolver?: string | undefined
  domain?: string | undefined
  ports?: string | undefined
  lookup?: LookupOutcome | undefined
  readiness?: ReadinessReport | undefined
  error?: { title: string; detail?: string | undefined } | undefined
  authenticated: boolean
}

const RESOLVERS = ['', ...Object.keys(RESOLVER_PRESETS)]

/** The DNS tools for people: a lookup form with its records, and the IPv6 readiness report. */
export function DnsPage(s: DnsPageState) {
  return (
    <>
      {s.error ? <ErrorBox title={s.error.title} detail={s.error.detail} /> : null}
      <form class="card" method="get" action="/dns" aria-labelledby="lookup-h">
        <h2 id="lookup-h">Lookup</h2>
        <div class="fields">
          <label>
            Name or IP address
            <input
              name="name"
              value={s.name ?? ''}
              placeholder="www.example.com"
              required
              autocomplete="off"
            />
          </label>
          <label>
            Types
            <input name="type" value={s.type ?? 'A,AAAA'} size={18} />
          </label>
          <label>
            Resolver
            <select name="resolver">
              {RESOLVERS.map((r) => (
                <option value={r} selected={(s.resolver ?? '') === r}>
                  {r === '' ? 'default' : r}
                </option>
              ))}
              {/* A custom DoH URL (from the address bar) stays chosen, or a resubmit would
                  silently switch to the default resolver. */}
              {s.resolver && !RESOLVERS.includes(s.resolver) ? (
                <option value={s.resolver} selected>
                  {s.resolver}
                </option>
              ) : null}
            </select>
          </label>
          <button type="submit">Look up</button>
        </div>
      </form>
      {s.lookup ? <LookupResults outcome={s.lookup} /> : null}

      <form class="card" method="get" action="/dns" aria-labelledby="ready-h">
        <h2 id="ready-h">IPv6 readiness</h2>
        <div class="fields">
          <label>
            Domain
            <input
              name="domain"
              value={s.domain ?? ''}
              placeholder="example.com"
              required
              autocomplete="off"
            />
          </label>
          <label>
            Web ports
            <input name="ports" value={s.ports ?? '80,443'} size={10} />
          </label>
          <button type="submit">Check</button>
        </div>
        {s.authenticated ? null : (
          <p class="muted">The TCP reachability check opens connections: log in to run it.</p>
        )}
      </form>
      {s.readiness ? <ReadinessResults report={s.readiness} /> : null}
    </>
  )
}

function LookupResults(props: { outcome: LookupOutcome }) {
  const o = props.outcome
  return (
    <section class="card" aria-label="Lookup results">
      <p>
        <strong>{o.name}</strong> via <code>{o.resolver.url}</code> in {o.elapsedMs} ms (cache:{' '}
        {o.cache})
      </p>
      {o.results.map((r) => (
        <div>
          <h2>
            {r.question.type} <span class="muted">{r.rcode}</span>
          </h2>
          <p class="muted">
            flags:{' '}
            {Object.entries(r.flags)
              .filter(([, on]) => on)
              .map(([f]) => f)
              .join(' ') || 'none'}
            {r.cnameChain.length > 0 ? ` · CNAME chain: ${r.cnameChain.join(' → ')}` : ''}
          </p>
          {r.answer.length + r.authority.length > 0 ? (
            <section class="table-wrap" tabindex={0} aria-label="Records, scrollable">
              <table>
                <thead>
                  <tr>
                    <th scope="col">Section</th>
                    <th scope="col">Name</th>
                    <th scope="col">TTL</th>
                    <th scope="col">Type</th>
                    <th scope="col">Data</th>
                  </tr>
                </thead>
                <tbody>
                  {[
                    ...r.answer.map((x) => ['answer', x] as const),
                    ...r.authority.map((x) => ['authority', x] as const),
                  ].map(([section, rec]) => (
                    <tr>
                      <td>{section}</td>
                      <td class="data">{rec.name}</td>
                      <td>{rec.ttl}</td>
                      <td>{rec.type}</td>
                      <td class="data">{formatData(rec.data)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </section>
          ) : (
            <p>No records.</p>
          )}
          <details>
            <summary>dig output</summary>
            <pre tabindex={0}>{formatDig(r, o.resolver.url)}</pre>
          </details>
        </div>
      ))}
    </section>
  )
}

function ReadinessResults(props: { report: ReadinessReport }) {
  const r = props.report
  return (
    <section class="card" aria-label="IPv6 readiness report">
      <p>
        <span class="score">{r.score}/100</span> <Badge verdict={r.verdict} /> for{' '}
        <strong>{r.domain}</strong>
      </p>
      <section class="table-wrap" tabindex={0} aria-label="Readiness checks, scrollable">
        <table class="stack">
          <thead>
            <tr>
              <th scope="col">Check</th>
              <th scope="col">Verdict</th>
              <th scope="col">What we saw</th>
            </tr>
          </thead>
          <tbody>
            {r.checks.map((c) => (
              <tr data-check={c.id}>
                <td data-label="Check">{c.title}</td>
                <td data-label="Verdict">
                  <Badge verdict={c.verdict} />
                </td>
                <td data-label="What we saw">
                  <div>{c.summary}</div>
                  {c.evidence.length > 0 ? (
                    <ul class="plain muted">
                      {c.evidence.map((e) => (
                        <li>
                          <code>{e}</code>
                        </li>
                      ))}
                    </ul>
                  ) : null}
                  {c.fix ? (
                    <div>
                      Fix:
                      <pre tabindex={0}>{c.fix.join('\n')}</pre>
                    </div>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </section>
  )
}
