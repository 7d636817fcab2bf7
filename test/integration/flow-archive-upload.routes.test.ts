// Nested paths and resumable multipart uploads of the flow archive, in workerd with Miniflare's
// local R2 (which enforces R2's part rules: 5 MiB minimum, equal sizes but the last).
import { env } from 'cloudflare:workers'
import { beforeAll, describe, expect, it } from 'vitest'
import { decodeUploadId, encodeUploadId } from '../../src/flows/archive/multipart-upload'
import { buildFtFile } from './ft-file'
import { call, problemOf } from './helpers'

const MiB = 1024 * 1024
const DAY = Date.UTC(2010, 10, 9) / 1000
const TREE = '2010/2010-11/2010-11-09'
const NAME = 'ft-v05.2010-11-09.000000+0000'

let big: Uint8Array
let small: Uint8Array
beforeAll(async () => {
  // 120000 v5 flows: 5.5 MiB, so two parts of which the first is R2's 5 MiB minimum
  big = await buildFtFile({ flows: 120_000, capStart: DAY, capEnd: DAY + 900 })
  small = await buildFtFile({ flows: 300, capStart: DAY + 3600, capEnd: DAY + 4500 })
})

function url(router: string, path: string, query = ''): string {
  return `/flows/archive/${router}/${path}${query}`
}

function binary(body: Uint8Array): RequestInit {
  return {
    body,
    headers: { 'content-length': String(body.length), 'content-type': 'application/octet-stream' },
  }
}

type Started = { uploadId: string; key: string; partSize: number; start: number }

async function start(router: string, path: string, head: Uint8Array): Promise<Started> {
  const res = await call(url(router, path, '?uploads'), {
    method: 'POST',
    token: true,
    ...binary(head),
  })
  expect(res.status, await res.clone().text()).toBe(201)
  return (await res.json()) as Started
}

async function part(
  router: string,
  path: string,
  uploadId: string,
  n: number,
  body: Uint8Array,
): Promise<{ partNumber: number; etag: string }> {
  const res = await call(url(router, path, `?uploadId=${uploadId}&partNumber=${n}`), {
    method: 'PUT',
    token: true,
    ...binary(body),
  })
  expect(res.status, await res.clone().text()).toBe(200)
  return (await res.json()) as { partNumber: number; etag: string }
}

function complete(
  router: string,
  path: string,
  uploadId: string,
  parts: unknown,
  token = true,
): Promise<Response> {
  return call(url(router, path, `?uploadId=${uploadId}`), {
    method: 'POST',
    token,
    body: JSON.stringify({ parts }),
    headers: { 'content-type': 'application/json' },
  })
}

/** An upload as the archive started one before ids carried a staging token: at the key itself. */
function legacyUpload(key: string, start: number, end: number): Promise<R2MultipartUpload> {
  return env.FLOW_ARCHIVE.createMultipartUpload(key, {
    customMetadata: {
      start: String(start),
      end: String(end),
      endEstimated: 'false',
      spanSource: 'header',
      recordVersion: '5',
      compressed: 'false',
    },
  })
}

async function stored(key: string): Promise<Uint8Array | null> {
  const object = await env.FLOW_ARCHIVE.get(key)
  return object ? new Uint8Array(await object.arrayBuffer()) : null
}

/** -1 when equal (toEqual on 5 MiB arrays is slow, and its diff unreadable). */
function firstDifference(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i
  return a.length === b.length ? -1 : n
}

