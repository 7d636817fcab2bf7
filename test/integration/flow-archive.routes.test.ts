// The flow archive in workerd with Miniflare's local R2.
import { env } from 'cloudflare:test'
import { describe, expect, inject, it } from 'vitest'
import { buildFtFile } from './ft-file'
import { call, problemOf } from './helpers'

const files = inject('flowFixtures')

function bytes(path: string): Uint8Array {
  const b64 = files[path]
  if (!b64) throw new Error(`no fixture ${path}`)
  return Uint8Array.from(atob(b64), (ch) => ch.charCodeAt(0))
}

function put(router: string, name: string, body: Uint8Array, token = true): Promise<Response> {
  return call(`/flows/archive/${router}/${encodeURIComponent(name)}`, {
    method: 'PUT',
    body,
    headers: { 'content-length': String(body.length), 'content-type': 'application/octet-stream' },
    token,
  })
}

type Listing = {
  files: {
    name: string
    start: number
    end: number
    flows?: number
    spanSource: string
    size: number
  }[]
  truncated: boolean
}

async function list(query: string): Promise<Listing> {
  const res = await call(`/flows/archive?${query}`, { token: true })
  expect(res.status, await res.clone().text()).toBe(200)
  return (await res.json()) as Listing
}

const seedNames = Object.keys(files).filter((k) => k.startsWith('seed/'))

