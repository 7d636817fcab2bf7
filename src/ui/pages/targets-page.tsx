import { ErrorBox } from '../layout'

const EXAMPLE = `*** Targets ***
probe = TCPPing
menu = Top
title = Network latency

+ local
menu = Local
title = Local services

++ web
probe = Curl
title = Web server
host = www.example.com
urlformat = https://%host%/
`

/** The checks' targets tree as SmokePing text, editable once logged in. */
export function TargetsPage(props: {
  text: string | null
  authenticated: boolean
  csrf?: string | undefined
  error?: { title: string; detail?: string | undefined; line?: number | undefined } | undefined
  saved?: string | undefined
}) {
  return (
    <>
      {props.error ? (
        <ErrorBox
          title={props.error.title}
          detail={`${props.error.line !== undefined && !/^line \d/.test(props.error.detail ?? '') ? `line ${props.error.line}: ` : ''}${props.error.detail ?? ''}`}
        />
      ) : null}
      {props.saved ? (
        <p role="status" class="card">
          {props.saved}
        </p>
      ) : null}
      <p>
        SmokePing's <code>*** Targets ***</code> section (and optionally Database, Probes and
        Alerts): <code>+</code> groups, <code>++</code> hosts, probes TCPPing, Curl and DNS. ICMP
        (FPing) cannot run in a Worker.
      </p>
      <form class="card" method="post" action="/targets">
        <input type="hidden" name="csrf" value={props.csrf ?? ''} />
        <div class="field">
          <label for="targets-text">Targets</label>
          <textarea
            id="targets-text"
            name="text"
            rows={22}
            cols={80}
            readonly={!props.authenticated}
          >
            {props.text ?? EXAMPLE}
          </textarea>
        </div>
        {props.authenticated ? (
          <button type="submit">Save</button>
        ) : (
          <p class="muted">
            <a href="/login?next=%2Ftargets">Log in</a> to change the targets.
          </p>
        )}
      </form>
      {props.authenticated ? <RunNow csrf={props.csrf} /> : null}
    </>
  )
}

/**
 * One round now against a target that need not be in the tree (the API's POST /checks/run,
 * called with the session): to try a host before adding it, or to look again right now.
 */
function RunNow(props: { csrf?: string | undefined }) {
  return (
    <form class="card" id="run-form" aria-labelledby="run-h">
      <h2 id="run-h">Run one round now</h2>
      <input type="hidden" id="run-csrf" value={props.csrf ?? ''} />
      <div class="fields">
        <div class="field">
          <label for="run-probe">Probe</label>
          <select id="run-probe">
            <option value="tcp">TCPPing</option>
            <option value="http">Curl (HTTP)</option>
            <option value="dns">DNS (DoH)</option>
            <option value="referer">Referer block</option>
          </select>
        </div>
        <div class="field">
          <label for="run-host">Host (for DNS: the resolver)</label>
          <input id="run-host" required size={24} placeholder="192.0.2.10" />
        </div>
        <div class="field">
          <label for="run-port">Port</label>
          <input id="run-port" type="number" min={1} max={65535} size={6} />
        </div>
        <div class="field">
          <label for="run-pings">Pings</label>
          <input id="run-pings" type="number" min={3} max={20} value="5" size={4} />
        </div>
      </div>
      <div class="fields">
        <div class="field">
          <label for="run-urlformat">URL format (Curl, referer)</label>
          <input id="run-urlformat" size={28} placeholder="https://%host%/health" />
        </div>
        <div class="field">
          <label for="run-lookup">Name to look up (DNS)</label>
          <input id="run-lookup" size={20} placeholder="example.com" />
        </div>
        <div class="field">
          <label for="run-referer">Blocked Referer (referer)</label>
          <input id="run-referer" size={20} placeholder="http://spam.example/" />
        </div>
        <button type="submit">Run</button>
      </div>
      <div id="run-error" class="error" role="alert" hidden />
      <p id="run-result" role="status" />
      <pre id="run-samples" hidden />
      <script dangerouslySetInnerHTML={{ __html: RUN_SCRIPT }} />
    </form>
  )
}

const RUN_SCRIPT = `(() => {
  const $ = (id) => document.getElementById(id)
  $('run-form').addEventListener('submit', async (ev) => {
    ev.preventDefault()
    $('run-error').hidden = true
    $('run-samples').hidden = true
    $('run-result').textContent = 'Running...'
    const body = { probe: $('run-probe').value, host: $('run-host').value.trim(), pings: Number($('run-pings').value || 5) }
    if ($('run-port').value) body.port = Number($('run-port').value)
    for (const k of ['urlformat', 'lookup', 'referer']) {
      const v = $('run-' + k).value.trim()
      if (v) body[k] = v
    }
    try {
      const res = await fetch('/checks/run', {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json', 'x-csrf-token': $('run-csrf').value },
        body: JSON.stringify(body),
      })
      const out = await res.json()
      if (!res.ok) {
        // The fields by the names the form shows (the API says json.host).
        const fields = (out.errors || []).map((e) => String(e.path || '').replace(/^json\\.?/, '') + ': ' + e.message)
        throw new Error(fields.length ? fields.join('; ') : (out.title || res.status) + (out.detail ? ': ' + out.detail : ''))
      }
      const r = out.round
      const ms = (x) => (x === null || x === undefined ? '-' : x.toFixed(1) + ' ms')
      $('run-result').textContent = out.target.probe + ' ' + out.target.host + ': median ' + ms(r.median) +
        ', loss ' + (r.loss ?? 0) + '/' + r.pings + ', min ' + ms(r.min) + ', max ' + ms(r.max) + ', jitter ' + ms(r.jitter) +
        (r.reasons && Object.keys(r.reasons).length ? ' (' + Object.entries(r.reasons).map(([k, v]) => k + ' ' + v).join(', ') + ')' : '') +
        (r.reason ? ' (' + r.status + ': ' + r.reason + ')' : '')
      $('run-samples').textContent = 'samples (sorted, ms): ' + (r.smoke || []).map((x) => (x === null ? 'lost' : x.toFixed(1))).join(' ')
      $('run-samples').hidden = false
    } catch (err) {
      $('run-result').textContent = ''
      $('run-error').textContent = String(err.message || err)
      $('run-error').hidden = false
    }
  })
})()`
