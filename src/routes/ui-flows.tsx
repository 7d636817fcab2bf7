import { type Context, Hono, type MiddlewareHandler } from 'hono'
import { csrf } from 'hono/csrf'
import type { AppEnv } from '../env'
import { checkRouter } from '../flows/archive/archive-index'
import { MAX_PART_BYTES } from '../flows/archive/multipart-upload'
import { formPostOnly, readForm } from '../http/form-body'
import { ProblemError } from '../http/problem'
import { ANALYSIS_ID, getAnalysis } from '../kv/analyses'
import { listFilterSets } from '../kv/filter-sets'
import { listFlowFiles, listRouters } from '../storage/flow-archive'
import { deleteJob } from '../storage/flow-jobs'
import { ErrorBox, LoginFirst } from '../ui/layout'
import { AnalysisPage } from '../ui/pages/analysis-page'
import { ARCHIVE_PAGE_FILES, ArchivePage, type ArchivePageState } from '../ui/pages/archive-page'
import { JobPage } from '../ui/pages/job-page'
import { csrfMatches } from '../ui/session'
import { deleteArchivedRange, timeRange } from './flow-archive'
import { named } from './flow-archive-common'
import {
  jobFlowsResponse,
  jobStatus,
  loadSpec,
  QueryBody,
  startArchiveQuery,
} from './flow-jobs-service'
import { type PageStatus, pageProblem, prefersHtml, render, withSession } from './ui'

/**
 * The flow archive, its query jobs and saved analyses in the dashboard. The pages share their
 * paths with the API (a browser asking for HTML gets the page); the forms post to /ui/... with the
 * session cookie and its CSRF token, and call the same storage and job code as the API routes.
 */
export const archiveUiRoutes = new Hono<AppEnv>()

const TITLE = 'Flow archive'

function pageStatus(status: number): PageStatus {
  return ([401, 403, 404, 422] as const).find((s) => s === status) ?? 422
}

/** The range of the browse and delete forms: empty ends mean "from the start" / "until now". */
function formRange(fromText: string, toText: string): { from: number; to: number } {
  const to = toText === '' ? String(Math.floor(Date.now() / 1000) + 86400) : toText
  return timeRange(fromText === '' ? '0' : fromText, to)
}

async function archiveState(c: Context<AppEnv>, extra: Partial<ArchivePageState>) {
  const authenticated = c.get('authenticated')
  // The pickers' choices: R2 and KV at once, and only for a logged-in page.
  const [routers, filterSets] = authenticated
    ? await Promise.all([listRouters(c.env.FLOW_ARCHIVE), listFilterSets(c.env.EDGEPING_KV)])
    : [[], []]
  const state: ArchivePageState = {
    authenticated,
    csrf: c.get('session')?.csrf,
    routers,
    filterSets,
    maxFileBytes: Number(c.env.ARCHIVE_MAX_FILE_BYTES) || MAX_PART_BYTES,
    ...extra,
  }
  const router = state.router ?? ''
  if (authenticated && router !== '' && !state.listing) {
    try {
      named(() => checkRouter(router))
      const { from, to } = formRange(state.from ?? '', state.to ?? '')
      state.listing = await listFlowFiles(c.env.FLOW_ARCHIVE, router, from, to, ARCHIVE_PAGE_FILES)
    } catch (err) {
      const p = pageProblem(err)
      state.error ??= { title: p.title, detail: p.detail ?? (err as Error).message, form: 'browse' }
    }
  }
  return state
}

/** `GET /flows/archive`: the API listing for curl, the archive page for browsers. */
export const archivePage: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (c.req.method !== 'GET' || !prefersHtml(c.req.header('accept'))) return next()
  await withSession(c)
  const q = c.req.query()
  const state = await archiveState(c, {
    router: q.router?.trim() || undefined,
    from: q.from?.trim() || undefined,
    to: q.to?.trim() || undefined,
  })
  const status = !state.authenticated ? 401 : state.error ? 422 : 200
  return render(c, TITLE, <ArchivePage {...state} />, status)
}

