import { type Context, Hono, type MiddlewareHandler } from 'hono'
import { deleteCookie, getCookie, setCookie } from 'hono/cookie'
import { csrf } from 'hono/csrf'
import { html } from 'hono/html'
import type { Child } from 'hono/jsx'
import { z } from 'zod'
import type { AppEnv } from '../env'
import { checkFilterConfig } from '../flows/filter'
import { findGenerator, GENERATORS } from '../generators/registry'
import { constantTimeEqual } from '../http/auth'
import { domainProblem } from '../http/domain-errors'
import { formPostOnly, readForm } from '../http/form-body'
import { type Problem, ProblemError } from '../http/problem'
import {
  deleteFilterSet,
  FILTER_SET_NAME,
  getFilterSet,
  listFilterSets,
  MAX_FILTER_SET_BYTES,
  putFilterSet,
} from '../kv/filter-sets'
import { runRefererProbe } from '../probes'
import { ErrorBox, Layout } from '../ui/layout'
import { findNode, RANGES, TargetPage } from '../ui/pages/checks-view'
import { DnsPage, type DnsPageState } from '../ui/pages/dns-page'
import { FilterSetsPage } from '../ui/pages/filter-sets-page'
import { FlowsPage } from '../ui/pages/flows-page'
import { formFields, GeneratorForm, GeneratorList } from '../ui/pages/generate-pages'
import { HomePage } from '../ui/pages/home-page'
import { LoginPage } from '../ui/pages/login-page'
import { ProbePage, type ProbePageState } from '../ui/pages/probe-page'
import { TargetsPage } from '../ui/pages/targets-page'
import {
  createSession,
  csrfMatches,
  readSession,
  SESSION_COOKIE,
  SESSION_SECONDS,
} from '../ui/session'
import { checksOverview, storedTargetsText, storeTargetsText } from './checks-service'
import { type LookupOutcome, lookupAddressesPort, runLookup, runReadiness } from './dns-service'
import { queryToInput } from './generate-query'
import { refererProbePorts } from './probe-service'

/**
 * The dashboard: server-rendered pages over the same use cases as the API. Pages never answer
 * problem+json; a domain error is shown inside the page with the same status code.
 */
export const uiRoutes = new Hono<AppEnv>()

/** Reads the session cookie; a valid session counts as the API token on pages. */
export async function withSession(c: Context<AppEnv>): Promise<void> {
  const session = await readSession(c.env.API_TOKEN, getCookie(c, SESSION_COOKIE))
  c.set('session', session)
  if (session) c.set('authenticated', true)
}

/** A caught error as the problem a page shows; anything that is not a known problem rethrows. */
export function pageProblem(err: unknown): Problem {
  const p = err instanceof ProblemError ? err.problem : domainProblem(err)
  if (!p) throw err
  return p
}

export type PageStatus = 200 | 400 | 401 | 403 | 404 | 422 | 502 | 504

export function render(c: Context<AppEnv>, title: string, body: Child, status: PageStatus = 200) {
  const session = c.get('session')
  // The doctype keeps browsers in standards mode (JSX cannot write it).
  return c.html(
    html`<!DOCTYPE html>${(
      <Layout
        title={title}
        path={new URL(c.req.url).pathname}
        next={`${new URL(c.req.url).pathname}${new URL(c.req.url).search}`}
        authenticated={c.get('authenticated')}
        csrf={session?.csrf}
      >
        {body}
      </Layout>
    )}`,
    status,
  )
}

uiRoutes.get('/', async (c) => {
  await withSession(c)
  return render(c, 'Dashboard', <HomePage checks={await checksOverview(c)} />)
})

uiRoutes.get('/target/:id', async (c) => {
  await withSession(c)
  const node = findNode(await checksOverview(c), c.req.param('id'))
  if (!node)
    return render(c, 'No such target', <p role="alert">No target '{c.req.param('id')}'.</p>, 404)
  const range = c.req.query('range')
  const zoom = RANGES.find((r) => r === range)
  return render(c, node.title ?? node.name, <TargetPage node={node} zoom={zoom} />)
})

uiRoutes.get('/dns', async (c) => {
  await withSession(c)
  const q = c.req.query()
  const state: DnsPageState = { ...q, authenticated: c.get('authenticated') }
  let status: 200 | 401 | 403 | 422 | 502 | 504 = 200
  try {
    if (q.name) {
      const outcome: LookupOutcome = await runLookup(c, {
        name: q.name,
        // An emptied Types field means the default types, as leaving it out does.
        type: q.type || undefined,
        resolver: q.resolver || undefined,
      })
      state.lookup = outcome
    }
    if (q.domain) {
      state.readiness = (
        await runReadiness(c, { domain: q.domain, ports: q.ports || undefined })
      ).report
    }
  } catch (err) {
    const p = pageProblem(err)
    state.error = { title: p.title, detail: p.detail }
    status = [401, 403, 422, 502, 504].includes(p.status) ? (p.status as typeof status) : 422
  }
  return render(c, 'DNS', <DnsPage {...state} />, status)
})

