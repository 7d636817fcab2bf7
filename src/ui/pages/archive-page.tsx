import type { ArchivedFile } from '../../storage/flow-archive'
import { ErrorBox, LoginFirst } from '../layout'
import { iso } from './flow-views'

export type ArchivePageState = {
  authenticated: boolean
  csrf?: string | undefined
  /** Routers that have files, for the pickers. */
  routers: string[]
  /** Saved filter sets, for the query form. */
  filterSets: string[]
  /** Files up to this size go up in one request; larger ones as a multipart upload. */
  maxFileBytes: number
  /** The browse form's values (also the defaults of the delete and query forms). */
  router?: string | undefined
  from?: string | undefined
  to?: string | undefined
  listing?: { files: ArchivedFile[]; truncated: boolean } | undefined
  /** The query form's values, kept when it is shown again with an error. */
  query?: Record<string, string> | undefined
  error?: { title: string; detail?: string | undefined; form?: string } | undefined
  done?: string | undefined
}

/** How many listed files the page shows at most (the API pages through more). */
export const ARCHIVE_PAGE_FILES = 500

/**
 * The flow archive for people: upload flow-capture files, list a router's files by time, delete
 * a range, and start a query job. Every form needs the session: flow data is sensitive.
 */
export function ArchivePage(s: ArchivePageState) {
  if (!s.authenticated) {
    return (
      <LoginFirst
        reason="The flow archive holds your routers' flow files, so it needs the API token"
        next="/flows/archive"
      />
    )
  }
  const q = s.query ?? {}
  const error = (form: string) =>
    s.error && s.error.form === form ? (
      <ErrorBox title={s.error.title} detail={s.error.detail} />
    ) : null
  return (
    <>
      <p>
        Files kept in R2 by router and time, for questions over more files than one upload can carry
        (<a href="/flows">the flow analyzer</a> reads files you upload there and then). The same
        operations for scripts: <code>PUT /flows/archive/ROUTER/FILE</code>,{' '}
        <code>GET /flows/archive</code>, <code>POST /flows/archive/query</code> (README).
      </p>
      {s.done ? (
        <p role="status" class="card">
          {s.done}
        </p>
      ) : null}
      <datalist id="routers">
        {s.routers.map((r) => (
          <option value={r} />
        ))}
      </datalist>

      <form
        class="card"
        id="upload-form"
        aria-labelledby="upload-h"
        data-max-file={String(s.maxFileBytes)}
      >
        <h2 id="upload-h">Upload flow-tools files</h2>
        <p class="muted">
          Each file is sent on its own, streamed to storage; its time span comes from its header or
          its flow-capture name (ft-v05.2010-11-09.000000+0000). Files above{' '}
          {Math.round(s.maxFileBytes / 1048576)} MiB go up in parts (a failed part is sent again). A
          whole flow-capture tree from the router's host: <code>scripts/archive-upload.sh</code>.
        </p>
        <input type="hidden" id="upload-csrf" value={s.csrf ?? ''} />
        <div class="fields">
          <div class="field">
            <label for="upload-router">Router</label>
            <input
              id="upload-router"
              name="router"
              list="routers"
              value={s.router ?? ''}
              required
              pattern="[A-Za-z0-9][A-Za-z0-9._\-]{0,63}"
              size={16}
            />
          </div>
          <div class="field">
            <label for="upload-files">Files</label>
            <input id="upload-files" name="files" type="file" multiple required />
          </div>
          <button type="submit">Upload</button>
        </div>
        <ul id="upload-results" class="plain" aria-live="polite" />
      </form>

      <form class="card" method="get" action="/flows/archive" aria-labelledby="browse-h">
        <h2 id="browse-h">Stored files</h2>
        <TimeFields prefix="browse" router={s.router} from={s.from} to={s.to} />
        <button type="submit">List</button>
      </form>
      {error('browse')}
      {s.listing ? <Listing router={s.router ?? ''} listing={s.listing} /> : null}

      <form class="card" method="post" action="/ui/archive/query" aria-labelledby="query-h">
        <h2 id="query-h">Query the archive</h2>
        {error('query')}
        <input type="hidden" name="csrf" value={s.csrf ?? ''} />
        <div class="fields">
          <div class="field">
            <label for="query-routers">Routers (comma-separated)</label>
            <input
              id="query-routers"
              name="routers"
              list="routers"
              value={q.routers ?? s.router ?? ''}
              required
              size={20}
            />
          </div>
          <TimeInputs prefix="query" from={q.from ?? s.from} to={q.to ?? s.to} />
        </div>
        <div class="fields">
          <div class="field">
            <label for="query-expr">nfdump expression</label>
            <input
              id="query-expr"
              name="expr"
              value={q.expr ?? ''}
              placeholder="port 6667 or port 7000"
              size={36}
            />
          </div>
          <div class="field">
            <label for="query-def">flow-nfilter definitions, one per line</label>
            <textarea
              id="query-def"
              name="def"
              rows={2}
              cols={32}
              placeholder="ip-addr:ADDR=189.22.36.165"
            >
              {q.def ?? ''}
            </textarea>
          </div>
          <div class="field">
            <label for="query-filters">Saved filter set</label>
            <select id="query-filters" name="filters">
              <option value="">(none)</option>
              {s.filterSets.map((n) => (
                <option value={n} selected={q.filters === n}>
                  {n}
                </option>
              ))}
            </select>
          </div>
          <p>
            <a href="/flows/filters">Manage saved sets</a>
          </p>
        </div>
        <div class="fields">
          <Choice
            id="query-output"
            name="output"
            label="Answer"
            value={q.output ?? 'timeline'}
            options={[
              ['timeline', 'timeline (first and last seen)'],
              ['summary', 'summary per file'],
              ['top', 'top talkers (flow-stat)'],
              ['flows', 'the matching flows (CSV)'],
            ]}
          />
          <Choice
            id="query-bucket"
            name="bucket"
            label="Timeline step"
            value={q.bucket ?? 'day'}
            options={[
              ['day', 'per day'],
              ['hour', 'per hour'],
            ]}
          />
          <Choice
            id="query-sort"
            name="sort"
            label="Top by"
            value={q.sort ?? 'octets'}
            options={[
              ['octets', 'octets'],
              ['packets', 'packets'],
              ['flows', 'flows'],
            ]}
          />
          <div class="field">
            <label for="query-top">Top N</label>
            <input
              id="query-top"
              name="top"
              type="number"
              min={1}
              max={1000}
              value={q.top ?? '10'}
            />
          </div>
          <Choice
            id="query-format"
            name="format"
            label="Flows as"
            value={q.format ?? 'csv'}
            options={[
              ['csv', 'CSV (flow-export -f 2)'],
              ['ndjson', 'NDJSON'],
            ]}
          />
          <button type="submit">Start the query</button>
        </div>
      </form>

      <form class="card" method="post" action="/ui/archive/delete" aria-labelledby="delete-h">
        <h2 id="delete-h">Delete files</h2>
        {error('delete')}
        <p class="muted">
          Deletes the router's files that start within the range (at most 1,000 at a time); with
          From and To both empty, every file of the router.
        </p>
        <input type="hidden" name="csrf" value={s.csrf ?? ''} />
        <TimeFields prefix="delete" router={s.router} from={s.from} to={s.to} />
        <div class="fields">
          <label>
            <span>
              <input type="checkbox" name="confirm" value="yes" required /> Yes, delete them
            </span>
          </label>
          <button type="submit">Delete</button>
        </div>
      </form>
      <script dangerouslySetInnerHTML={{ __html: UPLOAD_SCRIPT }} />
    </>
  )
}