describe('completing with an incomplete part list', () => {
  it('refuses a list that skips a part number, and a closed file short of its records', async () => {
    const name = 'ft-v05.2010-11-09.050000+0000'
    const up = await start('rtr12', name, big.subarray(0, 200))
    const p1 = await part('rtr12', name, up.uploadId, 1, big.subarray(0, 5 * MiB))
    const p2 = await part('rtr12', name, up.uploadId, 2, big.subarray(5 * MiB))
    // Parts 1 and 3 (part 2's etag under another number): part 2 is missing.
    const gap = await complete('rtr12', name, up.uploadId, [p1, { partNumber: 3, etag: p2.etag }])
    expect(gap.status, await gap.clone().text()).toBe(422)
    const problem = await problemOf(gap)
    expect(problem).toMatchObject({ code: 'missing_parts', missing: [2] })
    expect(String(problem.detail)).toContain('part 2 is missing')
    expect(await stored(up.key)).toBeNull()
    // Part 1 alone: a closed file whose header counts 120000 flows, holding fewer.
    const short = await complete('rtr12', name, up.uploadId, [p1])
    expect(short.status, await short.clone().text()).toBe(422)
    expect(await stored(up.key)).toBeNull()
  })
})

describe('nested paths', () => {
  it("stores a file given by flow-capture's tree path under its base name", async () => {
    const res = await call(url('rtr8', `${TREE}/${NAME}`), {
      method: 'PUT',
      token: true,
      ...binary(small),
    })
    expect(res.status, await res.clone().text()).toBe(201)
    expect(await res.json()).toMatchObject({
      name: NAME,
      key: `flows/v1/rtr8/2010-11-09/${NAME}`,
      start: DAY + 3600,
      spanSource: 'header',
    })
  })

  it("refuses a path with '..' in it", async () => {
    const res = await call(url('rtr8', `2010%2F..%2F${NAME}`), {
      method: 'PUT',
      token: true,
      ...binary(small),
    })
    expect(res.status).toBe(422)
    expect(await problemOf(res)).toMatchObject({ errors: [{ path: 'param.path' }] })
  })
})