uiRoutes.get('/flows', async (c) => {
  await withSession(c)
  return render(
    c,
    'Flow analyzer',
    <FlowsPage authenticated={c.get('authenticated')} csrf={c.get('session')?.csrf} />,
  )
})

uiRoutes.get('/probes', async (c) => {
  await withSession(c)
  return render(
    c,
    'Referer-block probe',
    <ProbePage authenticated={c.get('authenticated')} csrf={c.get('session')?.csrf} />,
  )
})

uiRoutes.post(
  '/probes',
  formPostOnly('the API is POST /probes/referer with JSON and the token (see /docs)'),
  csrf(),
  async (c) => {
    await withSession(c)
    const session = c.get('session') ?? null
    const form = await readForm(c)
    const field = (name: string) => (typeof form[name] === 'string' ? (form[name] as string) : '')
    const state: ProbePageState = {
      url: field('url'),
      referers: field('referers'),
      header: field('header') || 'Referer',
      encodings: field('encodings') === 'true',
      authenticated: c.get('authenticated'),
      csrf: session?.csrf,
    }
    if (!csrfMatches(session, form.csrf)) {
      state.error = {
        title: 'This form is stale',
        detail: 'you logged in or out since it was loaded: reload the page and submit again',
      }
      return render(c, 'Referer-block probe', <ProbePage {...state} />, 403)
    }
    let status: PageStatus = 200
    try {
      state.report = await runRefererProbe(
        {
          url: state.url ?? '',
          referers: (state.referers ?? '')
            .split(/\r?\n/)
            .map((l) => l.trim())
            .filter((l) => l !== ''),
          header: state.header,
          encodings: state.encodings,
        },
        refererProbePorts(c),
      )
    } catch (err) {
      const p = pageProblem(err)
      state.error = { title: p.title, detail: p.detail }
      status = 422
    }
    return render(c, 'Referer-block probe', <ProbePage {...state} />, status)
  },
)

/**
 * The generator pages share their paths with the API (`GET /generate`, `GET /generate/{kind}`):
 * a browser asking for HTML gets the page, everyone else (curl, scripts) the API.
 */
export const generatorPages: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (c.req.method !== 'GET' || !prefersHtml(c.req.header('accept'))) return next()
  await withSession(c)
  const kind = c.req.path.replace(/^\/generate\/?/, '')
  if (kind === '') return render(c, 'Generators', <GeneratorList generators={GENERATORS} />)
  const g = findGenerator(kind)
  if (!g) return next()
  const fields = formFields(
    z.toJSONSchema(g.schema, { io: 'input', unrepresentable: 'any' }) as never,
  )
  // Empty form fields mean "not given": the schema's defaults apply.
  const query = Object.fromEntries(
    Object.entries(c.req.queries()).filter(([, v]) => v.some((x) => x !== '')),
  )
  const values = Object.fromEntries(Object.entries(query).map(([k, v]) => [k, v.join(',')]))
  const props = { generator: g, fields, values, needsLogin: false }
  if (Object.keys(query).length === 0) return render(c, g.title, <GeneratorForm {...props} />)
  try {
    const prepared = g.prepare(queryToInput(g.schema, query, []))
    if (prepared.usesNetwork && !c.get('authenticated')) {
      const next = `${new URL(c.req.url).pathname}${new URL(c.req.url).search}`
      return render(c, g.title, <GeneratorForm {...props} needsLogin={true} next={next} />, 401)
    }
    const output = await prepared.render(
      prepared.usesNetwork ? { lookupAddresses: lookupAddressesPort(c) } : {},
    )
    return render(c, g.title, <GeneratorForm {...props} output={output} named={prepared} />)
  } catch (err) {
    const p = pageProblem(err)
    const errors = p.errors ?? [{ path: '(input)', message: p.detail ?? p.title }]
    return render(c, g.title, <GeneratorForm {...props} errors={errors} />, 422)
  }
}

/** `GET /targets` is the API for curl and the editor for browsers (like /generate). */
export const targetsPage: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (c.req.method !== 'GET' || !prefersHtml(c.req.header('accept'))) return next()
  await withSession(c)
  return render(
    c,
    'Targets',
    <TargetsPage
      text={await storedTargetsText(c)}
      authenticated={c.get('authenticated')}
      csrf={c.get('session')?.csrf}
    />,
  )
}

