// The dashboard session as API credentials: the cookie AND its CSRF token in X-CSRF-Token count
// as the token; either alone does not. Also the saved-analysis page that relies on it.
import { beforeAll, describe, expect, it } from 'vitest'
import { dayFile } from '../support/month-archive'
import { call, problemOf, TOKEN } from './helpers'

const HTML = { accept: 'text/html' }
let cookie = ''
let csrf = ''

beforeAll(async () => {
  const login = await call('/login', {
    method: 'POST',
    headers: {
      origin: 'https://edgeping.test',
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: `token=${TOKEN}&next=/flows`,
    redirect: 'manual',
  })
  expect(login.status).toBe(303)
  cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? ''
  const page = await (await call('/flows', { headers: { ...HTML, cookie } })).text()
  csrf = /id="flows-csrf" value="([0-9a-f]+)"/.exec(page)?.[1] ?? ''
  expect(csrf).toMatch(/^[0-9a-f]{64}$/)
})

const LIST = '/flows/archive?router=rtr1&from=0&to=1'

describe('where login returns to', () => {
  const landing = async (next: string) => {
    const res = await call('/login', {
      method: 'POST',
      headers: {
        origin: 'https://edgeping.test',
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: `token=${TOKEN}&next=${encodeURIComponent(next)}`,
      redirect: 'manual',
    })
    expect(res.status, next).toBe(303)
    return res.headers.get('location')
  }

  it('returns to a same-site path with its query', async () => {
    expect(await landing('/dns?name=a.test&type=MX')).toBe('/dns?name=a.test&type=MX')
  })

  it('never leaves the site, whatever characters hide the second slash', async () => {
    // Browsers drop tabs and newlines from URLs: /\t/evil.example would be //evil.example.
    for (const next of [
      '/\t/evil.example/',
      '/\n/evil.example/',
      '//evil.example/',
      '/\\evil.example',
      'https://evil.example/',
    ]) {
      expect(await landing(next), JSON.stringify(next)).toBe('/')
    }
  })
})

describe('session credentials on API routes', () => {
  it('accepts the session cookie with its CSRF token', async () => {
    const res = await call(LIST, { headers: { cookie, 'x-csrf-token': csrf } })
    expect(res.status).toBe(200)
  })

  it('refuses the cookie alone, a wrong token, and the token without the cookie', async () => {
    for (const headers of [
      { cookie },
      { cookie, 'x-csrf-token': 'a'.repeat(64) },
      { 'x-csrf-token': csrf },
    ]) {
      const res = await call(LIST, { headers })
      expect(res.status).toBe(401)
      expect((await problemOf(res)).detail).toContain('log in')
    }
  })
})

describe('the saved analysis page', () => {
  it('shows a saved report with only the top-N tables it counted', async () => {
    const save = async (tables: string) => {
      const res = await call(`/flows/report?save=1&top=3&tables=${tables}`, {
        method: 'POST',
        headers: { cookie, 'x-csrf-token': csrf },
        body: await dayFile(25),
      })
      expect(res.status, await res.clone().text()).toBe(200)
      const { id } = (await res.json()) as { id: string }
      const page = await call(`/flows/analyses/${id}`, { headers: { ...HTML, cookie } })
      expect(page.status).toBe(200)
      return page.text()
    }
    const some = await save('srcaddr,prot')
    expect(some).toContain('aria-label="Top talkers"')
    expect(some).toContain('Source addresses')
    expect(some).toContain('Protocols')
    expect(some).not.toContain('Destination addresses')
    const none = await save('none')
    expect(none).toContain('flow-stat summary')
    expect(none).not.toContain('aria-label="Top talkers"')
  })

  it('shows a timeline saved through the API, and needs a login', async () => {
    const body = await dayFile(25) // 2010-11-09, the day the IRC traffic starts
    const res = await call('/flows/timeline?save=1&expr=port%206667%20or%20port%207000', {
      method: 'POST',
      headers: { cookie, 'x-csrf-token': csrf },
      body,
    })
    expect(res.status, await res.clone().text()).toBe(200)
    const { id } = (await res.json()) as { id: string }
    const page = await call(`/flows/analyses/${id}`, { headers: { ...HTML, cookie } })
    expect(page.status).toBe(200)
    const html = await page.text()
    expect(html).toMatch(/id="first-seen".*2010-11-09 01:25:41 UTC.*208\.83\.20\.130:6667/s)
    expect(html).toContain('expr: port 6667 or port 7000')
    const anonymous = await call(`/flows/analyses/${id}`, { headers: HTML })
    expect(anonymous.status).toBe(401)
    expect((await call('/flows/analyses/nope', { headers: { ...HTML, cookie } })).status).toBe(422)
    const unknown = await call(`/flows/analyses/${crypto.randomUUID()}`, {
      headers: { ...HTML, cookie },
    })
    expect(unknown.status).toBe(404)
  })
})

describe('the targets editor form', () => {
  it('refuses a post without the tree field rather than save an empty tree', async () => {
    const tree = 'probe = TCPPing\n\n+ kept\nhost = 127.0.0.1\nport = 9\n'
    const put = await call('/targets', {
      method: 'PUT',
      token: true,
      headers: { 'content-type': 'text/plain' },
      body: tree,
    })
    expect(put.status).toBe(200)
    const res = await call('/targets', {
      method: 'POST',
      headers: {
        ...HTML,
        cookie,
        origin: 'https://edgeping.test',
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: `csrf=${csrf}&txt=typo`,
    })
    expect(res.status).toBe(400)
    const page = await res.text()
    expect(page).toContain('the stored tree is unchanged')
    // The editor on that page holds the stored tree, not an empty one to save by mistake.
    expect(page).toContain('+ kept')
    const after = await call('/targets', { headers: { accept: 'text/plain' } })
    expect(await after.text()).toContain('+ kept')
  })
})