/** `GET /flows/jobs/{id}`: the job as JSON for curl, its page for browsers. */
export const jobPage: MiddlewareHandler<AppEnv> = async (c, next) => {
  const m = /^\/flows\/jobs\/([^/]+)$/.exec(c.req.path)
  if (!m || c.req.method !== 'GET' || !prefersHtml(c.req.header('accept'))) return next()
  await withSession(c)
  if (!c.get('authenticated')) {
    return render(
      c,
      'Archive query',
      <LoginFirst
        reason="Query jobs read your routers' flows, so they need the API token"
        next={c.req.path}
      />,
      401,
    )
  }
  try {
    const spec = await loadSpec(c.env.FLOW_ARCHIVE, decodeURIComponent(m[1] ?? ''))
    const { status, result } = await jobStatus(c.env.FLOW_ARCHIVE, spec)
    return render(
      c,
      'Archive query',
      <JobPage spec={spec} status={status} result={result} csrf={c.get('session')?.csrf} />,
    )
  } catch (err) {
    const p = pageProblem(err)
    return render(
      c,
      'Archive query',
      <p role="alert" class="error">
        {p.detail ?? p.title} <a href="/flows/archive">Back to the archive</a>
      </p>,
      pageStatus(p.status),
    )
  }
}

/** `GET /flows/analyses/{id}`: the saved analysis as JSON for curl, as a page for browsers. */
export const analysisPage: MiddlewareHandler<AppEnv> = async (c, next) => {
  const m = /^\/flows\/analyses\/([^/]+)$/.exec(c.req.path)
  if (!m || c.req.method !== 'GET' || !prefersHtml(c.req.header('accept'))) return next()
  await withSession(c)
  const title = 'Saved flow analysis'
  if (!c.get('authenticated')) {
    return render(
      c,
      title,
      <LoginFirst
        reason="Saved analyses hold traffic data, so they need the API token"
        next={c.req.path}
      />,
      401,
    )
  }
  const id = decodeURIComponent(m[1] ?? '')
  const saved = ANALYSIS_ID.test(id) ? await getAnalysis(c.env.EDGEPING_KV, id) : null
  if (!saved) {
    return render(
      c,
      title,
      <ErrorBox
        title={ANALYSIS_ID.test(id) ? 'Not found' : 'Not an analysis id'}
        detail={`no saved analysis ${id.slice(0, 60)} (analyses expire after 90 days)`}
      />,
      ANALYSIS_ID.test(id) ? 404 : 422,
    )
  }
  return render(c, title, <AnalysisPage saved={saved} />)
}

archiveUiRoutes.post(
  '/ui/archive/delete',
  formPostOnly('the API is DELETE /flows/archive/{router}/{path} with the token (see /docs)'),
  csrf(),
  async (c) => {
    await withSession(c)
    const form = await readForm(c)
    const field = (name: string) =>
      typeof form[name] === 'string' ? (form[name] as string).trim() : ''
    const values = { router: field('router'), from: field('from'), to: field('to') }
    const fail = async (title: string, detail: string, status: PageStatus) =>
      render(
        c,
        TITLE,
        <ArchivePage
          {...(await archiveState(c, { ...values, error: { title, detail, form: 'delete' } }))}
        />,
        status,
      )
    if (!csrfMatches(c.get('session') ?? null, form.csrf)) {
      return fail('Log in first (or reload: this form is stale)', '', 403)
    }
    if (form.confirm !== 'yes') return fail('Not confirmed', 'tick "Yes, delete them"', 422)
    try {
      named(() => checkRouter(values.router))
      const { from, to } = formRange(values.from, values.to)
      const { deleted, more } = await deleteArchivedRange(
        c.env.FLOW_ARCHIVE,
        values.router,
        from,
        to,
      )
      const done =
        deleted.length === 0
          ? `No file of ${values.router} starts in that range: nothing deleted.`
          : `Deleted ${deleted.length} file(s) of ${values.router}: ${deleted.join(', ')}${more ? '. More remain: delete again.' : '.'}`
      // Below the message: what remains of the router.
      const state = await archiveState(c, { router: values.router, done })
      return render(c, TITLE, <ArchivePage {...state} />)
    } catch (err) {
      const p = pageProblem(err)
      return fail(p.title, p.detail ?? (err as Error).message, pageStatus(p.status))
    }
  },
)