describe('flow archive', () => {
  it('selects a file by the flows it holds that started before its capture start (seed IRC flow)', async () => {
    const name = 'ft-v05.2010-11-09.060000+0000'
    const res = await put('rtrirc', name, bytes(`seed/2010-11-09/${name}`))
    expect(res.status, await res.clone().text()).toBe(201)
    const stored = (await res.json()) as { start: number; flowStart?: number; flowEnd?: number }
    // Capture from 06:01:18; the IRC flow 189.22.36.165:60702 -> 208.83.20.130:6667 from 05:55:41.
    expect(stored.flowStart).toBeLessThanOrEqual(Date.UTC(2010, 10, 9, 5, 55, 41) / 1000)
    expect(stored.flowStart).toBeLessThan(stored.start)
    const listed = await list('router=rtrirc&from=2010-11-09T05:56:00Z&to=2010-11-09T06:01:00Z')
    expect(listed.files.map((f) => f.name)).toEqual([name])
    const job = await call('/flows/archive/query', {
      method: 'POST',
      token: true,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        from: '2010-11-09T05:55:00Z',
        to: '2010-11-09T06:01:00Z',
        routers: ['rtrirc'],
        expr: 'port 6667',
        output: 'timeline',
      }),
    })
    expect(job.status, await job.clone().text()).toBe(202)
    const { href } = (await job.json()) as { href: string }
    let result:
      | { totals: { matched: number }; timeline: { firstSeen: { time: string } } }
      | undefined
    for (let i = 0; i < 300 && !result; i++) {
      const r = (await (await call(href, { token: true })).json()) as { result?: typeof result }
      result = r.result
      if (!result) await new Promise((ok) => setTimeout(ok, 100))
    }
    // Only the flows that start within the range: the IRC flow and one more of 05:55.
    expect(result?.totals.matched).toBe(2)
    expect(result?.timeline.firstSeen.time).toBe('2010-11-09T05:55:41.000Z')
  })

  it('warns when flows started more than an hour before the capture start', async () => {
    const capStart = Date.UTC(2010, 10, 12, 6) / 1000
    const file = await buildFtFile({
      flows: 100,
      capStart,
      capEnd: capStart + 3600,
      flowsStart: capStart - 7200,
    })
    const res = await put('rtrearly', 'ft-v05.2010-11-12.060000+0000', file)
    expect(res.status, await res.clone().text()).toBe(201)
    const stored = (await res.json()) as { flowStart: number; warnings?: string[] }
    expect(stored.flowStart).toBe(capStart - 7200)
    expect(stored.warnings).toEqual([
      'flows start up to 120 minutes before the capture start (2010-11-12T04:00:00Z); a time range finds this file only from 60 minutes before its capture start, so flows that started earlier are missed',
    ])
  })

  it('warns which ranges will not find a file longer than the listing looks back', async () => {
    // A flow-cat of five days, not a flow-capture name: stored under its start's day, 2010-11-01.
    const capStart = Date.UTC(2010, 10, 1, 6) / 1000
    const file = await buildFtFile({ flows: 100, capStart, capEnd: capStart + 5 * 86400 })
    const res = await put('rtrlong', 'cat-five-days.ft', file)
    expect(res.status, await res.clone().text()).toBe(201)
    const stored = (await res.json()) as { warnings?: string[] }
    expect(stored.warnings).toEqual([
      expect.stringContaining('ranges whose from is 2010-11-04T00:00:00Z or later do not find it'),
    ])
    // The warning names the listing's actual reach: a second earlier still finds the file.
    const before = await list('router=rtrlong&from=2010-11-03T23:59:59Z&to=2010-11-05T00:00:00Z')
    expect(before.files.map((f) => f.name)).toEqual(['cat-five-days.ft'])
    const after = await list('router=rtrlong&from=2010-11-04T00:00:00Z&to=2010-11-05T00:00:00Z')
    expect(after.files).toEqual([])
    // A day-long file gets no such warning.
    const day = await put(
      'rtrlong',
      'ft-v05.2010-11-20.000000+0000',
      await buildFtFile({
        flows: 10,
        capStart: Date.UTC(2010, 10, 20) / 1000,
        capEnd: Date.UTC(2010, 10, 20, 23, 59, 59) / 1000,
      }),
    )
    expect(((await day.json()) as { warnings?: string[] }).warnings).toBeUndefined()
  })

  it('stores the seed days and lists them by time span from the headers', async () => {
    for (const path of seedNames) {
      const name = path.split('/').at(-1) ?? ''
      const res = await put('rtr8', name, bytes(path))
      expect(res.status, await res.clone().text()).toBe(201)
      const stored = (await res.json()) as { spanSource: string; flows: number; size: number }
      expect(stored.spanSource).toBe('header')
      expect(stored.size).toBe(bytes(path).length)
    }
    const day2 = await list('router=rtr8&from=2010-11-09T00:00:00Z&to=2010-11-09T23:59:59Z')
    expect(day2.files.map((f) => f.name)).toEqual([
      'ft-v05.2010-11-09.000000+0000',
      'ft-v05.2010-11-09.060000+0000',
      'ft-v05.2010-11-09.120000+0000',
      'ft-v05.2010-11-09.180000+0000',
    ])
    // flow counts from the closed headers: 106, 100, 302, 84 (MANIFEST)
    expect(day2.files.map((f) => f.flows)).toEqual([106, 100, 302, 84])
    const night = await list(
      `router=rtr8&from=${Date.UTC(2010, 10, 9, 1, 0) / 1000}&to=${Date.UTC(2010, 10, 9, 2) / 1000}`,
    )
    expect(night.files.map((f) => f.name)).toEqual(['ft-v05.2010-11-09.000000+0000'])
    expect(
      (await list('router=rtr8&from=2010-11-01T00:00:00Z&to=2010-11-30T00:00:00Z&limit=3'))
        .truncated,
    ).toBe(true)
    expect(
      (await list('router=other&from=2010-11-01T00:00:00Z&to=2010-11-30T00:00:00Z')).files,
    ).toEqual([])
  })

  it('deletes the files that start in a range, and only those', async () => {
    for (const path of seedNames) await put('rtr9', path.split('/').at(-1) ?? '', bytes(path))
    const res = await call(
      '/flows/archive?router=rtr9&from=2010-11-08T00:00:00Z&to=2010-11-08T23:59:59Z',
      {
        method: 'DELETE',
        token: true,
      },
    )
    expect(res.status).toBe(200)
    expect(((await res.json()) as { deleted: string[] }).deleted).toHaveLength(4)
    const left = await list('router=rtr9&from=2010-11-01T00:00:00Z&to=2010-11-30T00:00:00Z')
    expect(left.files.map((f) => f.name.slice(7, 17))).toEqual([
      '2010-11-09',
      '2010-11-09',
      '2010-11-09',
      '2010-11-09',
    ])
  })

  it('dates an open file by its flow-capture name', async () => {
    const res = await put('rtr7', 'ft-v05.2024-01-15.120000+0000', bytes('random-v5-1k.z.ft'))
    expect(res.status).toBe(201)
    expect(await res.json()).toMatchObject({
      spanSource: 'name',
      endEstimated: true,
      start: Date.UTC(2024, 0, 15, 12) / 1000,
    })
  })

  it('stores one object per flow-capture name, whatever day its header starts on', async () => {
    // Named 23:50 on 2010-11-08; the seed file's header starts 2010-11-09 00:14. Uploaded open
    // first (dated by the name), then closed (dated by the header): one file, the later one.
    const name = 'ft-v05.2010-11-08.235000+0000'
    expect((await put('rtr6', name, bytes('random-v5-1k.z.ft'))).status).toBe(201)
    const closed = await put('rtr6', name, bytes('seed/2010-11-09/ft-v05.2010-11-09.000000+0000'))
    expect(closed.status, await closed.clone().text()).toBe(201)
    const both = await list('router=rtr6&from=2010-11-08T00:00:00Z&to=2010-11-10T00:00:00Z')
    expect(both.files.map((f) => [f.name, f.spanSource, f.flows])).toEqual([[name, 'header', 106]])
    // Stored under the name's day, found by the header's.
    const day2 = await list('router=rtr6&from=2010-11-09T00:10:00Z&to=2010-11-09T01:00:00Z')
    expect(day2.files.map((f) => f.name)).toEqual([name])
  })

  it("replaces the copy an older version stored under the header's day", async () => {
    // Before name-day keys, this closed file (named 23:50 on 11-08, header from 11-09 00:14) was
    // stored under 2010-11-09; uploaded again, that copy goes and one file is listed.
    const name = 'ft-v05.2010-11-08.235000+0000'
    const file = bytes('seed/2010-11-09/ft-v05.2010-11-09.000000+0000')
    const old = `flows/v1/rtr5/2010-11-09/${name}`
    await env.FLOW_ARCHIVE.put(old, file, {
      customMetadata: { start: '1289261656', end: '1289282144', endEstimated: 'false' },
    })
    expect((await put('rtr5', name, file)).status).toBe(201)
    expect(await env.FLOW_ARCHIVE.head(old)).toBeNull()
    expect(await env.FLOW_ARCHIVE.head(`flows/v1/rtr5/2010-11-08/${name}`)).not.toBeNull()
    const both = await list('router=rtr5&from=2010-11-08T00:00:00Z&to=2010-11-10T00:00:00Z')
    expect(both.files.map((f) => f.name)).toEqual([name])
  })

  it('reads every record on the way in: a damaged file is refused, the one stored before stays', async () => {
    const name = 'ft-v05.2010-11-09.000000+0000'
    const key = `flows/v1/rtr4/2010-11-09/${name}`
    const day = Date.UTC(2010, 10, 9) / 1000
    const good = await buildFtFile({ flows: 600, capStart: day, capEnd: day + 300, compress: true })
    const res = await put('rtr4', name, good)
    expect(res.status, await res.clone().text()).toBe(201)
    const answer = (await res.json()) as { flowsRead: number; warnings?: string[] }
    expect(answer.flowsRead).toBe(600)
    expect(answer.warnings).toBeUndefined()
    const damaged = good.slice()
    for (let i = 2000; i < 2040; i++) damaged[i] = (damaged[i] as number) ^ 0x5a
    const bad = await put('rtr4', name, damaged)
    expect(bad.status).toBe(422)
    const problem = await problemOf(bad)
    expect(problem).toMatchObject({ code: 'corrupt_zlib', file: name, inflated: true })
    expect(problem.detail).toContain('inflated byte offset')
    const kept = await env.FLOW_ARCHIVE.get(key)
    expect(new Uint8Array(await (kept as R2ObjectBody).arrayBuffer())).toEqual(good)
    // Cut short: compressed (the zlib stream ends early) or not (a partial last record).
    const cut = await put('rtr4', name, good.subarray(0, good.length - 20))
    expect(cut.status).toBe(422)
    expect(await problemOf(cut)).toMatchObject({ code: 'corrupt_zlib' })
    const plain = await buildFtFile({ flows: 100, capStart: day, capEnd: day + 300 })
    const cutRecord = await put('rtr4', name, plain.subarray(0, plain.length - 10))
    expect(cutRecord.status).toBe(422)
    expect(await problemOf(cutRecord)).toMatchObject({
      code: 'truncated_record',
      offset: plain.length - 64,
    })
    expect((await env.FLOW_ARCHIVE.head(key))?.size).toBe(good.length)
  })

  it('takes an open file cut at its end (a copy of the file being written), with a warning', async () => {
    const name = 'ft-v05.2010-11-10.000000+0000'
    const day = Date.UTC(2010, 10, 10) / 1000
    const open = await buildFtFile({
      flows: 600,
      capStart: day,
      capEnd: day + 300,
      compress: true,
      open: true,
    })
    const res = await put('rtr4', name, open.subarray(0, open.length - 25))
    expect(res.status, await res.clone().text()).toBe(201)
    const answer = (await res.json()) as { flowsRead: number; warnings: string[] }
    expect(answer.flowsRead).toBeGreaterThan(400)
    expect(answer.flowsRead).toBeLessThan(600)
    expect(answer.warnings).toEqual([expect.stringContaining('the file is open')])
  })

  it('refuses a flow-capture name more than a day from its header', async () => {
    const res = await put(
      'rtr6',
      'ft-v05.2010-12-25.000000+0000',
      bytes('seed/2010-11-09/ft-v05.2010-11-09.000000+0000'),
    )
    expect(res.status).toBe(422)
    const problem = await problemOf(res)
    expect(problem.detail).toContain('2010-12-25T00:00:00Z')
    expect(problem.detail).toContain('2010-11-09T00:14:16Z')
    expect(problem.detail).toContain('misnamed')
    const none = await list('router=rtr6&from=2010-12-24T00:00:00Z&to=2010-12-26T00:00:00Z')
    expect(none.files).toEqual([])
  })

  it('refuses an open file whose name says nothing about its time', async () => {
    const res = await put('rtr7', 'random.ft', bytes('random-v5-1k.z.ft'))
    expect(res.status).toBe(422)
    expect((await problemOf(res)).detail).toContain("not flow-capture's")
  })

  it('names the byte offset of a non-ft upload', async () => {
    const res = await put(
      'rtr7',
      'ft-v05.2024-01-15.120000+0000',
      new TextEncoder().encode('<html>hello</html>'),
    )
    expect(res.status).toBe(422)
    expect(await problemOf(res)).toMatchObject({
      code: 'bad_magic',
      offset: 0,
      file: 'ft-v05.2024-01-15.120000+0000',
    })
  })

  it('413 above ARCHIVE_MAX_FILE_BYTES, 411 without a length', async () => {
    const big = new Uint8Array(60_000)
    const res = await put('rtr7', 'ft-v05.2024-01-15.120000+0000', big)
    expect(res.status).toBe(413)
    expect((await problemOf(res)).detail).toContain('at most 50000 bytes')
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(bytes(seedNames[0] ?? ''))
        c.close()
      },
    })
    const chunked = await call('/flows/archive/rtr7/ft-v05.2010-11-08.000000+0000', {
      method: 'PUT',
      body: stream,
      token: true,
    })
    expect(chunked.status).toBe(411)
  })

  it('needs the token, a sane router and a time range', async () => {
    const body = bytes(seedNames[0] ?? '')
    expect((await put('rtr8', 'ft-v05.2010-11-08.000000+0000', body, false)).status).toBe(401)
    expect((await call('/flows/archive?router=rtr8&from=0&to=1')).status).toBe(401)
    expect((await put('bad%20router', 'x.ft', body)).status).toBe(422)
    expect((await put('rtr8', 'x\ny', body)).status).toBe(422)
    const backwards = await call(
      '/flows/archive?router=rtr8&from=2010-11-09T00:00:00Z&to=2010-11-08T00:00:00Z',
      { token: true },
    )
    expect(backwards.status).toBe(422)
    expect(await problemOf(backwards)).toMatchObject({ errors: [{ path: 'query.from' }] })
    const junk = await call('/flows/archive?router=rtr8&from=yesterday&to=now', { token: true })
    expect((await problemOf(junk)).detail).toContain('neither an ISO 8601 time')
    // The router of a listing or a deletion is in the query string, not the path.
    for (const method of ['GET', 'DELETE']) {
      const badRouter = await call('/flows/archive?router=bad%20router&from=0&to=1', {
        method,
        token: true,
      })
      expect(badRouter.status, method).toBe(422)
      expect(await problemOf(badRouter), method).toMatchObject({
        errors: [{ path: 'query.router' }],
      })
    }
  })

  it('reads times strictly: a DELETE with a sloppy time deletes nothing', async () => {
    await put('rtr10', 'ft-v05.2010-11-08.000000+0000', bytes(seedNames[0] ?? ''))
    // Date.parse read "oops 2010" as 2010-01-01, and this DELETE removed the file.
    for (const from of [
      'oops 2010',
      '-1',
      '2010-11-31',
      '8/11/2010',
      '2010-11-08T25:00:00Z',
      '2010-11-08T00:00:00+24:00',
    ]) {
      const res = await call(
        `/flows/archive?router=rtr10&from=${encodeURIComponent(from)}&to=2010-11-08T23:59:59Z`,
        { method: 'DELETE', token: true },
      )
      expect(res.status, from).toBe(422)
      expect((await problemOf(res)).detail, from).toContain('neither an ISO 8601 time')
    }
    const left = await list('router=rtr10&from=2010-11-01&to=2010-11-30')
    expect(left.files).toHaveLength(1)
    // A limit is digits: 0x10, 1e3 and " 1" are not numbers a user meant.
    for (const limit of ['0x10', '1e3', '%201', '0', '10001', '']) {
      const res = await call(
        `/flows/archive?router=rtr10&from=2010-11-01&to=2010-11-30&limit=${limit}`,
        {
          token: true,
        },
      )
      expect(res.status, limit).toBe(422)
      expect((await problemOf(res)).detail, limit).toMatch(/limit/)
    }
    // The forms that are times: a day, UTC without a zone, an offset, unix seconds. The file is
    // selected from an hour before its capture start (00:01:21 UTC): flows start before it.
    const first = (left.files[0]?.start ?? 0) - 3600
    expect(first).toBe(Date.UTC(2010, 10, 7, 23, 1, 21) / 1000)
    const iso = (t: number, zone = '') => new Date(t * 1000).toISOString().slice(0, 19) + zone
    const minus2h = (t: number) => `${iso(t - 7200)}-02:00`
    for (const [to, n] of [
      ['2010-11-07', 0],
      ['2010-11-09', 1],
      [iso(first - 1), 0],
      [iso(first), 1],
      [iso(first, 'Z'), 1],
      [minus2h(first - 1), 0],
      [minus2h(first), 1],
      [String(first - 1), 0],
      [String(first), 1],
    ] as const) {
      const got = await list(`router=rtr10&from=2010-11-01&to=${encodeURIComponent(to)}`)
      expect(got.files.length, to).toBe(n)
    }
  })
})