uiRoutes.post(
  '/targets',
  formPostOnly('the API is PUT /targets with JSON or SmokePing text and the token (see /docs)'),
  csrf(),
  async (c) => {
    await withSession(c)
    const session = c.get('session') ?? null
    const form = await readForm(c)
    const text = typeof form.text === 'string' ? form.text : ''
    const props = { text, authenticated: c.get('authenticated'), csrf: session?.csrf }
    if (!session || !csrfMatches(session, form.csrf)) {
      return render(
        c,
        'Targets',
        <TargetsPage
          {...props}
          error={{ title: 'Log in first (or reload: this form is stale)' }}
        />,
        403,
      )
    }
    if (typeof form.text !== 'string') {
      // A post without the editor's field is not an empty tree: saving '' would erase every target.
      // The editor shows the stored tree, so a Save from this page cannot post an empty one.
      return render(
        c,
        'Targets',
        <TargetsPage
          {...props}
          text={await storedTargetsText(c)}
          error={{
            title: 'Nothing saved',
            detail: 'the form has no "text" field (the targets tree); the stored tree is unchanged',
          }}
        />,
        400,
      )
    }
    try {
      const stored = await storeTargetsText(c, text)
      const saved = `Saved ${stored.resolved.length} target(s); ${stored.plan.unscheduled.length} could not be scheduled within the budgets.`
      return render(c, 'Targets', <TargetsPage {...props} saved={saved} />)
    } catch (err) {
      const p = pageProblem(err)
      const line = typeof p.line === 'number' ? p.line : undefined
      return render(
        c,
        'Targets',
        <TargetsPage {...props} error={{ title: p.title, detail: p.detail, line }} />,
        422,
      )
    }
  },
)

/** `GET /flows/filters[/{name}]`: the API for curl, the saved filter sets page for browsers. */
export const filterSetsPage: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (c.req.method !== 'GET' || !prefersHtml(c.req.header('accept'))) return next()
  await withSession(c)
  const name = decodeURIComponent(c.req.path.replace(/^\/flows\/filters\/?/, ''))
  const names = await listFilterSets(c.env.EDGEPING_KV)
  const set =
    name && FILTER_SET_NAME.test(name) ? await getFilterSet(c.env.EDGEPING_KV, name) : null
  if (name && !set) return next()
  const props = { names, authenticated: c.get('authenticated'), csrf: c.get('session')?.csrf }
  return render(c, 'Saved filter sets', <FilterSetsPage {...props} current={set ?? undefined} />)
}

uiRoutes.post(
  '/flows/filters',
  formPostOnly('the API is PUT /flows/filters/{name} with the token (see /docs)'),
  csrf(),
  async (c) => {
    await withSession(c)
    const session = c.get('session') ?? null
    const form = await readForm(c)
    const name = typeof form.name === 'string' ? form.name.trim() : ''
    const config = typeof form.config === 'string' ? form.config : ''
    const base = {
      authenticated: c.get('authenticated'),
      csrf: session?.csrf,
      current: { name, config },
    }
    const page = async (extra: object, status: PageStatus = 200) =>
      render(
        c,
        'Saved filter sets',
        <FilterSetsPage {...base} names={await listFilterSets(c.env.EDGEPING_KV)} {...extra} />,
        status,
      )
    if (!session || !csrfMatches(session, form.csrf)) {
      return page({ error: { title: 'Log in first (or reload: this form is stale)' } }, 403)
    }
    if (!FILTER_SET_NAME.test(name)) {
      return page(
        {
          error: {
            title: 'Invalid name',
            detail: 'letters, digits, ".", "_" and "-", 1-64 characters',
          },
        },
        422,
      )
    }
    if (form.action === 'delete') {
      // Save and Delete share the form: the tick guards Delete alone.
      if (form.confirmDelete !== 'yes') {
        return page(
          {
            error: {
              title: 'Not deleted',
              detail: `tick "delete it for good" next to Delete to delete ${name}`,
            },
          },
          422,
        )
      }
      await deleteFilterSet(c.env.EDGEPING_KV, name)
      return page({ current: undefined, saved: `Deleted ${name}.` })
    }
    if (new TextEncoder().encode(config).length > MAX_FILTER_SET_BYTES) {
      return page(
        { error: { title: 'Too large', detail: `at most ${MAX_FILTER_SET_BYTES} bytes` } },
        422,
      )
    }
    try {
      checkFilterConfig(config)
    } catch (err) {
      const p = domainProblem(err)
      if (!p) throw err
      return page({ error: { title: p.title, detail: p.detail } }, 422)
    }
    await putFilterSet(c.env.EDGEPING_KV, { name, config, updatedAt: new Date().toISOString() })
    return page({ saved: `Saved ${name}.` })
  },
)

