import type { FileSummary } from '../../flows/flow-summary'
import type { TimelineResult } from '../../flows/report/timeline'
import { TOP_KEYS, type TopKey, type TopRow } from '../../flows/report/top-talkers'
import type { SavedAnalysis } from '../../kv/analyses'
import { Timeline, TOP_TITLES, TopTable } from './flow-views'

type Report = {
  stat: { text: string }
  sort: string
  top: Record<TopKey, TopRow[]>
  approximate: Record<string, number>
  files: FileSummary[]
}

/** A saved flow analysis (report, timeline or summary) as it was answered, for people. */
export function AnalysisPage(props: { saved: SavedAnalysis }) {
  const { saved } = props
  const q = saved.query
  const filter = [
    typeof q.expr === 'string' ? `expr: ${q.expr}` : '',
    Array.isArray(q.def) ? `def: ${q.def.join(' | ')}` : '',
    typeof q.filters === 'string' ? `saved set: ${q.filters}` : '',
  ].filter((x) => x !== '')
  const result = saved.result as Partial<Report & TimelineResult & { files: FileSummary[] }>
  // A report saved with tables= holds only the tables it counted: the others are not empty, absent.
  const counted = TOP_KEYS.filter((k) => result.top !== undefined && k in result.top)
  return (
    <>
      <section class="card" aria-label="What was asked">
        <p>
          A saved {saved.kind}, made {saved.createdAt.replace('T', ' ').replace(/\.\d+Z$/, ' UTC')}{' '}
          (kept 90 days) · filter: {filter.length ? filter.join('; ') : 'none'}
        </p>
        <p class="muted">
          For scripts: <code>curl -H 'Authorization: Bearer …' …/flows/analyses/{saved.id}</code>
        </p>
      </section>
      {saved.kind === 'timeline' ? <Timeline timeline={result as TimelineResult} /> : null}
      {saved.kind === 'report' ? (
        <>
          <section class="card" aria-label="flow-stat summary">
            <h2>flow-stat summary</h2>
            <pre tabindex={0}>{result.stat?.text ?? ''}</pre>
          </section>
          {counted.length > 0 ? (
            <section class="card" aria-label="Top talkers">
              <h2>Top by {result.sort ?? 'octets'}</h2>
              <div class="tiles">
                {counted.map((k) => (
                  <TopTable
                    title={TOP_TITLES[k]}
                    rows={result.top?.[k] ?? []}
                    bound={result.approximate?.[k]}
                    prot={k === 'prot'}
                  />
                ))}
              </div>
            </section>
          ) : null}
        </>
      ) : null}
      <section class="card" aria-label="Files">
        <h2>Files</h2>
        <section class="table-wrap" tabindex={0} aria-label="Files, scrollable">
          <table id="analysis-files">
            <thead>
              <tr>
                <th scope="col">File</th>
                <th scope="col">Records</th>
                <th scope="col">Flows</th>
                <th scope="col">Matched</th>
                <th scope="col">First .. last matching</th>
              </tr>
            </thead>
            <tbody>
              {(result.files ?? []).map((f) => (
                <tr>
                  <td class="data">{f.name}</td>
                  <td>
                    {f.format} v{f.recordVersion}
                  </td>
                  <td>{f.flows}</td>
                  <td>{f.matched}</td>
                  <td class="data">
                    {f.firstFlowStart ?? '-'} .. {f.lastFlowEnd ?? '-'}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      </section>
    </>
  )
}
