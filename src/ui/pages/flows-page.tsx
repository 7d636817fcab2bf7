import { protocolName } from '../../flows/filter/symbol-names'
import { TOP_TITLES } from './flow-views'
/**
 * The flow analyzer for people. The upload is streamed by the browser straight to the API
 * (report, timeline and print in parallel, the same FormData each time), so the Worker never
 * buffers a file; the page's script only draws what the API answers, with textContent (never
 * innerHTML), so nothing in a flow file can inject markup.
 */
export function FlowsPage(props: { authenticated: boolean; csrf?: string | undefined }) {
  return (
    <>
      <p>
        Files analyzed here are read once and not kept. For weeks or months of a router's
        flow-capture files, keep them in <a href="/flows/archive">the flow archive</a> and query it
        there.
      </p>
      <form class="card" id="flows-form" aria-labelledby="flows-h">
        <h2 id="flows-h">Upload flow files</h2>
        <div class="fields">
          <div class="field">
            <label for="files">
              flow-tools files (several = flow-cat, in order) or flow-export CSV
            </label>
            <input id="files" name="files" type="file" multiple required />
          </div>
        </div>
        <div class="fields">
          <div class="field">
            <label for="expr">nfdump expression</label>
            <input
              id="expr"
              name="expr"
              placeholder="host 189.22.36.165 and not port 80"
              size={40}
            />
          </div>
          <div class="field">
            <label for="def">flow-nfilter definitions, one per line (NAME:VAR=value)</label>
            <textarea
              id="def"
              name="def"
              rows={2}
              cols={36}
              placeholder="ip-addr:ADDR=189.22.36.165"
            />
          </div>
          <div class="field">
            <label for="filters">
              Saved filter set (<a href="/flows/filters">manage</a>)
            </label>
            <input id="filters" name="filters" size={16} />
          </div>
          <div class="field">
            <label for="filtercfg">or a filter.cfg file</label>
            <input id="filtercfg" name="filtercfg" type="file" />
          </div>
          <div class="field">
            <label for="bucket">Timeline</label>
            <select id="bucket" name="bucket">
              <option value="hour">per hour</option>
              <option value="day">per day</option>
            </select>
          </div>
          <div class="field">
            <label for="print-format">Print format (flow-print -f)</label>
            <select id="print-format">
              <option value="">default for the records</option>
              {Array.from({ length: 25 }, (_, i) => (
                <option value={`f${i}`}>-f {i}</option>
              ))}
            </select>
          </div>
          <label>
            <span>
              <input id="print-names" type="checkbox" /> names (-n)
            </span>
          </label>
          <label>
            <span>
              <input id="print-wide" type="checkbox" /> wide (-w)
            </span>
          </label>
          {props.authenticated ? (
            <label>
              <span>
                <input id="save" type="checkbox" /> Save the report and timeline
              </span>
            </label>
          ) : null}
          <input type="hidden" id="flows-csrf" value={props.csrf ?? ''} />
          <button type="submit" id="flows-submit">
            Analyze
          </button>
        </div>
      </form>
      <p id="flows-busy" role="status" class="muted" />
      <div id="flows-error" class="error" role="alert" hidden />
      <div id="flows-results" hidden>
        <p id="flows-saved" role="status" hidden />
        <section class="card" aria-label="Summary">
          <h2>Summary</h2>
          <p id="flows-totals" />
          <section class="table-wrap" tabindex={0} aria-label="Summary, scrollable">
            <table id="flows-files">
              <thead>
                <tr>
                  <th scope="col">File</th>
                  <th scope="col">Version</th>
                  <th scope="col">Flows</th>
                  <th scope="col">Matched</th>
                  <th scope="col">First</th>
                  <th scope="col">Last</th>
                </tr>
              </thead>
              <tbody />
            </table>
          </section>
        </section>
        <section class="card" aria-label="Timeline">
          <h2>Timeline</h2>
          <p id="flows-seen" />
          <section
            id="flows-chart"
            class="table-wrap"
            tabindex={0}
            aria-label="Timeline chart, scrollable"
          />
        </section>
        <section class="card" aria-label="Top talkers">
          <h2>Top talkers (by octets)</h2>
          <div id="flows-top" class="tiles" />
        </section>
        <section class="card" aria-label="Flows">
          <h2>Flows</h2>
          <p>
            <button type="button" id="flows-prev">
              Previous
            </button>{' '}
            <span id="flows-page" role="status" />{' '}
            <button type="button" id="flows-next">
              Next
            </button>{' '}
            <button type="button" id="flows-csv">
              Download CSV
            </button>
          </p>
          <pre id="flows-print" tabindex={0} />
        </section>
      </div>
      <script dangerouslySetInnerHTML={{ __html: FLOWS_SCRIPT }} />
    </>
  )
}

