import { describe, expect, it } from 'vitest'
import { call, problemOf } from './helpers'

describe('the app skeleton', () => {
  it('answers /health', async () => {
    const res = await call('/health')
    expect(res.status).toBe(200)
    expect(await res.json()).toMatchObject({ status: 'ok', service: 'edgeping' })
  })

  it('gives every response a request id, echoed as the problem instance', async () => {
    const res = await call('/nowhere')
    expect(res.status).toBe(404)
    const id = res.headers.get('x-request-id')
    expect(id).toBeTruthy()
    expect((await problemOf(res)).instance).toBe(id)
  })

  it('answers 405 with Allow when only the method is wrong, 404 when the path is unknown', async () => {
    for (const [method, path, allow] of [
      ['GET', '/flows/print', 'POST'],
      ['DELETE', '/flows/summary', 'POST'],
      ['PATCH', '/flows/filters/incident', 'DELETE, GET, HEAD, PUT'],
      ['POST', '/health', 'GET, HEAD'],
    ] as const) {
      const res = await call(path, { method })
      expect(res.status, `${method} ${path}`).toBe(405)
      expect(res.headers.get('allow'), `${method} ${path}`).toBe(allow)
      const p = await problemOf(res)
      expect(p.detail).toBe(`${path} answers ${allow}, not ${method}; see /docs`)
    }
    expect((await call('/flows/nowhere', { method: 'POST' })).status).toBe(404)
    // A trailing slash is another path, for the 405 as for the route: no Allow that then 404s.
    expect((await call('/flows/print/')).status).toBe(404)
    expect((await call('/health/', { method: 'POST' })).status).toBe(404)
    expect((await call('/nowhere', { method: 'DELETE' })).status).toBe(404)
  })

  it('answers 400, not 500, for a dashboard form post whose body does not parse', async () => {
    for (const [path, type, body] of [
      ['/login', 'multipart/form-data', 'x'],
      [
        '/login',
        'multipart/form-data; boundary=b',
        '--b\r\nContent-Disposition: form-data; name="token"\r\n\r\nabc',
      ],
      ['/flows/filters', 'multipart/form-data', 'x'],
      ['/probes', 'multipart/form-data', 'x'],
    ] as const) {
      const res = await call(path, {
        method: 'POST',
        body,
        headers: { 'content-type': type, origin: 'https://edgeping.test' },
      })
      expect(res.status, `${path} ${type}`).toBe(400)
      const p = await problemOf(res)
      expect(p.type).toBe('/problems/malformed-form')
      expect(p.detail).toContain('does not parse as a form')
    }
  })

  it('answers an API client POSTing JSON to a dashboard form path with a 415 naming the API call', async () => {
    for (const [path, api] of [
      ['/targets', 'PUT /targets'],
      ['/probes', 'POST /probes/referer'],
      ['/flows/filters', 'PUT /flows/filters/{name}'],
      ['/ui/archive/query', 'POST /flows/archive/query'],
    ] as const) {
      const res = await call(path, {
        method: 'POST',
        token: true,
        body: '{}',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
      })
      expect(res.status, path).toBe(415)
      const p = await problemOf(res)
      expect(p.detail).toContain(
        `POST ${path} is the dashboard's form and takes a form body from its pages, not application/json; the API is ${api} `,
      )
    }
  })

  it('caps a dashboard form at 1 MiB before parsing it, logged in or not', async () => {
    const res = await call('/login', {
      method: 'POST',
      body: `token=${'x'.repeat(1_100_000)}`,
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        origin: 'https://edgeping.test',
      },
    })
    expect(res.status).toBe(413)
    expect(await problemOf(res)).toMatchObject({
      type: '/problems/body-too-large',
      detail: 'a dashboard form may be at most 1048576 bytes',
    })
  })

  it('names the media types a route takes in its 415', async () => {
    const res = await call('/dns/lookup', {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: 'example.test',
    })
    expect(res.status).toBe(415)
    expect((await problemOf(res)).detail).toBe(
      'POST /dns/lookup takes application/json, not text/plain',
    )
  })

  it('shows a problem to a browser as a page, and keeps problem+json for API clients', async () => {
    const page = await call('/flows/filters/nosuch', {
      headers: { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' },
    })
    expect(page.status).toBe(404)
    expect(page.headers.get('content-type')).toMatch(/^text\/html/)
    const html = await page.text()
    expect(html).toContain('<div class="error" role="alert"><strong>404 ')
    expect(html).toContain('<a href="/">Dashboard</a>')
    const api = await call('/flows/filters/nosuch', { headers: { accept: '*/*' } })
    expect(api.status).toBe(404)
    await problemOf(api)
    // HEAD answers as GET does; an API URL's 401 offers no login (the cookie alone never counts).
    const head = await call('/nosuch', { method: 'HEAD', headers: { accept: 'text/html' } })
    expect(head.headers.get('content-type')).toMatch(/^text\/html/)
    const unauthorized = await call('/flows/jobs/00000000-0000-4000-8000-000000000000/flows', {
      headers: { accept: 'text/html' },
    })
    expect(unauthorized.status).toBe(401)
    expect(await unauthorized.text()).not.toContain('>Log in</a> ·')
  })

  it('keeps a custom resolver URL chosen in the lookup form', async () => {
    const url = 'https://doh.example.test/dns-query'
    const res = await call(`/dns?name=www.example.test&resolver=${encodeURIComponent(url)}`, {
      headers: { accept: 'text/html' },
    })
    expect(await res.text()).toContain(`<option value="${url}" selected="">${url}</option>`)
  })

  it('looks up the default types when the dashboard form sends an empty Types field', async () => {
    const res = await call('/dns?name=www.example.test&type=', { headers: { accept: 'text/html' } })
    expect(res.status).toBe(200)
    expect(await res.text()).toContain('2001:db8::63')
  })

  it('says why a dashboard form post from elsewhere is refused', async () => {
    const res = await call('/flows/filters', {
      method: 'POST',
      body: 'name=x&config=y',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    })
    expect(res.status).toBe(403)
    const p = await problemOf(res)
    expect(p.title).toBe('Forbidden')
    expect(p.detail).toContain('/flows/filters is a dashboard form')
  })

  it('serves an OpenAPI 3.1 document where every operation documents a problem+json error', async () => {
    const res = await call('/openapi.json')
    const doc = (await res.json()) as {
      openapi: string
      paths: Record<
        string,
        Record<string, { responses: Record<string, { content?: Record<string, unknown> }> }>
      >
    }
    expect(doc.openapi).toBe('3.1.0')
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/dns/lookup', '/dns/ipv6-readiness', '/health']),
    )
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        if (path === '/health') continue
        const problems = Object.entries(op.responses).filter(
          ([status, r]) => Number(status) >= 400 && r.content?.['application/problem+json'],
        )
        expect(problems.length, `${method.toUpperCase()} ${path}`).toBeGreaterThan(0)
      }
    }
  })

  it('documents the flow analyzer uploads (raw or multipart) and save=1 answers', async () => {
    type Op = {
      requestBody?: { content: Record<string, unknown> }
      responses: Record<string, { content?: Record<string, unknown>; headers?: object }>
    }
    const doc = (await (await call('/openapi.json')).json()) as {
      paths: Record<string, { post?: Op }>
      components: { schemas: Record<string, { properties: Record<string, unknown> }> }
    }
    for (const route of ['print', 'summary', 'report', 'timeline']) {
      const op = doc.paths[`/flows/${route}`]?.post
      expect(Object.keys(op?.requestBody?.content ?? {}), route).toEqual([
        'application/octet-stream',
        'multipart/form-data',
      ])
      if (route !== 'print') expect(op?.responses[200]?.headers, route).toHaveProperty('Location')
    }
    expect(Object.keys(doc.paths['/flows/print']?.post?.responses[200]?.content ?? {})).toContain(
      'text/csv',
    )
    for (const schema of ['FlowSummary', 'FlowReport', 'FlowTimeline'])
      expect(doc.components.schemas[schema]?.properties, schema).toHaveProperty('id')
  })

  it('serves the docs UI', async () => {
    const res = await call('/docs')
    expect(res.status).toBe(200)
    expect(await res.text()).toContain('/openapi.json')
  })
})