function TimeFields(props: {
  prefix: string
  router?: string | undefined
  from?: string | undefined
  to?: string | undefined
}) {
  return (
    <div class="fields">
      <div class="field">
        <label for={`${props.prefix}-router`}>Router</label>
        <input
          id={`${props.prefix}-router`}
          name="router"
          list="routers"
          value={props.router ?? ''}
          required
          size={16}
        />
      </div>
      <TimeInputs prefix={props.prefix} from={props.from} to={props.to} />
    </div>
  )
}

function TimeInputs(props: { prefix: string; from?: string | undefined; to?: string | undefined }) {
  return (
    <>
      <div class="field">
        <label for={`${props.prefix}-from`}>From (UTC, ISO 8601 or unix seconds)</label>
        <input
          id={`${props.prefix}-from`}
          name="from"
          value={props.from ?? ''}
          placeholder="2010-11-01T00:00:00Z"
          size={22}
        />
      </div>
      <div class="field">
        <label for={`${props.prefix}-to`}>To</label>
        <input
          id={`${props.prefix}-to`}
          name="to"
          value={props.to ?? ''}
          placeholder="2010-11-30T00:00:00Z"
          size={22}
        />
      </div>
    </>
  )
}

function Choice(props: {
  id: string
  name: string
  label: string
  value: string
  options: [string, string][]
}) {
  return (
    <div class="field">
      <label for={props.id}>{props.label}</label>
      <select id={props.id} name={props.name}>
        {props.options.map(([v, text]) => (
          <option value={v} selected={props.value === v}>
            {text}
          </option>
        ))}
      </select>
    </div>
  )
}