/**
 * A problem answered to a browser page load (an unknown path, a deleted filter set's bookmark, a
 * download link after the session ended, a stale form post) is shown as a page with the problem
 * in it and a way on, not as raw problem+json. API clients (curl's `*\/*`, scripts asking JSON)
 * keep the problem.
 */
export const problemPages: MiddlewareHandler<AppEnv> = async (c, next) => {
  await next()
  if (!c.res.headers.get('content-type')?.startsWith('application/problem+json')) return
  if (!prefersHtml(c.req.header('accept'))) return
  const type = c.req.header('content-type')?.split(';')[0]?.trim().toLowerCase()
  const formPost =
    c.req.method === 'POST' &&
    (type === 'application/x-www-form-urlencoded' || type === 'multipart/form-data')
  if (c.req.method !== 'GET' && c.req.method !== 'HEAD' && !formPost) return
  const p = (await c.res.clone().json()) as { title?: string; detail?: string; status?: number }
  const status = c.res.status
  const requestId = c.res.headers.get('x-request-id')
  await withSession(c)
  const path = new URL(c.req.url).pathname
  c.res = await render(
    c,
    p.title ?? 'Error',
    <>
      <ErrorBox title={`${status} ${p.title ?? 'Error'}`} detail={p.detail} />
      <p>
        {/* Logging in helps only the dashboard's own session paths; an API URL needs the
            Authorization header, logged in or not. */}
        {status === 401 && !c.get('authenticated') && path.startsWith('/ui/') ? (
          <>
            <a href={`/login?next=${encodeURIComponent(`${path}${new URL(c.req.url).search}`)}`}>
              Log in
            </a>{' '}
            ·{' '}
          </>
        ) : null}
        <a href="/">Dashboard</a> · <a href="/docs">API docs</a>
      </p>
    </>,
    status as PageStatus,
  )
  if (requestId) c.res.headers.set('x-request-id', requestId)
}

/** Browsers navigating ask for text/html first; curl sends `*\/*`. */
export function prefersHtml(accept: string | undefined): boolean {
  if (!accept) return false
  const html = accept.indexOf('text/html')
  if (html < 0) return false
  const others = ['text/plain', 'application/json']
    .map((t) => accept.indexOf(t))
    .filter((i) => i >= 0)
  return others.every((i) => html < i)
}

/** Only same-site relative paths: never an open redirect. */
function safeNext(next: unknown): string {
  // Browsers drop tabs and newlines from a URL (`/\t/evil.example` is `//evil.example`), and a
  // control character cannot go in a Location header at all: only a plain same-site path passes.
  const plain = (text: string) =>
    [...text].every((ch) => ch.charCodeAt(0) > 0x20 && ch.charCodeAt(0) !== 0x7f && ch !== '\\')
  if (typeof next !== 'string' || !next.startsWith('/') || !plain(next)) return '/'
  const url = new URL(next, 'https://edgeping.invalid')
  return url.origin === 'https://edgeping.invalid' && !next.startsWith('//')
    ? `${url.pathname}${url.search}${url.hash}`
    : '/'
}

uiRoutes.get('/login', async (c) => {
  await withSession(c)
  return render(
    c,
    'Log in',
    <LoginPage
      next={safeNext(c.req.query('next'))}
      failed={false}
      configured={Boolean(c.env.API_TOKEN)}
    />,
  )
})

// hono/csrf rejects form posts whose Origin is another site (SameSite=Strict covers the cookie).
uiRoutes.post(
  '/login',
  formPostOnly('API clients send the token instead (see /docs)'),
  csrf(),
  async (c) => {
    const form = await readForm(c)
    const next = safeNext(form.next)
    const token = typeof form.token === 'string' ? form.token : ''
    const expected = c.env.API_TOKEN
    c.set('session', null)
    if (!expected || !(await constantTimeEqual(token, expected))) {
      return render(
        c,
        'Log in',
        <LoginPage next={next} failed={true} configured={Boolean(expected)} />,
        401,
      )
    }
    const { cookie } = await createSession(expected)
    setCookie(c, SESSION_COOKIE, cookie, {
      httpOnly: true,
      sameSite: 'Strict',
      secure: new URL(c.req.url).protocol === 'https:',
      path: '/',
      maxAge: SESSION_SECONDS,
    })
    return c.redirect(next, 303)
  },
)

uiRoutes.post('/logout', formPostOnly('API clients have no session to end'), csrf(), async (c) => {
  await withSession(c)
  const form = await readForm(c)
  if (!csrfMatches(c.get('session') ?? null, form.csrf)) {
    return render(
      c,
      'Log out',
      <p role="alert">This logout form is stale; reload the page and try again.</p>,
      403,
    )
  }
  deleteCookie(c, SESSION_COOKIE, { path: '/' })
  return c.redirect('/', 303)
})
