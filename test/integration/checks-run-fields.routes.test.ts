// POST /checks/run takes only the fields of the chosen probe kind, and a host that kind can use.
import { describe, expect, inject, it } from 'vitest'
import { call, problemOf } from './helpers'

const TCP_PORT = inject('checksTcpPort')
const HTTP = inject('checksHttpUrl')

const post = (body: object) =>
  call('/checks/run', {
    method: 'POST',
    token: true,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })

/** The paths of a 422's validation errors, sorted. */
async function errorPaths(res: Response): Promise<string[]> {
  expect(res.status).toBe(422)
  const problem = (await problemOf(res)) as { errors?: { path: string }[] }
  return (problem.errors ?? []).map((e) => e.path).sort()
}

describe('POST /checks/run refuses what the probe does not take', () => {
  it('answers 422 naming each field a tcp probe does not take and the URL given as host', async () => {
    const res = await post({
      probe: 'tcp',
      host: 'http://127.0.0.1:1/',
      urlformat: 'javascript:1',
      status: 'abc',
      pings: 3,
    })
    expect(await errorPaths(res.clone())).toEqual(['json.host', 'json.status', 'json.urlformat'])
    const problem = await problemOf(res)
    expect(problem.detail).toContain('json.status: the tcp probe does not take status')
    // The values are not echoed back.
    expect(JSON.stringify(problem)).not.toContain('javascript')
  })

  it("answers 422 for another kind's fields on http and dns probes", async () => {
    const http = await post({
      probe: 'http',
      host: '127.0.0.1',
      urlformat: `${HTTP}/ok`,
      port: 8080,
      lookup: 'example.com',
    })
    expect(await errorPaths(http)).toEqual(['json.lookup', 'json.port'])
    const dns = await post({
      probe: 'dns',
      host: 'http://127.0.0.1:8054/dns-query',
      lookup: 'ns2.example.test',
      status: '200',
    })
    expect(await errorPaths(dns)).toEqual(['json.status'])
  })

  it('answers 422 for a URL as the host of an http probe, pointing to urlformat', async () => {
    const res = await post({ probe: 'http', host: `${HTTP}/ok` })
    expect(await errorPaths(res.clone())).toEqual(['json.host'])
    expect((await problemOf(res)).detail).toContain('urlformat')
    // A plain bad host: the field is named, the value not echoed (it may hold a secret), no URL hint.
    const bad = await post({ probe: 'tcp', host: 'no such host!', port: 80 })
    const detail = String((await problemOf(bad)).detail)
    expect(detail).toContain('json.host: is not a host name or IP address')
    expect(detail).not.toContain('no such host')
    expect(detail).not.toContain('urlformat')
    // An empty host gets one error, not two.
    expect(await errorPaths(await post({ probe: 'tcp', host: '', port: 80 }))).toEqual([
      'json.host',
    ])
  })

  it('takes one word as the label host when urlformat names its own host, and does not echo another', async () => {
    const spaced = await post({
      probe: 'http',
      host: 'my secret token',
      urlformat: `${HTTP}/ok`,
      pings: 3,
    })
    expect(spaced.status).toBe(422)
    expect(String((await problemOf(spaced)).detail)).not.toContain('secret')
    const label = await post({
      probe: 'http',
      host: 'web-label',
      urlformat: `${HTTP}/ok`,
      pings: 3,
    })
    expect(label.status, await label.clone().text()).toBe(200)
  })

  it('takes any host label when urlformat names its own host, as SmokePing Curl does', async () => {
    const res = await post({
      probe: 'http',
      host: 'https://label.invalid/',
      urlformat: `${HTTP}/ok`,
      pings: 3,
    })
    expect(res.status, await res.clone().text()).toBe(200)
  })
})

describe('POST /checks/run still runs what the probe takes', () => {
  it('times TCP connects to 127.0.0.1 with port, pings and timeout', async () => {
    const res = await post({
      probe: 'tcp',
      host: '127.0.0.1',
      port: TCP_PORT,
      pings: 3,
      timeout: 5,
    })
    expect(res.status, await res.clone().text()).toBe(200)
    const body = (await res.json()) as {
      target: Record<string, unknown>
      round: { status: string; pings: number; loss: number }
    }
    expect(body.round).toMatchObject({ status: 'ok', pings: 3, loss: 0 })
    expect(body.target).toMatchObject({ kind: 'tcp', host: '127.0.0.1', port: TCP_PORT })
    expect(body.target).not.toHaveProperty('status')
    expect(body.target).not.toHaveProperty('url')
  })

  it('documents which fields apply to which probe in the OpenAPI spec', async () => {
    const spec = (await (await call('/openapi.json')).json()) as {
      components: {
        schemas: Record<
          string,
          { description?: string; properties: Record<string, { description?: string }> }
        >
      }
    }
    const run = spec.components.schemas.CheckRun
    expect(run?.description).toContain('a field the probe does not take is a 422')
    expect(run?.properties.port?.description).toContain('tcp only')
    expect(run?.properties.status?.description).toContain('http and referer only')
  })
})