function Listing(props: {
  router: string
  listing: { files: ArchivedFile[]; truncated: boolean }
}) {
  const { files, truncated } = props.listing
  const flows = files.reduce((n, f) => n + (f.flows ?? 0), 0)
  const bytes = files.reduce((n, f) => n + f.size, 0)
  return (
    <section class="card" aria-label="Stored files">
      <p id="listing-summary">
        {files.length} file(s) of {props.router}, {flows} flows in the headers, {bytes} bytes
        {truncated ? `; only the first ${ARCHIVE_PAGE_FILES} are shown: narrow the range` : ''}.
      </p>
      {files.length > 0 ? (
        <section class="table-wrap" tabindex={0} aria-label="Stored files, scrollable">
          <table id="listing" class="nowrap">
            <thead>
              <tr>
                <th scope="col">File</th>
                <th scope="col">Start (UTC)</th>
                <th scope="col">End</th>
                <th scope="col">Flows</th>
                <th scope="col">Bytes</th>
                <th scope="col">Records</th>
              </tr>
            </thead>
            <tbody>
              {files.map((f) => (
                <tr>
                  <td class="data">{f.name}</td>
                  <td class="data">{iso(f.start)}</td>
                  <td class="data">
                    {iso(f.end)}
                    {f.endEstimated ? ' (open file: estimated)' : ''}
                  </td>
                  <td class="data">{f.flows ?? '?'}</td>
                  <td class="data">{f.size}</td>
                  <td class="data">
                    v{f.recordVersion}
                    {f.compressed ? ', zlib' : ''}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ) : null}
    </section>
  )
}

/**
 * Sends each chosen file to the archive API with the session's CSRF token (which the API takes
 * as the token): one PUT (the browser streams a File body with its length), or for a file above
 * the one-request limit a multipart upload of File slices, each part retried on its own. Each
 * outcome is shown with textContent only.
 */
const UPLOAD_SCRIPT = `(() => {
  const $ = (id) => document.getElementById(id)
  const form = $('upload-form')
  const csrf = () => $('upload-csrf').value
  async function send(url, init, tries) {
    for (let attempt = 1; ; attempt++) {
      let res
      try {
        res = await fetch(url, { ...init, headers: { accept: 'application/json', 'x-csrf-token': csrf(), ...init.headers } })
      } catch (err) {
        if (attempt >= tries) throw err
        continue
      }
      const body = await res.json().catch(() => undefined)
      if (res.ok && body !== undefined) return body
      // An answer whose body did not arrive whole (a reset connection) is tried again like a 5xx.
      if (res.ok ? attempt >= tries : res.status < 500 || attempt >= tries) {
        throw new Error(body ? (body.title || res.status) + (body.detail ? ': ' + body.detail : '') : res.status + ' with an unreadable answer')
      }
    }
  }
  const raw = { 'content-type': 'application/octet-stream' }
  async function upload(url, file, progress) {
    if (file.size <= Number(form.dataset.maxFile)) return send(url, { method: 'PUT', body: file, headers: raw }, 1)
    const started = await send(url + '?uploads', { method: 'POST', body: file.slice(0, 65536), headers: raw }, 3)
    const id = '?uploadId=' + encodeURIComponent(started.uploadId)
    try {
      const count = Math.ceil(file.size / started.partSize)
      const parts = []
      for (let n = 1; n <= count; n++) {
        progress('part ' + n + ' of ' + count)
        const part = file.slice((n - 1) * started.partSize, n * started.partSize)
        parts.push(await send(url + id + '&partNumber=' + n, { method: 'PUT', body: part, headers: raw }, 3))
      }
      progress('joining the parts')
      return await send(url + id, { method: 'POST', body: JSON.stringify({ parts }), headers: { 'content-type': 'application/json' } }, 3)
    } catch (err) {
      fetch(url + id, { method: 'DELETE', headers: { 'x-csrf-token': csrf() } }).catch(() => {})
      throw err
    }
  }
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault()
    const router = $('upload-router').value.trim()
    const out = $('upload-results')
    out.replaceChildren()
    const button = form.querySelector('button')
    button.disabled = true
    let stored = 0
    for (const file of $('upload-files').files) {
      const li = document.createElement('li')
      const progress = (what) => { li.textContent = file.name + ': ' + what + '...' }
      progress('sending ' + file.size + ' bytes')
      out.append(li)
      try {
        const url = '/flows/archive/' + encodeURIComponent(router) + '/' + encodeURIComponent(file.name)
        const body = await upload(url, file, progress)
        stored++
        const when = (t) => new Date(t * 1000).toISOString().replace('.000Z', 'Z')
        // flowsRead: the records read on the way in; what the user should know comes after.
        const flows = body.flowsRead === undefined ? body.flows : body.flowsRead
        const notes = (body.warnings || []).concat(body.unchecked ? [body.unchecked] : [])
        li.textContent = file.name + ': stored, ' + when(body.start) + ' .. ' + when(body.end) +
          (flows === undefined ? '' : ', ' + flows + ' flows') +
          (notes.length > 0 ? ' (' + notes.join('; ') + ')' : '')
        li.className = 'pass'
      } catch (err) {
        li.textContent = file.name + ': ' + String(err.message || err)
        li.className = 'fail'
      }
    }
    button.disabled = false
    if (stored > 0) {
      const li = document.createElement('li')
      const a = document.createElement('a')
      a.href = '/flows/archive?router=' + encodeURIComponent(router)
      a.textContent = 'List the files of ' + router
      li.append(a)
      out.append(li)
    }
  })
})()`