/** Protocol numbers the tables name (flow-print's names), for the page's script. */
const PROTOCOL_NAMES = Object.fromEntries(
  Array.from({ length: 256 }, (_, i) => [i, protocolName(i)]).filter(([, name]) => name),
)

// The server-drawn pages' wording and number forms (flow-views.tsx), for the script's tables.
const FLOWS_SCRIPT = `(() => {
  const TITLES = ${JSON.stringify(TOP_TITLES)}
  const PROTO = ${JSON.stringify(PROTOCOL_NAMES)}
  const fmt = (x) => Number(x).toLocaleString('en-US')
  const when = (t) => t ? String(t).replace('T', ' ').replace(/\\.\\d+Z$/, ' UTC').replace(/Z$/, ' UTC') : '-'
  const $ = (id) => document.getElementById(id)
  const form = $('flows-form')
  const PAGE = 100
  let lines = []
  let page = 0
  function query(extra) {
    const q = new URLSearchParams(extra)
    const expr = $('expr').value.trim()
    if (expr) q.set('expr', expr)
    for (const d of $('def').value.split(/\\r?\\n/).map((s) => s.trim()).filter(Boolean)) q.append('def', d)
    const filters = $('filters').value.trim()
    if (filters) q.set('filters', filters)
    return q.toString()
  }
  function printOptions() {
    const o = {}
    if ($('print-format').value) o.output = $('print-format').value
    if ($('print-names').checked) o.names = '1'
    if ($('print-wide').checked) o.wide = '1'
    return o
  }
  function body() {
    const fd = new FormData()
    // The API reads a filter.cfg part placed before the flow files.
    const cfg = $('filtercfg').files[0]
    if (cfg) fd.append('filter.cfg', cfg, 'filter.cfg')
    for (const f of $('files').files) fd.append('f', f, f.name)
    return fd
  }
  async function call(path, extra, accept) {
    // The session's CSRF token makes the call count as logged in (saving needs it).
    const headers = { accept, 'x-csrf-token': $('flows-csrf').value }
    const res = await fetch(path + '?' + query(extra), { method: 'POST', body: body(), headers })
    if (!res.ok) {
      let detail = res.status + ' ' + res.statusText
      try { const p = await res.json(); detail = (p.title || '') + ': ' + (p.detail || '') } catch {}
      throw new Error(detail)
    }
    return accept === 'application/json' ? res.json() : res.text()
  }
  function cell(tr, text) { const td = document.createElement('td'); td.textContent = String(text); tr.append(td) }
  function showPage() {
    const pages = Math.max(1, Math.ceil(lines.length / PAGE))
    page = Math.min(Math.max(page, 0), pages - 1)
    $('flows-print').textContent = lines.slice(page * PAGE, (page + 1) * PAGE).join('\\n')
    $('flows-page').textContent = 'page ' + (page + 1) + ' of ' + pages + ' (' + fmt(lines.length) + ' lines)'
    $('flows-prev').disabled = page === 0
    $('flows-next').disabled = page >= pages - 1
  }
  function chart(buckets) {
    const box = $('flows-chart')
    box.textContent = ''
    if (buckets.length === 0) { box.textContent = 'No matching flows.'; return }
    const max = Math.max(...buckets.map((b) => b.flows))
    const w = 14, h = 160, ns = 'http://www.w3.org/2000/svg'
    const svg = document.createElementNS(ns, 'svg')
    // Wide enough for the two time labels (about 140 px each) however few the buckets.
    const width = Math.max(buckets.length * w + 40, 360)
    svg.setAttribute('width', String(width))
    svg.setAttribute('height', String(h + 20))
    svg.setAttribute('role', 'img')
    svg.setAttribute('aria-label', 'Matching flows per bucket, ' + buckets.length + ' buckets, peak ' + max)
    buckets.forEach((b, i) => {
      const bh = Math.max(1, Math.round((b.flows / max) * h))
      const r = document.createElementNS(ns, 'rect')
      r.setAttribute('x', String(40 + i * w)); r.setAttribute('y', String(h - bh))
      r.setAttribute('width', String(w - 2)); r.setAttribute('height', String(bh))
      r.setAttribute('fill', 'currentColor')
      const t = document.createElementNS(ns, 'title')
      t.textContent = b.start + ': ' + b.flows + ' flows, ' + b.octets + ' octets, ' + b.packets + ' packets'
      r.append(t)
      svg.append(r)
    })
    const text = (x, y, anchor, t) => {
      const el = document.createElementNS(ns, 'text')
      el.setAttribute('x', String(x)); el.setAttribute('y', String(y)); el.setAttribute('fill', 'currentColor')
      el.setAttribute('text-anchor', anchor); el.setAttribute('font-size', '11')
      el.textContent = t
      svg.append(el)
    }
    svg.setAttribute('height', String(h + 32))
    text(0, 12, 'start', fmt(max))
    // The first and last bucket's start under the bars: the chart's time axis.
    text(40, h + 14, 'start', when(buckets[0].start))
    if (buckets.length > 1) text(width, h + 28, 'end', when(buckets[buckets.length - 1].start))
    box.append(svg)
  }
  form.addEventListener('submit', async (e) => {
    e.preventDefault()
    $('flows-error').hidden = true
    // The last answer's results must not stand under this one's error as if they were its own.
    $('flows-results').hidden = true
    $('flows-submit').disabled = true
    $('flows-busy').textContent = 'Analyzing…'
    try {
      const save = $('save') && $('save').checked ? { save: '1' } : {}
      const [report, timeline, printed] = await Promise.all([
        call('/flows/report', { top: '10', ...save }, 'application/json'),
        call('/flows/timeline', { bucket: $('bucket').value, ...save }, 'application/json'),
        call('/flows/print', printOptions(), 'text/plain'),
      ])
      const t = report.totals
      $('flows-totals').textContent = fmt(t.files) + ' file(s), ' + fmt(t.flows) + ' flows, ' + fmt(t.matched) + ' matched, ' + fmt(t.octets) + ' octets, ' + fmt(t.packets) + ' packets'
      const tbody = $('flows-files').querySelector('tbody')
      tbody.textContent = ''
      for (const f of report.files) {
        const tr = document.createElement('tr')
        for (const v of [f.name, f.recordVersion, fmt(f.flows), fmt(f.matched), when(f.firstFlowStart), when(f.lastFlowEnd)]) cell(tr, v)
        tbody.append(tr)
      }
      const seen = (s) => s ? when(s.time) + ' ' + (s.srcaddr || '') + ':' + (s.srcport ?? '') + ' → ' + (s.dstaddr || '') + ':' + (s.dstport ?? '') : 'none'
      $('flows-seen').textContent = 'first seen ' + seen(timeline.firstSeen) + '; last seen ' + seen(timeline.lastSeen)
      chart(timeline.buckets)
      const top = $('flows-top')
      top.textContent = ''
      for (const [key, rows] of Object.entries(report.top)) {
        const title = TITLES[key] || key
        const wrap = document.createElement('section')
        wrap.className = 'table-wrap'; wrap.tabIndex = 0; wrap.setAttribute('aria-label', title + ', scrollable')
        const table = document.createElement('table')
        const cap = document.createElement('caption'); cap.textContent = title; table.append(cap)
        const head = document.createElement('tr')
        for (const h of ['Key', 'Flows', 'Octets', 'Packets']) { const th = document.createElement('th'); th.scope = 'col'; th.textContent = h; head.append(th) }
        table.append(head)
        for (const r of rows) {
          const name = key === 'prot' ? (PROTO[r.key] || r.key) : String(r.key).replace(' -> ', ' → ')
          const tr = document.createElement('tr')
          for (const v of [name, fmt(r.flows), fmt(r.octets), fmt(r.packets)]) cell(tr, v)
          table.append(tr)
        }
        wrap.append(table)
        top.append(wrap)
      }
      const saved = $('flows-saved')
      saved.replaceChildren()
      saved.hidden = !report.id
      if (report.id) {
        saved.append('Saved for 90 days: ')
        for (const [label, id] of [['the report', report.id], ['the timeline', timeline.id]]) {
          const a = document.createElement('a')
          a.href = '/flows/analyses/' + id
          a.textContent = label
          saved.append(a, ' ')
        }
      }
      lines = printed.replace(/\\n$/, '').split('\\n')
      page = 0
      showPage()
      $('flows-results').hidden = false
    } catch (err) {
      $('flows-error').textContent = String(err.message || err)
      $('flows-error').hidden = false
    } finally {
      $('flows-submit').disabled = false
      $('flows-busy').textContent = ''
    }
  })
  $('flows-prev').addEventListener('click', () => { page--; showPage() })
  $('flows-next').addEventListener('click', () => { page++; showPage() })
  $('flows-csv').addEventListener('click', async () => {
    try {
      const csv = await call('/flows/print', { output: 'csv' }, 'text/plain')
      const a = document.createElement('a')
      a.href = URL.createObjectURL(new Blob([csv], { type: 'text/csv' }))
      a.download = 'flows.csv'
      a.click()
    } catch (err) {
      $('flows-error').textContent = String(err.message || err)
      $('flows-error').hidden = false
    }
  })
})()`
