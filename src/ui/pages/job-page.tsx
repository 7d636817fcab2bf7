import { TOP_KEYS } from '../../flows/report/top-talkers'
import type { JobSpec, JobStatus } from '../../jobs/job'
import type { JobResult } from '../../jobs/result'
import { Badge, ErrorBox } from '../layout'
import { iso, n, Timeline, TOP_TITLES, TopTable, when } from './flow-views'

/** What the job page shows: the job's spec, its status, and the answer once done. */
export type JobPageState = {
  spec: JobSpec
  status: JobStatus
  result: JobResult | null
  csrf?: string | undefined
}

const STATE_VERDICT = { queued: 'info', running: 'warning', done: 'pass', failed: 'fail' } as const

/**
 * One archive query job for people: progress while it runs (the page reloads itself every
 * 2 s until done), then the answer: totals, failures, first and last seen, the timeline as a
 * chart, the top tables, and the matching flows as a download.
 */
export function JobPage(s: JobPageState) {
  const { spec, status: st, result: r } = s
  const asked = spec.asked
  const filter = [
    typeof asked.expr === 'string' ? `expr: ${asked.expr}` : '',
    Array.isArray(asked.def) ? `def: ${asked.def.join(' | ')}` : '',
    typeof asked.filters === 'string' ? `saved set: ${asked.filters}` : '',
    typeof asked.filterCfg === 'string' ? `filter.cfg (${asked.filterCfg})` : '',
  ].filter((x) => x !== '')
  return (
    <>
      <section class="card" aria-labelledby="job-h">
        <h2 id="job-h">
          <span class={STATE_VERDICT[st.state]}>
            <Badge verdict={st.state} />
          </span>{' '}
          {spec.output} of {spec.routers.join(', ')}
        </h2>
        <p>
          {iso(spec.from)} .. {iso(spec.to)} · filter: {filter.length ? filter.join('; ') : 'none'}
        </p>
        <p id="job-progress" role="status">
          <progress value={st.filesDone} max={Math.max(1, st.filesTotal)} aria-label="Files read">
            {st.filesDone}/{st.filesTotal}
          </progress>{' '}
          {n(st.filesDone)} of {n(st.filesTotal)} files ({st.filesFailed} failed),{' '}
          {n(st.flowsScanned)} flows read, {(st.elapsedMs / 1000).toFixed(1)} s
          {st.state === 'done' ? '' : ` · ${st.tasksDone} of ${st.tasks} tasks done`}
        </p>
        {st.state === 'failed' ? (
          <ErrorBox
            title="The job cannot finish"
            detail={`${st.error ?? ''}. Start it again; if it fails again, the archive's storage is in trouble.`}
          />
        ) : null}
        {st.state === 'done' || st.state === 'failed' ? null : (
          <>
            <p class="muted">
              This page reloads itself every 2 seconds until the answer is in (
              <a href={`/flows/jobs/${spec.id}`}>reload now</a>).
            </p>
            <script dangerouslySetInnerHTML={{ __html: RELOAD_SCRIPT }} />
          </>
        )}
        <p class="muted">
          For scripts: <code>curl -H 'Authorization: Bearer …' …/flows/jobs/{spec.id}</code> (JSON,
          or text with <code>Accept: text/plain</code>).
        </p>
      </section>
      {r ? <Answer spec={spec} r={r} /> : null}
      <form class="card" method="post" action={`/ui/jobs/${spec.id}/delete`} aria-label="Delete">
        <input type="hidden" name="csrf" value={s.csrf ?? ''} />
        <p>
          Jobs and their partial results expire with the bucket's lifecycle rule (README);{' '}
          <label style="display:inline">
            <input type="checkbox" name="confirm" value="yes" required /> yes, delete it
          </label>{' '}
          <button type="submit">Delete this job now</button>
        </p>
      </form>
    </>
  )
}

/**
 * Reloads the page every 2 s while the job runs, but not while someone is using the delete form
 * (a reload would drop the tick they just set).
 */
const RELOAD_SCRIPT = `(() => {
  const busy = () => {
    const f = document.querySelector('form[aria-label="Delete"]')
    return !!f && (f.contains(document.activeElement) || f.querySelector('input[name="confirm"]').checked)
  }
  const tick = () => (busy() ? setTimeout(tick, 2000) : location.reload())
  setTimeout(tick, 2000)
})()`

