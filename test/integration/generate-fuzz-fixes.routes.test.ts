// Route-level fixes found by a black-box fuzz of /generate.
import { describe, expect, it } from 'vitest'
import { call, problemOf } from './helpers'

async function errorsOf(res: Response): Promise<unknown> {
  expect(res.status).toBe(422)
  return (await problemOf(res)).errors
}

function putTargets(body: string) {
  return call('/targets', {
    method: 'PUT',
    token: true,
    headers: { 'content-type': 'text/plain' },
    body,
  })
}

describe('repeated query parameters', () => {
  it('refuses a scalar given twice instead of taking the last one', async () => {
    const res = await call('/generate/syslog-conf?facility=local7&file=/a&file=/b')
    expect(await errorsOf(res)).toEqual([{ path: 'query.file', message: 'file is given once' }])
  })

  it('refuses format given twice instead of taking the first one', async () => {
    const res = await call('/generate/syslog-conf?file=/a&format=text&format=json')
    expect(await errorsOf(res)).toEqual([{ path: 'query.format', message: 'format is given once' }])
  })

  it('still takes an array as repeated parameters', async () => {
    const res = await call('/generate/modsecurity?terms=porn&terms=spam')
    expect(res.status).toBe(200)
    expect(await res.text()).toContain('"@rx spam"')
  })
})

describe('JSON bodies', () => {
  it('takes a structured-syntax +json type as JSON (RFC 6839)', async () => {
    const res = await call('/generate/modsecurity', {
      method: 'POST',
      headers: { 'content-type': 'application/vnd.api+json' },
      body: JSON.stringify({ terms: ['porn'] }),
    })
    expect(res.status).toBe(200)
  })
})

describe('modsecurity rule ids', () => {
  it('refuses baseId 2147483648 with a 422 naming baseId', async () => {
    const res = await call('/generate/modsecurity?terms=a&baseId=2147483648')
    expect(await errorsOf(res)).toMatchObject([{ path: 'baseId' }])
  })

  it('refuses an @rbl rule id above 2147483647, naming baseId', async () => {
    const res = await call('/generate/modsecurity?terms=a&baseId=2147483647&rbl=zen.spamhaus.org')
    expect(await errorsOf(res)).toMatchObject([{ path: 'baseId' }])
  })
})

describe('smokeping', () => {
  it('answers a 900-level tree (34 KB) with the 8-level 422, not a 500', async () => {
    let node: Record<string, unknown> = { name: 'h', title: 'H', host: '192.0.2.1' }
    for (let i = 0; i < 900; i++) node = { name: `l${i}`, title: 'L', children: [node] }
    const body = JSON.stringify({ targets: { children: [node] } })
    expect(body.length).toBeLessThan(64 * 1024)
    const res = await call('/generate/smokeping', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    })
    expect(await errorsOf(res)).toEqual([
      { path: 'targets', message: 'at most 8 levels of targets' },
    ])
  })

  it('refuses a target named title, naming its path', async () => {
    const targets = JSON.stringify({
      children: [
        { name: 'g', title: 'G', children: [{ name: 'title', title: 'T', host: '192.0.2.1' }] },
      ],
    })
    const res = await call(`/generate/smokeping?targets=${encodeURIComponent(targets)}`)
    expect(await errorsOf(res)).toMatchObject([{ path: 'targets.children.0.children.0.name' }])
  })
})

describe('smokeping from the stored tree', () => {
  const STORED = `*** Targets ***
probe = TCPPing
menu = Top
title = Edge (main)

+ web
probe = Curl
title = Health
host = 127.0.0.1
urlformat = http://%host%:8831/health?x=1
`

  it('writes stored values the generator used to refuse', async () => {
    expect((await putTargets(STORED)).status).toBe(200)
    const res = await call('/generate/smokeping?source=stored&mode=targets')
    expect(res.status).toBe(200)
    const text = await res.text()
    expect(text).toContain('title = Edge (main)\n')
    expect(text).toContain('urlformat = http://%host%:8831/health?x=1')
  })

  it('says when the stored tree holds a value SmokePing cannot take, naming the target', async () => {
    // PUT /targets takes quotes (SmokePing reads them); the generator does not write them.
    expect((await putTargets(STORED.replace('title = Health', 'title = Health "1"'))).status).toBe(
      200,
    )
    const res = await call('/generate/smokeping?source=stored')
    const errors = (await errorsOf(res)) as { path: string; message: string }[]
    expect(errors).toHaveLength(1)
    expect(errors[0]?.path).toBe('stored-targets.web.title')
    expect(errors[0]?.message).toContain('the stored tree (PUT /targets) has a value')
  })

  it('refuses targets sent along with source=stored', async () => {
    const res = await call('/generate/smokeping?source=stored&targets={}')
    expect(await errorsOf(res)).toMatchObject([{ path: 'query.targets' }])
  })
})
