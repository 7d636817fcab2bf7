import type { Child } from 'hono/jsx'
import { STYLES } from './styles'

const NAV = [
  ['/', 'Dashboard'],
  ['/targets', 'Targets'],
  ['/dns', 'DNS'],
  ['/flows', 'Flows'],
  ['/generate', 'Generators'],
  ['/probes', 'Probes'],
] as const

export type PageProps = {
  title: string
  path: string
  authenticated: boolean
  csrf?: string | undefined
  children?: Child
}

/** The frame of every page: navigation, login state, the content. */
export function Layout(props: PageProps) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${props.title} · edgeping`}</title>
        <style>{STYLES}</style>
      </head>
      <body>
        <header>
          <nav aria-label="Main">
            <a class="brand" href="/">
              edgeping
            </a>
            {NAV.map(([href, label]) => (
              <a href={href} aria-current={props.path === href ? 'page' : undefined}>
                {label}
              </a>
            ))}
            {props.authenticated ? (
              <form method="post" action="/logout" style="display:inline">
                <input type="hidden" name="csrf" value={props.csrf ?? ''} />
                <button type="submit">Log out</button>
              </form>
            ) : (
              <a href={`/login?next=${encodeURIComponent(props.path)}`}>Log in</a>
            )}
          </nav>
        </header>
        <main id="main">
          <h1>{props.title}</h1>
          {props.children}
        </main>
      </body>
    </html>
  )
}

/** A problem shown inside a page (the API would answer problem+json instead). */
export function ErrorBox(props: { title: string; detail?: string | undefined }) {
  return (
    <div class="error" role="alert">
      <strong>{props.title}</strong>
      {props.detail ? <div>{props.detail}</div> : null}
    </div>
  )
}

export function Badge(props: { verdict: string }) {
  return <span class={`badge ${props.verdict}`}>{props.verdict}</span>
}

/** What a page that needs the API token shows before login: why, then the login link. */
export function LoginFirst(props: { reason: string; next: string }) {
  return (
    <p class="card">
      {props.reason}: <a href={`/login?next=${encodeURIComponent(props.next)}`}>log in</a> first.
    </p>
  )
}
