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
          detail={`${props.error.line !== undefined ? `line ${props.error.line}: ` : ''}${props.error.detail ?? ''}`}
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
    </>
  )
}