function Answer(props: { spec: JobSpec; r: JobResult }) {
  const { spec, r } = props
  const t = r.totals
  return (
    <>
      <section class="card" aria-label="Totals">
        <h2>Totals</h2>
        <dl id="job-totals" class="plain">
          <dt>Files</dt>
          <dd>
            {t.files} ({t.filesRead} read, {t.filesFailed} failed)
          </dd>
          <dt>Flows</dt>
          <dd>
            {n(t.flowsScanned)} read, {n(t.matched)} matched ({n(t.octets)} octets, {n(t.packets)}{' '}
            packets)
          </dd>
          <dt>Matching flows</dt>
          <dd>
            {when(t.firstFlowStart)} .. {when(t.lastFlowEnd)}
          </dd>
        </dl>
      </section>
      {r.failures.length > 0 ? (
        <section class="card" aria-label="Failed files">
          <h2 class="fail">Files not read</h2>
          <p>The totals leave these files out:</p>
          <section class="table-wrap" tabindex={0} aria-label="Table, scrollable">
            <table id="job-failures">
              <thead>
                <tr>
                  <th scope="col">File</th>
                  <th scope="col">Error</th>
                  <th scope="col">Attempts</th>
                </tr>
              </thead>
              <tbody>
                {r.failures.map((f) => (
                  <tr>
                    <td class="data">
                      {f.router}/{f.name}
                    </td>
                    <td>{f.error}</td>
                    <td>{f.attempts}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        </section>
      ) : null}
      {spec.output === 'timeline' ? (
        <Timeline timeline={r.timeline} range={{ from: spec.from, to: spec.to }} />
      ) : null}
      {spec.output === 'flows' && r.flows ? (
        <section class="card" aria-label="Matching flows">
          <h2>Matching flows</h2>
          <p>
            <a href={`/ui/jobs/${spec.id}/flows`} download={`flows-${spec.id}.${r.flows.format}`}>
              Download {n(t.matched)} flows ({r.flows.format === 'csv' ? 'CSV' : 'NDJSON'})
            </a>
          </p>
          {r.flows.cutFiles.length > 0 ? (
            <p class="warning">
              Cut at {n(r.flows.limitPerFile)} flows per file: {r.flows.cutFiles.join(', ')}.
            </p>
          ) : null}
        </section>
      ) : null}
      {spec.output === 'top' ? (
        <section class="card" aria-label="flow-stat summary">
          <h2>flow-stat summary</h2>
          <pre tabindex={0}>{r.stat.text}</pre>
        </section>
      ) : null}
      {spec.output === 'top' || spec.output === 'timeline' ? (
        <section class="card" aria-label="Top talkers">
          <h2>
            Top {spec.top} by {spec.sort}
          </h2>
          <div class="tiles">
            {(spec.output === 'top' ? TOP_KEYS : (['pair'] as const)).map((k) => (
              <TopTable
                title={TOP_TITLES[k]}
                rows={r.top[k]}
                bound={r.approximate[k]}
                prot={k === 'prot'}
              />
            ))}
          </div>
        </section>
      ) : null}
      <section class="card" aria-label="Files">
        <details open={spec.output === 'summary'}>
          <summary>Per file ({r.files.length})</summary>
          <section class="table-wrap" tabindex={0} aria-label="Table, scrollable">
            <table id="job-files">
              <thead>
                <tr>
                  <th scope="col">File</th>
                  <th scope="col">Flows</th>
                  <th scope="col">Matched</th>
                  <th scope="col">Octets</th>
                  <th scope="col">First .. last matching</th>
                </tr>
              </thead>
              <tbody>
                {r.files.map((f) => (
                  <tr>
                    <td class="data">
                      {f.router}/{f.name}
                    </td>
                    <td>{n(f.flows)}</td>
                    <td>{n(f.matched)}</td>
                    <td>{n(f.octets)}</td>
                    <td class="data">
                      {when(f.firstFlowStart)} .. {when(f.lastFlowEnd)}
                      {f.truncated ? ` (truncated at byte ${f.truncated.offset})` : ''}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        </details>
      </section>
    </>
  )
}