describe('multipart upload', () => {
  it('uploads a file in parts, re-sends a part, and stores it byte for byte', async () => {
    const path = `${TREE}/${NAME}`
    const up = await start('rtr8', path, big.subarray(0, 65536))
    expect(up).toMatchObject({
      key: `flows/v1/rtr8/2010-11-09/${NAME}`,
      partSize: 16 * MiB,
      start: DAY,
    })
    // day . R2's id . span . staging token
    expect(up.uploadId).toMatch(/^2010-11-09\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{16}$/)
    // part 2 goes wrong (garbage), then is sent again: the resume
    await part('rtr8', path, up.uploadId, 2, new Uint8Array(big.length - 5 * MiB))
    const second = await part('rtr8', path, up.uploadId, 2, big.subarray(5 * MiB))
    // A garbage part 1 is refused at once: it holds the header, checked before it is stored.
    const garbage = await call(url('rtr8', path, `?uploadId=${up.uploadId}&partNumber=1`), {
      method: 'PUT',
      token: true,
      ...binary(new Uint8Array(5 * MiB)),
    })
    expect(garbage.status).toBe(422)
    expect((await problemOf(garbage)).code).toBe('bad_magic')
    const first = await part('rtr8', path, up.uploadId, 1, big.subarray(0, 5 * MiB))
    const res = await complete('rtr8', path, up.uploadId, [first, second])
    expect(res.status, await res.clone().text()).toBe(200)
    expect(await res.json()).toMatchObject({
      name: NAME,
      size: big.length,
      flows: 120_000,
      start: DAY,
      end: DAY + 900,
    })
    const back = await stored(up.key)
    expect(back && firstDifference(back, big)).toBe(-1)
    const list = await call(
      '/flows/archive?router=rtr8&from=2010-11-09T00:00:00Z&to=2010-11-09T00:10:00Z',
      {
        token: true,
      },
    )
    expect(
      ((await list.json()) as { files: { name: string }[] }).files.map((f) => f.name),
    ).toContain(NAME)
  })

  it('answers a completion sent again with the same stored file; an aborted upload stays a 404', async () => {
    const name = 'ft-v05.2010-11-09.030000+0000'
    const up = await start('rtr5', name, small.subarray(0, 200))
    const only = await part('rtr5', name, up.uploadId, 1, small)
    const first = await complete('rtr5', name, up.uploadId, [only])
    expect(first.status, await first.clone().text()).toBe(200)
    // The client lost that answer and sends the completion again: R2 knows the upload no more.
    const again = await complete('rtr5', name, up.uploadId, [only])
    expect(again.status, await again.clone().text()).toBe(200)
    expect(await again.json()).toEqual(await first.json())
    // Sent again with other parts: not the file those would make, so not a 200.
    const other = await complete('rtr5', name, up.uploadId, [{ partNumber: 1, etag: 'f00d' }])
    expect(other.status).toBe(409)
    expect(String((await problemOf(other)).detail)).toContain('completed with other parts')
    // Not on another path: the upload id names this file only. (Miniflare answers a completion
    // under another key with an internal error, which is also R2's "try again", so a 503: taken
    // as "no such upload", a real passing error would tell a client to give up on a live upload.
    // R2 may say NoSuchUpload, a 404.)
    const elsewhere = await complete('rtr5', 'ft-v05.2010-11-09.040000+0000', up.uploadId, [only])
    expect([404, 503]).toContain(elsewhere.status)
    expect(await stored(`flows/v1/rtr5/2010-11-09/ft-v05.2010-11-09.040000+0000`)).toBeNull()
    // Aborting the completed upload does not read as deleting its file: 409, and the file stays.
    const abortDone = await call(url('rtr5', name, `?uploadId=${up.uploadId}`), {
      method: 'DELETE',
      token: true,
    })
    expect(abortDone.status).toBe(409)
    expect(String((await problemOf(abortDone)).detail)).toContain('the file is stored and stays')
    expect(await stored(up.key)).toEqual(small)
    // A DELETE on the path without an upload id says how stored files are deleted.
    const bare = await call(url('rtr5', name), { method: 'DELETE', token: true })
    expect(bare.status).toBe(422)
    expect(String((await problemOf(bare)).detail)).toContain(
      'stored files are deleted by time range',
    )
    const aborted = await start('rtr5', name, small.subarray(0, 200))
    const p1 = await part('rtr5', name, aborted.uploadId, 1, small)
    const del = await call(url('rtr5', name, `?uploadId=${aborted.uploadId}`), {
      method: 'DELETE',
      token: true,
    })
    expect(del.status).toBe(204)
    const late = await complete('rtr5', name, aborted.uploadId, [p1])
    expect(late.status).toBe(404)
    expect(await problemOf(late)).toMatchObject({ type: '/problems/no-such-upload' })
  })

  it('reads the joined file through before it reaches its key: one cut short is a 422, and the file stored before stays', async () => {
    const name = 'ft-v05.2010-11-09.050000+0000'
    const before = await call(url('rtr3', name), { method: 'PUT', token: true, ...binary(small) })
    expect(before.status, await before.clone().text()).toBe(201)
    const cut = big.subarray(0, big.length - 10)
    const up = await start('rtr3', name, cut.subarray(0, 200))
    const p1 = await part('rtr3', name, up.uploadId, 1, cut.subarray(0, 5 * MiB))
    const p2 = await part('rtr3', name, up.uploadId, 2, cut.subarray(5 * MiB))
    const res = await complete('rtr3', name, up.uploadId, [p1, p2])
    expect(res.status).toBe(422)
    const problem = await problemOf(res)
    expect(problem).toMatchObject({ code: 'truncated_record', file: name })
    expect(String(problem.detail)).toContain('nothing was stored')
    expect(await stored(up.key)).toEqual(small)
    // Nothing is left under staging/ either.
    expect((await env.FLOW_ARCHIVE.list({ prefix: 'staging/' })).objects).toEqual([])
    // The whole file, uploaded again, replaces it.
    const again = await start('rtr3', name, big.subarray(0, 200))
    const q1 = await part('rtr3', name, again.uploadId, 1, big.subarray(0, 5 * MiB))
    const q2 = await part('rtr3', name, again.uploadId, 2, big.subarray(5 * MiB))
    const ok = await complete('rtr3', name, again.uploadId, [q1, q2])
    expect(ok.status, await ok.clone().text()).toBe(200)
    expect(await ok.json()).toMatchObject({ router: 'rtr3', name, flowsRead: 120_000 })
    expect(await stored(up.key)).toEqual(big)
    expect((await env.FLOW_ARCHIVE.list({ prefix: 'staging/' })).objects).toEqual([])
  })

  it('takes a completion on from the staging key when the move to the key failed half-way', async () => {
    const name = 'ft-v05.2010-11-09.060000+0000'
    const up = await start('rtr2', name, small.subarray(0, 200))
    const p1 = await part('rtr2', name, up.uploadId, 1, small)
    // R2 joined the parts, then the Worker failed to move the file (a 503): the joined file is
    // under its staging key and R2 knows the upload no more.
    const token = decodeUploadId(up.uploadId)?.staging ?? ''
    const staging = `staging/${token}/${up.key}`
    const r2UploadId = decodeUploadId(up.uploadId)?.r2UploadId ?? ''
    await env.FLOW_ARCHIVE.resumeMultipartUpload(staging, r2UploadId).complete([p1])
    const res = await complete('rtr2', name, up.uploadId, [p1])
    expect(res.status, await res.clone().text()).toBe(200)
    expect(await res.json()).toMatchObject({ router: 'rtr2', name, flowsRead: 300 })
    expect(await stored(up.key)).toEqual(small)
    expect(await env.FLOW_ARCHIVE.head(staging)).toBeNull()
  })

  it('refuses a part that makes the file larger than the archive keeps', async () => {
    const name = 'ft-v05.2010-11-09.070000+0000'
    const up = await start('rtr2', name, small.subarray(0, 200))
    const res = await call(url('rtr2', name, `?uploadId=${up.uploadId}&partNumber=9999`), {
      method: 'PUT',
      token: true,
      ...binary(new Uint8Array(MiB)),
    })
    expect(res.status).toBe(413)
    expect(String((await problemOf(res)).detail)).toContain('the most the archive keeps')
  })

  it('completes a one-part upload smaller than the header check reads', async () => {
    const name = 'ft-v05.2010-11-09.010000+0000'
    const up = await start('rtr5', name, small.subarray(0, 200))
    const only = await part('rtr5', name, up.uploadId, 1, small)
    const res = await complete('rtr5', name, up.uploadId, [only])
    expect(res.status, await res.clone().text()).toBe(200)
    expect(await stored(up.key)).toEqual(small)
  })

  it('refuses a part 1 of another file before storing it, and keeps the file stored there', async () => {
    const name = 'ft-v05.2010-11-09.020000+0000'
    // A good file at the path first: a wrong upload to the same path must not cost it.
    const first = await start('rtr5', name, big.subarray(0, 65536))
    const whole = await part('rtr5', name, first.uploadId, 1, big)
    expect((await complete('rtr5', name, first.uploadId, [whole])).status).toBe(200)
    const up = await start('rtr5', name, big.subarray(0, 65536))
    const res = await call(url('rtr5', name, `?uploadId=${up.uploadId}&partNumber=1`), {
      method: 'PUT',
      token: true,
      ...binary(small),
    })
    expect(res.status).toBe(422)
    const p = await problemOf(res)
    expect(p).toMatchObject({ code: 'span_mismatch', file: name })
    expect(String(p.detail)).toContain('nothing was stored')
    expect(firstDifference((await stored(up.key)) ?? new Uint8Array(0), big)).toBe(-1)
    // The right part 1 is taken, and the upload completes.
    const good = await part('rtr5', name, up.uploadId, 1, big)
    const done = await complete('rtr5', name, up.uploadId, [good])
    expect(done.status, await done.clone().text()).toBe(200)
  })

  it('still checks the assembled header of an upload started before ids carried the span', async () => {
    const name = 'ft-v05.2010-11-09.050000+0000'
    const up = await start('rtr5', name, big.subarray(0, 65536))
    // The id as it was: day and R2's id only, the upload at the file's own key; part 1 then
    // cannot be checked before it is stored.
    const r2 = await legacyUpload(up.key, DAY, DAY + 900)
    const legacy = encodeUploadId('2010-11-09', r2.uploadId)
    const other = await part('rtr5', name, legacy, 1, small)
    const res = await complete('rtr5', name, legacy, [other])
    expect(res.status).toBe(422)
    expect(await problemOf(res)).toMatchObject({ code: 'span_mismatch', file: name })
    expect(await stored(up.key)).toBeNull()
  })

  it('completes an upload started before name-day keys at its old key, and keeps it', async () => {
    // Started before: the id names the header's day (2010-11-09), R2's upload is at that key; the
    // name's day is 2010-11-08. Completing must not take the file for an old copy and delete it.
    const name = 'ft-v05.2010-11-08.235500+0000'
    const oldKey = `flows/v1/rtr4/2010-11-09/${name}`
    // What the start wrote then: the span from the header of `small`.
    const r2 = await legacyUpload(oldKey, DAY + 3600, DAY + 4500)
    const legacyId = encodeUploadId('2010-11-09', r2.uploadId)
    const p1 = await part('rtr4', name, legacyId, 1, small)
    const res = await complete('rtr4', name, legacyId, [p1])
    expect(res.status, await res.clone().text()).toBe(200)
    expect(await stored(oldKey)).not.toBeNull()
  })

  it('refuses a first chunk that is not an ft file, naming the offset', async () => {
    const res = await call(url('rtr5', NAME, '?uploads'), {
      method: 'POST',
      token: true,
      ...binary(new TextEncoder().encode('<html>')),
    })
    expect(res.status).toBe(422)
    expect(await problemOf(res)).toMatchObject({ code: 'bad_magic', offset: 0 })
  })

  it('404 for an unknown or aborted upload id', async () => {
    for (const id of ['nonsense', '2010-11-09.bm9uc2Vuc2U']) {
      const res = await call(url('rtr5', NAME, `?uploadId=${id}&partNumber=1`), {
        method: 'PUT',
        token: true,
        ...binary(small),
      })
      expect(res.status, id).toBe(404)
      expect((await problemOf(res)).type).toBe('/problems/no-such-upload')
    }
    const up = await start('rtr5', NAME, small)
    const abort = await call(url('rtr5', NAME, `?uploadId=${up.uploadId}`), {
      method: 'DELETE',
      token: true,
    })
    expect(abort.status).toBe(204)
    const after = await call(url('rtr5', NAME, `?uploadId=${up.uploadId}&partNumber=1`), {
      method: 'PUT',
      token: true,
      ...binary(small),
    })
    expect(after.status).toBe(404)
    const unknownAbort = await call(url('rtr5', NAME, '?uploadId=2010-11-09.bm9uc2Vuc2U'), {
      method: 'DELETE',
      token: true,
    })
    expect(unknownAbort.status).toBe(404)
    // the same upload id under another path is not the same upload
    const up2 = await start('rtr5', NAME, small)
    const elsewhere = await call(
      url('rtr5', 'ft-v05.2010-11-09.030000+0000', `?uploadId=${up2.uploadId}&partNumber=1`),
      { method: 'PUT', token: true, ...binary(small) },
    )
    expect(elsewhere.status).toBe(404)
  })

  it('422 for a bad part number or a half-given part', async () => {
    const up = await start('rtr5', NAME, small)
    for (const n of ['0', '10001', 'x', '1.5']) {
      const res = await call(url('rtr5', NAME, `?uploadId=${up.uploadId}&partNumber=${n}`), {
        method: 'PUT',
        token: true,
        ...binary(small),
      })
      expect(res.status, n).toBe(422)
      expect((await problemOf(res)).errors).toEqual([
        expect.objectContaining({ path: 'query.partNumber' }),
      ])
    }
    const noNumber = await call(url('rtr5', NAME, `?uploadId=${up.uploadId}`), {
      method: 'PUT',
      token: true,
      ...binary(small),
    })
    expect((await problemOf(noNumber)).detail).toContain('partNumber is missing')
    const noVerb = await call(url('rtr5', NAME), { method: 'POST', token: true, ...binary(small) })
    expect(noVerb.status).toBe(422)
  })

  it('411 for a part without a length', async () => {
    const up = await start('rtr5', NAME, small)
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(small)
        c.close()
      },
    })
    const res = await call(url('rtr5', NAME, `?uploadId=${up.uploadId}&partNumber=1`), {
      method: 'PUT',
      body: stream,
      token: true,
    })
    expect(res.status).toBe(411)
  })

  it('422 for a completion with a wrong etag, a repeated part, or too small parts', async () => {
    const up = await start('rtr5', NAME, small)
    const p1 = await part('rtr5', NAME, up.uploadId, 1, small)
    const p2 = await part('rtr5', NAME, up.uploadId, 2, small)
    const wrong = await complete('rtr5', NAME, up.uploadId, [{ partNumber: 1, etag: 'not-it' }])
    expect(wrong.status).toBe(422)
    expect((await problemOf(wrong)).type).toBe('/problems/invalid-part')
    const twice = await complete('rtr5', NAME, up.uploadId, [p1, p1])
    expect((await problemOf(twice)).detail).toContain('each partNumber at most once')
    const none = await complete('rtr5', NAME, up.uploadId, [])
    expect(none.status).toBe(422)
    const tooSmall = await complete('rtr5', NAME, up.uploadId, [p1, p2])
    expect(tooSmall.status).toBe(422)
    expect(await problemOf(tooSmall)).toMatchObject({
      type: '/problems/part-too-small',
      code: 'part_too_small',
    })
    const junk = await call(url('rtr5', NAME, `?uploadId=${up.uploadId}`), {
      method: 'POST',
      token: true,
      body: '{parts',
      headers: { 'content-type': 'application/json' },
    })
    expect(junk.status).toBe(400)
    // the upload is still open: a correct completion of part 1 alone works
    expect((await complete('rtr5', NAME, up.uploadId, [p1])).status).toBe(200)
  })

  it('needs the token at every step', async () => {
    const noToken = await call(url('rtr5', NAME, '?uploads'), { method: 'POST', ...binary(small) })
    expect(noToken.status).toBe(401)
    const up = await start('rtr5', NAME, small)
    const p1 = await call(url('rtr5', NAME, `?uploadId=${up.uploadId}&partNumber=1`), {
      method: 'PUT',
      ...binary(small),
    })
    expect(p1.status).toBe(401)
    expect((await complete('rtr5', NAME, up.uploadId, [], false)).status).toBe(401)
    const abort = await call(url('rtr5', NAME, `?uploadId=${up.uploadId}`), { method: 'DELETE' })
    expect(abort.status).toBe(401)
  })
})

describe('the OpenAPI document', () => {
  it('documents the file operations under {path}, without the routing pattern', async () => {
    const doc = (await (await call('/openapi.json')).json()) as {
      paths: Record<string, Record<string, unknown>>
    }
    expect(Object.keys(doc.paths).filter((p) => p.includes('path{'))).toEqual([])
    expect(Object.keys(doc.paths['/flows/archive/{router}/{path}'] ?? {}).sort()).toEqual([
      'delete',
      'post',
      'put',
    ])
  })
})
