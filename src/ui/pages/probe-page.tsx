import type { RefererProbeReport } from '../../probes/run-referer-probe'
import { Badge, ErrorBox } from '../layout'

export type ProbePageState = {
  url?: string
  referers?: string
  header?: string
  encodings?: boolean
  report?: RefererProbeReport
  error?: { title: string; detail?: string | undefined }
  authenticated: boolean
  csrf?: string | undefined
}

const VERDICT_CLASS: Record<string, string> = {
  'blocked-in-every-case': 'pass',
  'case-sensitive-gap': 'fail',
  'encoding-gap': 'fail',
  partial: 'warning',
  'not-blocked': 'info',
}

/** The referer-block probe for people: a form, then the verdict per value and the fix. */
export function ProbePage(s: ProbePageState) {
  if (!s.authenticated) {
    return (
      <p>
        The probe sends requests to the site you name, so it needs the API token:{' '}
        <a href="/login?next=%2Fprobes">log in</a> first.
      </p>
    )
  }
  return (
    <>
      {s.error ? <ErrorBox title={s.error.title} detail={s.error.detail} /> : null}
      <form class="card" method="post" action="/probes">
        <input type="hidden" name="csrf" value={s.csrf ?? ''} />
        <div class="fields">
          <label>
            Site URL
            <input
              name="url"
              value={s.url ?? ''}
              placeholder="https://www.example.com/"
              required
              size={40}
            />
          </label>
          <label>
            Header
            <input name="header" value={s.header ?? 'Referer'} size={12} />
          </label>
        </div>
        <div class="fields">
          <label>
            Values to test, one per line
            <textarea name="referers" rows={4} cols={50} required>
              {s.referers ?? ''}
            </textarea>
          </label>
          <label>
            Percent-encoded letters too
            <select name="encodings">
              <option value="false">no</option>
              <option value="true" selected={s.encodings === true}>
                yes
              </option>
            </select>
          </label>
          <button type="submit">Probe</button>
        </div>
      </form>
      {s.report ? <ProbeReport report={s.report} /> : null}
    </>
  )
}

function ProbeReport(props: { report: RefererProbeReport }) {
  const r = props.report
  return (
    <section class="card" aria-label="Probe report">
      <p>
        {r.method} <code>{r.url}</code>, header <code>{r.header}</code>, seed {r.seed}:{' '}
        {r.baseline.note}
      </p>
      <section class="table-wrap" tabindex={0} aria-label="Probe results, scrollable">
        <table class="stack">
          <thead>
            <tr>
              <th scope="col">Value</th>
              <th scope="col">Verdict</th>
              <th scope="col">Blocked</th>
              <th scope="col">Allowed</th>
            </tr>
          </thead>
          <tbody>
            {r.results.map((x) => (
              <tr data-referer={x.referer}>
                <td class="data" data-label="Value">
                  {x.referer}
                </td>
                <td data-label="Verdict">
                  <span class={VERDICT_CLASS[x.verdict] ?? 'info'}>
                    <Badge verdict={x.verdict} />
                  </span>
                  <div>{x.summary}</div>
                </td>
                <td class="data" data-label="Blocked">
                  {x.blocked
                    .map((b) => `${b.value ?? ''} (${b.status ?? b.error ?? '?'})`)
                    .join(', ')}
                </td>
                <td class="data" data-label="Allowed">
                  {x.allowed
                    .map((b) => `${b.value ?? ''} (${b.status ?? b.error ?? '?'})`)
                    .join(', ')}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      {r.fixRules ? (
        <>
          <h2>Fix</h2>
          <pre tabindex={0}>{r.fixRules}</pre>
        </>
      ) : !r.baseline.usable ? (
        // Nothing was judged: "no gaps" would read as a clean bill of health.
        <ErrorBox
          title="Nothing could be judged"
          detail={`the request without the header gave no usable answer: ${r.baseline.note}`}
        />
      ) : r.results.some((x) => x.verdict === 'inconclusive') ? (
        <p>No gap found, but some values were inconclusive (above): nothing is proven.</p>
      ) : (
        <p>No gaps: nothing to fix.</p>
      )}
    </section>
  )
}
