import type { Child } from 'hono/jsx'
import { STYLES } from './styles'

const NAV = [
  ['/', 'Dashboard'],
  ['/targets', 'Targets'],
  ['/dns', 'DNS'],
  ['/flows', 'Flows'],
  ['/flows/archive', 'Archive'],
  ['/generate', 'Generators'],
  ['/probes', 'Probes'],
] as const

export type PageProps = {
  title: string
  path: string
  /** Where login returns to: the path with its query, so a filled-in form survives. */
  next?: string | undefined
  authenticated: boolean
  csrf?: string | undefined
  children?: Child
}

/** A ping's smoke in one colour: no request for /favicon.ico (a 404 on every page). */
const FAVICON =
  "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 16 16'%3E%3Crect width='16' height='16' rx='3' fill='%23336'/%3E%3Cpath d='M2 11h3l2-6 2 8 2-4h3' stroke='%23fff' fill='none' stroke-width='1.5'/%3E%3C/svg%3E"

/** The menu entry a page belongs to: the longest one its path is under. */
function currentNav(path: string): string | undefined {
  const under = NAV.map(([href]) => href as string).filter(
    (href) => path === href || (href !== '/' && path.startsWith(`${href}/`)),
  )
  return under.sort((a, b) => b.length - a.length)[0]
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
        <link rel="icon" href={FAVICON} />
      </head>
      <body>
        <header>
          <nav aria-label="Main">
            <a class="brand" href="/">
              edgeping
            </a>
            {NAV.map(([href, label]) => (
              <a href={href} aria-current={currentNav(props.path) === href ? 'page' : undefined}>
                {label}
              </a>
            ))}
            {props.authenticated ? (
              <form method="post" action="/logout" style="display:inline">
                <input type="hidden" name="csrf" value={props.csrf ?? ''} />
                <button type="submit">Log out</button>
              </form>
            ) : (
              <a href={`/login?next=${encodeURIComponent(props.next ?? props.path)}`}>Log in</a>
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
