import { describe, expect, it } from 'vitest'
import { call, problemOf } from './helpers'

const CONFIG = `filter-primitive victim
  type ip-address
  permit 189.22.36.165

filter-primitive port80
  type ip-port
  permit 80

filter-definition not-victim-web
  invert
  match ip-source-address victim
  match ip-destination-port port80
  or
  match ip-destination-address victim
  match ip-source-port port80
`

function put(name: string, body: string, init: RequestInit & { token?: boolean } = {}) {
  return call(`/flows/filters/${name}`, {
    method: 'PUT',
    body,
    token: true,
    ...init,
    headers: { 'content-type': 'text/plain', ...(init.headers ?? {}) },
  })
}

describe('saved filter sets /flows/filters', () => {
  it('saves, lists, fetches and deletes a set', async () => {
    const saved = await put('incident', CONFIG)
    expect(saved.status).toBe(200)
    expect(await saved.json()).toMatchObject({
      name: 'incident',
      primitives: ['victim', 'port80'],
      definitions: ['not-victim-web'],
      warnings: [],
    })

    const listed = await call('/flows/filters')
    expect(await listed.json()).toEqual({ filters: ['incident'] })

    const json = await call('/flows/filters/incident')
    expect(json.status).toBe(200)
    expect(await json.json()).toMatchObject({ name: 'incident', config: CONFIG })

    const text = await call('/flows/filters/incident', { headers: { accept: 'text/plain' } })
    expect(text.headers.get('content-type')).toContain('text/plain')
    expect(await text.text()).toBe(CONFIG)

    const gone = await call('/flows/filters/incident', { method: 'DELETE', token: true })
    expect(gone.status).toBe(204)
    expect((await call('/flows/filters/incident')).status).toBe(404)
    expect(await (await call('/flows/filters')).json()).toEqual({ filters: [] })
  })

  it('accepts JSON { config } as well as text', async () => {
    const res = await call('/flows/filters/as-json', {
      method: 'PUT',
      token: true,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ config: CONFIG }),
    })
    expect(res.status).toBe(200)
    expect(await res.json()).toMatchObject({ definitions: ['not-victim-web'] })
  })

  it('saves a set whose variables are set later, and returns its warnings', async () => {
    const res = await put(
      'with-vars',
      'filter-primitive p\n  type ip-port\n  permit @PORTS\n  permit 22\n  deny 22\nfilter-definition d\n  match ip-destination-port p\n',
    )
    expect(res.status).toBe(200)
    const body = (await res.json()) as { warnings: { message: string }[] }
    expect(body.warnings.map((w) => w.message)).toEqual([
      'line 5: index 22 previously set as permit.',
    ])
  })

  it('returns 422 problem+json with line, column and excerpt for a bad configuration', async () => {
    const res = await put('bad', 'filter-primitive p\n  type ip-port\n  permit 22 23\n')
    expect(res.status).toBe(422)
    const p = await problemOf(res)
    expect(p).toMatchObject({
      type: '/problems/invalid-filter',
      status: 422,
      code: 'unexpected_word',
      line: 3,
      column: 13,
      excerpt: '2 |   type ip-port\n3 |   permit 22 23\n  |             ^^\n',
    })
    expect(p.detail).toContain('Unexpected "23".')
    expect((await call('/flows/filters/bad')).status).toBe(404)
  })

  it('refuses an unresolvable primitive before saving', async () => {
    const res = await put('unresolved', 'filter-definition d\n  match ip-source-address nosuch\n')
    const p = await problemOf(res)
    expect(p).toMatchObject({ status: 422, code: 'unknown_primitive', line: 2, column: 27 })
  })

  it('requires the token to write or delete', async () => {
    const res = await put('nope', CONFIG, { token: false })
    expect(res.status).toBe(401)
    await problemOf(res)
    const del = await call('/flows/filters/nope', { method: 'DELETE' })
    expect(del.status).toBe(401)
  })

  it('refuses a bad name with 422', async () => {
    const res = await call('/flows/filters/..%2Fetc')
    expect(res.status).toBe(422)
    await problemOf(res)
  })

  it('refuses an oversized configuration with 413', async () => {
    const res = await put('huge', `# ${'x'.repeat(300 * 1024)}\n`)
    expect(res.status).toBe(413)
    // The one type every route's body cap gives.
    expect((await problemOf(res)).type).toBe('/problems/body-too-large')
  })

  it('measures a JSON-sent configuration, not its escaped body', async () => {
    // 250,000 bytes of comments and newlines: escaped, the JSON body is over 256 KiB.
    const big = `${'#\n'.repeat(60_000)}${CONFIG}`.padEnd(250_000, '\n')
    const body = JSON.stringify({ config: big })
    expect(body.length).toBeGreaterThan(262_144)
    const ok = await put('json-big', body, { headers: { 'content-type': 'application/json' } })
    expect(ok.status, await ok.clone().text()).toBe(200)
    const over = await put('json-over', JSON.stringify({ config: big.padEnd(262_145, '\n') }), {
      headers: { 'content-type': 'application/json' },
    })
    expect(over.status).toBe(413)
  })

  it('refuses another media type with 415', async () => {
    const res = await put('xml', '<x/>', { headers: { 'content-type': 'application/xml' } })
    expect(res.status).toBe(415)
    await problemOf(res)
  })

  it('says what to send: a body without a media type, malformed JSON, another type', async () => {
    // curl -T sends no Content-Type: the answer says to send one.
    const bare = await call('/flows/filters/bare', {
      method: 'PUT',
      body: new TextEncoder().encode(CONFIG),
      token: true,
    })
    expect(bare.status).toBe(415)
    expect(String((await problemOf(bare)).detail)).toContain('the body has no Content-Type')
    const broken = await put('broken', '{"config": ', {
      headers: { 'content-type': 'application/json' },
    })
    expect(broken.status).toBe(400)
    expect(String((await problemOf(broken)).detail)).toContain('Malformed JSON')
    const xml = await put('xml', '<x/>', { headers: { 'content-type': 'application/xml' } })
    expect(String((await problemOf(xml)).detail)).toBe(
      'PUT /flows/filters/xml takes text/plain or application/json, not application/xml',
    )
  })

  it('answers 404 problem+json to deleting a set that does not exist', async () => {
    const res = await call('/flows/filters/missing', { method: 'DELETE', token: true })
    expect(res.status).toBe(404)
    await problemOf(res)
  })
})