archiveUiRoutes.post(
  '/ui/archive/query',
  formPostOnly('the API is POST /flows/archive/query with the token (see /docs)'),
  csrf(),
  async (c) => {
    await withSession(c)
    const form = await readForm(c)
    const query: Record<string, string> = {}
    for (const k of [
      'routers',
      'from',
      'to',
      'expr',
      'def',
      'filters',
      'output',
      'bucket',
      'sort',
      'top',
      'format',
    ]) {
      const v = form[k]
      if (typeof v === 'string') query[k] = v.trim()
    }
    const fail = async (title: string, detail: string, status: PageStatus) =>
      render(
        c,
        TITLE,
        <ArchivePage
          {...(await archiveState(c, { query, error: { title, detail, form: 'query' } }))}
        />,
        status,
      )
    if (!csrfMatches(c.get('session') ?? null, form.csrf)) {
      return fail('Log in first (or reload: this form is stale)', '', 403)
    }
    const defs = (query.def ?? '')
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter((l) => l !== '')
    const parsed = QueryBody.safeParse({
      routers: (query.routers ?? '').split(/[\s,]+/).filter((r) => r !== ''),
      from: query.from ?? '',
      to: query.to ?? '',
      ...(query.expr ? { expr: query.expr } : {}),
      ...(defs.length > 0 ? { def: defs } : {}),
      ...(query.filters ? { filters: query.filters } : {}),
      ...(query.output ? { output: query.output } : {}),
      ...(query.bucket ? { bucket: query.bucket } : {}),
      ...(query.sort ? { sort: query.sort } : {}),
      // Digits only (Number() takes 0x10 and 1e3); anything else reaches the schema as text, a 422.
      ...(query.top ? { top: /^[0-9]{1,4}$/.test(query.top) ? Number(query.top) : query.top } : {}),
      ...(query.format ? { format: query.format } : {}),
    })
    if (!parsed.success) {
      const detail = parsed.error.issues
        .map((i) => `${i.path.join('.') || 'form'}: ${i.message}`)
        .join('; ')
      return fail('Invalid query', detail, 422)
    }
    try {
      const job = await startArchiveQuery(c.env, parsed.data)
      return c.redirect(job.href, 303)
    } catch (err) {
      const p = pageProblem(err)
      // FilterError details already begin with their place (`line 1, column 13: ...`).
      const where =
        p.line !== undefined && !/^line \d/.test(p.detail ?? '')
          ? ` (line ${p.line}, column ${p.column})`
          : ''
      return fail(p.title, `${p.detail ?? ''}${where}`, pageStatus(p.status))
    }
  },
)

archiveUiRoutes.post(
  '/ui/jobs/:id/delete',
  formPostOnly('the API is DELETE /flows/jobs/{id} with the token (see /docs)'),
  csrf(),
  async (c) => {
    await withSession(c)
    const form = await readForm(c)
    const title = 'Archive query'
    if (!csrfMatches(c.get('session') ?? null, form.csrf)) {
      return render(
        c,
        title,
        <ErrorBox title="Log in first (or reload: this form is stale)" />,
        403,
      )
    }
    if (form.confirm !== 'yes') {
      return render(
        c,
        title,
        <ErrorBox title="Not deleted" detail='tick "yes, delete it" to delete the job' />,
        422,
      )
    }
    try {
      const spec = await loadSpec(c.env.FLOW_ARCHIVE, c.req.param('id'))
      while (await deleteJob(c.env.FLOW_ARCHIVE, spec.id)) {
        // more than 1000 objects: keep going
      }
      const done = `Deleted job ${spec.id} (${spec.output} of ${spec.routers.join(', ')}).`
      const state = await archiveState(c, { router: spec.routers[0], done })
      return render(c, TITLE, <ArchivePage {...state} />)
    } catch (err) {
      const p = pageProblem(err)
      return render(c, title, <ErrorBox title={p.title} detail={p.detail} />, pageStatus(p.status))
    }
  },
)

/** The CSV/NDJSON download of an output=flows job, with the session instead of a bearer. */
archiveUiRoutes.get('/ui/jobs/:id/flows', async (c) => {
  await withSession(c)
  if (!c.get('authenticated')) {
    throw new ProblemError({
      type: 'about:blank',
      title: 'Unauthorized',
      status: 401,
      detail: 'log in first (the download uses the session)',
    })
  }
  const spec = await loadSpec(c.env.FLOW_ARCHIVE, c.req.param('id'))
  const res = await jobFlowsResponse(c.env.FLOW_ARCHIVE, spec)
  const ext = spec.flowFormat === 'csv' ? 'csv' : 'ndjson'
  res.headers.set('content-disposition', `attachment; filename="flows-${spec.id}.${ext}"`)
  return res
})
