// The flow archive's dashboard pages and form endpoints in workerd (local R2, KV and Queue):
// the session and CSRF rules, every error path shown in the page (never a 500), and a query
// started from the form running through the same job code as the API.
import { beforeAll, describe, expect, it } from 'vitest'
import { dayFile, dayName, FIRST_IRC, IRC_SERVER, VICTIM } from '../support/month-archive'
import { call, problemOf, TOKEN } from './helpers'

const ROUTER = 'rtr-pages'
const ORIGIN = 'https://edgeping.test'
const HTML = { accept: 'text/html,application/xhtml+xml' }
let cookie = ''
let csrfToken = ''

async function page(path: string): Promise<Response> {
  return call(path, { headers: { ...HTML, cookie } })
}

function form(path: string, fields: Record<string, string>, origin = ORIGIN): Promise<Response> {
  return call(path, {
    method: 'POST',
    headers: {
      ...HTML,
      cookie,
      origin,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams(fields).toString(),
    redirect: 'manual',
  })
}

/** What the page's script does: the archive API with the session and its CSRF token. */
function upload(name: string, body: Uint8Array, token = csrfToken): Promise<Response> {
  return call(`/flows/archive/${ROUTER}/${encodeURIComponent(name)}`, {
    method: 'PUT',
    headers: {
      cookie,
      'x-csrf-token': token,
      'content-length': String(body.length),
    },
    body,
  })
}

beforeAll(async () => {
  const login = await form('/login', { token: TOKEN, next: '/flows/archive' })
  expect(login.status).toBe(303)
  cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? ''
  const res = await page('/flows/archive')
  expect(res.status).toBe(200)
  csrfToken = /id="upload-csrf" value="([0-9a-f]+)"/.exec(await res.text())?.[1] ?? ''
  expect(csrfToken).toMatch(/^[0-9a-f]{64}$/)
})

describe('the archive page', () => {
  it('asks a browser without a session to log in, and curl still gets the API', async () => {
    const res = await call('/flows/archive', { headers: HTML })
    expect(res.status).toBe(401)
    expect(await res.text()).toContain('href="/login?next=%2Fflows%2Farchive"')
    const api = await call('/flows/archive?router=x&from=0&to=1')
    expect(api.status).toBe(401)
    expect((await problemOf(api)).status).toBe(401)
  })

  it('stores uploads only with the CSRF token, and names a file that is not ft', async () => {
    const day = await dayFile(25)
    const refused = await upload(dayName(25), day, 'f'.repeat(64))
    expect(refused.status).toBe(401)
    expect((await problemOf(refused)).detail).toContain('log in')

    const bad = await upload('notes.txt', new TextEncoder().encode('not a flow file\n'))
    expect(bad.status).toBe(422)
    expect(String((await problemOf(bad)).detail)).toMatch(/notes\.txt/)

    for (const d of [25, 26, 27]) {
      const res = await upload(dayName(d), await dayFile(d))
      expect(res.status, await res.clone().text()).toBe(201)
    }
    const list = await page(`/flows/archive?router=${ROUTER}`)
    const html = await list.text()
    expect(list.status).toBe(200)
    expect(html).toContain('3 file(s) of rtr-pages')
    for (const d of [25, 26, 27]) expect(html).toContain(dayName(d))
    expect(html).toContain(`<option value="${ROUTER}">`)
  })

  it('shows a bad range or router inside the page with a 422', async () => {
    const res = await page(`/flows/archive?router=${ROUTER}&from=yesterday`)
    expect(res.status).toBe(422)
    expect(await res.text()).toContain('neither an ISO 8601 time')
    const router = await page('/flows/archive?router=..%2Fetc')
    expect(router.status).toBe(422)
  })
})

describe('the query form', () => {
  const base = {
    routers: ROUTER,
    from: '2010-11-01T00:00:00Z',
    to: '2010-11-30T00:00:00Z',
    output: 'timeline',
    bucket: 'hour',
    top: '5',
  }

  it('refuses a cross-site post and a missing CSRF token', async () => {
    const cross = await form('/ui/archive/query', { ...base, csrf: csrfToken }, 'https://evil.test')
    expect(cross.status).toBe(403)
    const stale = await form('/ui/archive/query', { ...base, csrf: 'nope' })
    expect(stale.status).toBe(403)
    expect(await stale.text()).toContain('Log in first')
  })

  it('shows a filter syntax error with its line and column, and a range with no file', async () => {
    const syntax = await form('/ui/archive/query', {
      ...base,
      expr: 'port 6667 or',
      csrf: csrfToken,
    })
    expect(syntax.status).toBe(422)
    expect(await syntax.text()).toMatch(/line 1, column \d+/)
    const empty = await form('/ui/archive/query', {
      ...base,
      from: '2011-01-01T00:00:00Z',
      to: '2011-01-02T00:00:00Z',
      csrf: csrfToken,
    })
    expect(empty.status).toBe(422)
    expect(await empty.text()).toContain('no archived file of rtr-pages')
    const top = await form('/ui/archive/query', { ...base, top: '0', csrf: csrfToken })
    expect(top.status).toBe(422)
    expect(await top.text()).toContain('top:')
  })

  it('starts the job through the API code and shows its answer on the job page', async () => {
    const res = await form('/ui/archive/query', {
      ...base,
      expr: 'port 6667 or port 7000',
      csrf: csrfToken,
    })
    expect(res.status, await res.clone().text()).toBe(303)
    const href = res.headers.get('location') ?? ''
    expect(href).toMatch(/^\/flows\/jobs\/[0-9a-f-]{36}$/)
    let html = ''
    for (let i = 0; i < 300; i++) {
      html = await (await page(href)).text()
      if (html.includes('id="first-seen"')) break
      expect(html).toContain('reloads itself')
      await new Promise((r) => setTimeout(r, 200))
    }
    const first = FIRST_IRC.replace('T', ' ').replace('.000Z', ' UTC')
    expect(html).toMatch(
      new RegExp(`id="first-seen".*${first}.*${VICTIM}:\\d+ → ${IRC_SERVER}:6667`, 's'),
    )
    expect(html).toContain('<svg role="img"')
    // The bars stand on the query's range (29 days of hours), not only on the hours with flows.
    expect(html).toContain(
      'aria-label="Matching flows per hour from 2010-11-01 00:00 to 2010-11-29 23:00 UTC: 696 hours,',
    )
    expect(html).not.toContain('reloads itself')
    // The same job answers curl as JSON.
    const api = await call(href, { token: true })
    expect(((await api.json()) as { state: string }).state).toBe('done')
    // Deleted from its page: the job is gone for the page and the API.
    const stale = await form(`${href.replace('/flows/jobs/', '/ui/jobs/')}/delete`, { csrf: 'x' })
    expect(stale.status).toBe(403)
    // Without the tick, nothing is deleted.
    const unconfirmed = await form(`${href.replace('/flows/jobs/', '/ui/jobs/')}/delete`, {
      csrf: csrfToken,
    })
    expect(unconfirmed.status).toBe(422)
    expect((await page(href)).status).toBe(200)
    const del = await form(`${href.replace('/flows/jobs/', '/ui/jobs/')}/delete`, {
      csrf: csrfToken,
      confirm: 'yes',
    })
    expect(del.status).toBe(200)
    expect(await del.text()).toContain(`Deleted job ${href.split('/').at(-1)}`)
    expect((await page(href)).status).toBe(404)
    expect((await call(href, { token: true })).status).toBe(404)
  })

  it('downloads the flows of an output=flows job with the session only', async () => {
    const res = await form('/ui/archive/query', {
      ...base,
      output: 'flows',
      expr: `host ${IRC_SERVER}`,
      csrf: csrfToken,
    })
    expect(res.status).toBe(303)
    const id = (res.headers.get('location') ?? '').split('/').at(-1) ?? ''
    for (let i = 0; i < 300; i++) {
      if ((await (await page(`/flows/jobs/${id}`)).text()).includes('Download')) break
      await new Promise((r) => setTimeout(r, 200))
    }
    const anonymous = await call(`/ui/jobs/${id}/flows`)
    expect(anonymous.status).toBe(401)
    const csv = await call(`/ui/jobs/${id}/flows`, { headers: { cookie } })
    expect(csv.status).toBe(200)
    expect(csv.headers.get('content-disposition')).toContain(`flows-${id}.csv`)
    const lines = (await csv.text()).trim().split('\n')
    expect(lines[0]).toMatch(/^#:/)
    expect(lines.length).toBeGreaterThan(1)
    expect(lines.slice(1).every((l) => l.includes(IRC_SERVER))).toBe(true)
  })
})

describe('the job page', () => {
  it('answers a bad or unknown id inside the page', async () => {
    const bad = await page('/flows/jobs/not-a-job')
    expect(bad.status).toBe(422)
    expect(await bad.text()).toContain('is not a job id')
    const unknown = await page(`/flows/jobs/${crypto.randomUUID()}`)
    expect(unknown.status).toBe(404)
    const anonymous = await call(`/flows/jobs/${crypto.randomUUID()}`, { headers: HTML })
    expect(anonymous.status).toBe(401)
    expect(await anonymous.text()).toContain('log in')
  })
})

describe('the delete form', () => {
  it('needs the confirmation, then deletes the files that start in the range', async () => {
    const fields = {
      router: ROUTER,
      from: '2010-11-10T00:00:00Z',
      to: '2010-11-11T23:59:59Z',
      csrf: csrfToken,
    }
    const unconfirmed = await form('/ui/archive/delete', fields)
    expect(unconfirmed.status).toBe(422)
    expect(await unconfirmed.text()).toContain('Not confirmed')
    const res = await form('/ui/archive/delete', { ...fields, confirm: 'yes' })
    expect(res.status).toBe(200)
    const html = await res.text()
    expect(html).toContain(`Deleted 2 file(s) of ${ROUTER}: ${dayName(26)}, ${dayName(27)}`)
    expect(html).toContain('1 file(s) of rtr-pages')
  })
})
