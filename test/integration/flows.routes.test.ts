import { describe, expect, inject, it } from 'vitest'
import { encodeFtHeader } from '../../src/flows/ft-writer'
import { findLayout, type RecordLayout } from '../../src/flows/record-layouts'
import { call, problemOf } from './helpers'

const FIXTURES = inject('flowFixtures')

function bytes(path: string): Uint8Array {
  const b64 = FIXTURES[path]
  if (b64 === undefined) throw new Error(`fixture ${path} not provided`)
  return Uint8Array.from(atob(b64), (ch) => ch.charCodeAt(0))
}

function text(path: string): string {
  return new TextDecoder('latin1').decode(bytes(path))
}

function form(files: [string, string][], extra: [string, string][] = []): FormData {
  const f = new FormData()
  for (const [name, value] of extra) f.append(name, value)
  for (const [field, path] of files) f.append(field, new Blob([bytes(path)]), path.split('/').pop())
  return f
}

const SEED_FILES = [
  '2010-11-08/ft-v05.2010-11-08.000000+0000',
  '2010-11-08/ft-v05.2010-11-08.060000+0000',
  '2010-11-08/ft-v05.2010-11-08.120000+0000',
  '2010-11-08/ft-v05.2010-11-08.180000+0000',
  '2010-11-09/ft-v05.2010-11-09.000000+0000',
  '2010-11-09/ft-v05.2010-11-09.060000+0000',
  '2010-11-09/ft-v05.2010-11-09.120000+0000',
  '2010-11-09/ft-v05.2010-11-09.180000+0000',
].map((p): [string, string] => ['f', `seed/${p}`])

describe('POST /flows/print', () => {
  it('prints a raw ft upload exactly like flow-print', async () => {
    const res = await call('/flows/print', { method: 'POST', body: bytes('seed-all.z.ft') })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toContain('text/plain')
    expect(await res.text()).toBe(text('expected/seed-all.z/print-default.txt'))
  })

  it('prints -f 5 and flow-export CSV on request', async () => {
    const f5 = await call('/flows/print?output=f5', {
      method: 'POST',
      body: bytes('seed-all.z.ft'),
    })
    expect(await f5.text()).toBe(text('expected/seed-all.z/print-f5.txt'))
    const csv = await call('/flows/print?output=csv', {
      method: 'POST',
      body: bytes('seed-all.z.ft'),
    })
    expect(await csv.text()).toBe(text('expected/seed-all.z/export-f2.csv'))
  })

  it('reads flow-export CSV back as input', async () => {
    const res = await call('/flows/print?output=f5', {
      method: 'POST',
      body: text('expected/seed-all.z/export-f2.csv'),
    })
    expect(res.status).toBe(200)
    expect(await res.text()).toBe(text('expected/seed-all.z/print-f5.txt'))
  })

  it('concatenates multipart files in order like flow-cat', async () => {
    const res = await call('/flows/print?output=ndjson', { method: 'POST', body: form(SEED_FILES) })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toContain('application/x-ndjson')
    const lines = (await res.text())
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>)
    expect(lines).toHaveLength(1328)
    expect(lines[0]).toMatchObject({
      file: 'ft-v05.2010-11-08.000000+0000',
      srcaddr: '189.22.36.20',
    })
    expect(lines[1327]?.file).toBe('ft-v05.2010-11-09.180000+0000')
  })

  it('streams output past 1 MiB byte for byte, and marks an error after it started', async () => {
    // Eight copies of seed-all print 1.29 MB with -f 5: past the 1 MiB kept before streaming.
    const copies = Array.from({ length: 8 }, (): [string, string] => ['f', 'seed-all.z.ft'])
    const f5 = text('expected/seed-all.z/print-f5.txt')
    const head =
      'Start             End               Sif   SrcIPaddress    SrcP  DIf   DstIPaddress    DstP    P Fl Pkts       Octets\n\n'
    expect(f5.startsWith(head)).toBe(true)
    const rows = f5.slice(head.length)
    const res = await call('/flows/print?output=f5', { method: 'POST', body: form(copies) })
    expect(res.status).toBe(200)
    expect(await res.text()).toBe(head + rows.repeat(8))

    // A truncated file after them: the headers are gone, so the text ends with a marked line.
    const broken = await call('/flows/print?output=f5', {
      method: 'POST',
      body: form([...copies, ['f', 'versions/random-v5-1k.z.truncated.ft']]),
    })
    expect(broken.status).toBe(200)
    const out = await broken.text()
    expect(out.startsWith(head + rows.repeat(8))).toBe(true)
    expect(out).toMatch(
      /\n# ERROR: output incomplete: "random-v5-1k\.z\.truncated\.ft": corrupt or truncated zlib stream .*\n$/,
    )
    // NDJSON stays JSON to its last line.
    const ndjson = await call('/flows/print?output=ndjson', {
      method: 'POST',
      body: form([...copies, ['f', 'versions/random-v5-1k.z.truncated.ft']]),
    })
    const lines = (await ndjson.text()).trimEnd().split('\n')
    for (const line of lines) JSON.parse(line)
    expect(JSON.parse(lines.at(-1) ?? '')).toMatchObject({
      error: { incomplete: true, file: 'random-v5-1k.z.truncated.ft' },
    })
  })

  it('prints port and protocol names with names=1, like flow-print -n', async () => {
    const res = await call('/flows/print?names=1', {
      method: 'POST',
      body: bytes('random-v5-1k.z.ft'),
    })
    expect(res.status).toBe(200)
    expect(await res.text()).toBe(text('expected/random-v5-1k/print-formats/print-f3-names.txt'))
  })

  it('prints protocol and AS names with names=1&output=f4&wide=1, like flow-print -f 4 -n -w', async () => {
    const res = await call('/flows/print?names=1&output=f4&wide=1', {
      method: 'POST',
      body: bytes('random-v5-1k.z.ft'),
    })
    expect(res.status).toBe(200)
    expect(await res.text()).toBe(
      text('expected/random-v5-1k/print-formats/print-f4-names-wide.txt'),
    )
  })

  it('takes names=1 with every flow-print format, as flow-print takes -n', async () => {
    const f5 = await call('/flows/print?names=1&output=f5', {
      method: 'POST',
      body: bytes('seed-all.z.ft'),
    })
    expect(f5.status).toBe(200)
    expect(await f5.text()).toBe(text('expected/seed-all.z/print-f5.txt'))
  })

  it('answers 422 for names=1 with CSV or NDJSON', async () => {
    const csv = await call('/flows/print?names=1&output=csv', {
      method: 'POST',
      body: bytes('random-v5-1k.z.ft'),
    })
    expect(csv.status).toBe(422)
    expect((await problemOf(csv)).errors).toEqual([
      { path: 'query.names', message: 'only with a flow-print format' },
    ])
  })

  it('prints a v7 file in its own default format', async () => {
    const res = await call('/flows/print', {
      method: 'POST',
      body: bytes('versions/flowgen-v7-20.ft'),
    })
    expect(await res.text()).toBe(text('expected/versions/v7/print-default.txt'))
  })

  it('returns 422 naming the file and byte offset for a truncated file', async () => {
    const res = await call('/flows/print', {
      method: 'POST',
      body: form([['f', 'versions/random-v5-1k.z.truncated.ft']]),
    })
    expect(res.status).toBe(422)
    const p = await problemOf(res)
    expect(p.type).toBe('/problems/bad-flow-file')
    expect(p.file).toBe('random-v5-1k.z.truncated.ft')
    expect(typeof p.offset).toBe('number')
    expect(String(p.detail)).toContain('random-v5-1k.z.truncated.ft')
  })

  it('keeps the complete records of a truncated file when asked, and says so', async () => {
    const res = await call('/flows/summary?partial=1', {
      method: 'POST',
      body: bytes('versions/random-v5-1k.z.truncated.ft'),
    })
    expect(res.status).toBe(200)
    const body = (await res.json()) as {
      files: { flows: number; truncated?: { message: string } }[]
    }
    // flow-tools recovers 594 flows from this prefix; so does the Worker's zlib (WebAssembly),
    // which hands out what it inflated before the break (DecompressionStream dropped its last
    // output chunk, so fewer survived with it).
    const kept = body.files[0]?.flows ?? 0
    expect(kept).toBe(594)
    expect(body.files[0]?.truncated?.message).toContain('594 complete records')
  })

  it('keeps every record of a compressed file with junk after its zlib stream (partial=1)', async () => {
    const z = bytes('random-v5-1k.z.ft')
    const junk = new Uint8Array(z.length + 4)
    junk.set(z)
    junk.set([106, 117, 110, 107], z.length)
    const strict = await call('/flows/summary', { method: 'POST', body: junk })
    expect(strict.status).toBe(422)
    expect(String((await problemOf(strict)).detail)).toContain(
      'bytes after the end of the zlib stream',
    )
    const res = await call('/flows/summary?partial=1', { method: 'POST', body: junk })
    const body = (await res.json()) as { files: { flows: number; truncated?: unknown }[] }
    expect(body.files[0]?.flows).toBe(1000)
    expect(body.files[0]?.truncated).toBeDefined()
  })

  it('keeps going after a damaged file in a multipart upload with partial=1, and marks every output', async () => {
    // seed-all.z.ft with four bytes flipped inside its zlib stream; its header counts 1,328 flows.
    const seed = bytes('seed-all.z.ft')
    const damaged = seed.slice()
    for (let k = 5000; k < 5004; k++) damaged[k] = (damaged[k] as number) ^ 0xff
    const upload = () => {
      const f = new FormData()
      f.append('a', new Blob([damaged]), 'damaged.z.ft')
      f.append('b', new Blob([seed]), 'seed-all.z.ft')
      return f
    }
    type Summary = {
      files: {
        name: string
        flows: number
        bytes: number
        truncated?: { inflated: boolean; bytesLost: number | null; flowsLost: number | null }
      }[]
    }
    const res = await call('/flows/summary?partial=1', { method: 'POST', body: upload() })
    expect(res.status).toBe(200)
    const [a, b] = ((await res.json()) as Summary).files
    const kept = a?.flows ?? 0
    expect(kept).toBeGreaterThan(0)
    expect(kept).toBeLessThan(1328)
    // The whole file is counted, whichever chunk the damage was found in.
    expect(a?.bytes).toBe(seed.length)
    expect(a?.truncated).toMatchObject({
      inflated: true,
      bytesLost: null,
      flowsLost: 1328 - kept,
      flowsLostBy: 'header',
    })
    expect(b).toMatchObject({ name: 'seed-all.z.ft', flows: 1328 })
    expect(b?.truncated).toBeUndefined()

    const note = `# PARTIAL RESULT: "damaged.z.ft": corrupt or truncated zlib stream after ${kept} complete records`
    const print = await call('/flows/print?partial=1', { method: 'POST', body: upload() })
    expect(print.status).toBe(200)
    const lines = (await print.text()).split('\n')
    const at = lines.findIndex((l) => l.startsWith(note))
    // After the header line and the damaged file's rows, before the next file's.
    expect(at).toBe(1 + kept)
    expect(lines[at]).toContain(
      `flows kept: ${kept}, flows lost: ${1328 - kept} (by the header's flow count)`,
    )
    expect(lines.length).toBe(1 + kept + 1 + 1328 + 1)

    const ndjson = await call('/flows/print?partial=1&output=ndjson', {
      method: 'POST',
      body: upload(),
    })
    const records = (await ndjson.text())
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
    expect(records).toHaveLength(kept + 1 + 1328)
    expect(records[kept]).toMatchObject({
      partial: { file: 'damaged.z.ft', flowsKept: kept, flowsLost: 1328 - kept, inflated: true },
    })

    for (const route of ['summary', 'report', 'timeline']) {
      const t = await call(`/flows/${route}?partial=1`, {
        method: 'POST',
        body: upload(),
        headers: { accept: 'text/plain' },
      })
      expect(t.status).toBe(200)
      expect(await t.text()).toContain(note)
    }
  })

  it('warns when a file read whole holds another number of flows than its header counts', async () => {
    // seed-all.ft's first 1,000 records behind a finished header that counts 1,328: nothing is
    // damaged, but 328 flows are missing.
    const seed = bytes('seed-all.ft')
    const le = seed[2] === 1
    const records = seed.subarray(new DataView(seed.buffer, seed.byteOffset).getUint32(4, le))
    const header = (flowCount: number) =>
      encodeFtHeader({
        layout: findLayout(5) as RecordLayout,
        byteOrder: le ? 'little' : 'big',
        compress: false,
        done: { capStart: 1289174400, capEnd: 1289347200, flowCount },
      })
    const join = (a: Uint8Array, b: Uint8Array) => {
      const out = new Uint8Array(a.length + b.length)
      out.set(a)
      out.set(b, a.length)
      return out
    }
    const cut = join(header(1328), records.subarray(0, 1000 * 64))
    const whole = join(header(1000), records.subarray(0, 1000 * 64))
    const res = await call('/flows/summary', { method: 'POST', body: cut })
    expect(res.status).toBe(200)
    const body = (await res.json()) as { files: { flows: number; warnings?: string[] }[] }
    expect(body.files[0]?.flows).toBe(1000)
    expect(body.files[0]?.warnings).toEqual([
      'the header counts 1328 flows, the file holds 1000: it was cut or joined after it was written',
    ])
    const text = await call('/flows/summary', {
      method: 'POST',
      body: cut,
      headers: { accept: 'text/plain' },
    })
    expect(await text.text()).toContain('# warning:              the header counts 1328 flows')
    // A count that agrees: no warning.
    const ok = await call('/flows/summary', { method: 'POST', body: whole })
    expect(
      ((await ok.json()) as { files: { warnings?: string[] }[] }).files[0]?.warnings,
    ).toBeUndefined()
    // Print and the text report and timeline say so too (they passed the file off as whole).
    const warning =
      '"body": the header counts 1328 flows, the file holds 1000: it was cut or joined after it was written'
    const answer = async (route: string, accept?: string) =>
      (
        await call(route, {
          method: 'POST',
          body: cut,
          ...(accept ? { headers: { accept } } : {}),
        })
      ).text()
    const print = (await answer('/flows/print')).split('\n')
    expect(print.length).toBe(1 + 1000 + 1 + 1) // column header, rows, the warning, ''
    expect(print.at(-2)).toBe(`# WARNING: ${warning}`)
    expect((await answer('/flows/print?output=csv')).endsWith(`# WARNING: ${warning}\n`)).toBe(true)
    const ndjson = (await answer('/flows/print?output=ndjson')).trimEnd().split('\n')
    expect(JSON.parse(ndjson.at(-1) as string)).toEqual({
      warning: { file: 'body', message: warning.slice('"body": '.length) },
    })
    for (const route of ['/flows/report', '/flows/timeline'])
      expect(await answer(route, 'text/plain'), route).toContain(`# WARNING: ${warning}\n`)
    const whole1000 = await call('/flows/print', { method: 'POST', body: whole })
    expect(await whole1000.text()).not.toContain('WARNING')
  })

  it('returns 422 for a wrong magic, an empty body and mixed record versions', async () => {
    const bad = await call('/flows/print', { method: 'POST', body: 'hello world\n' })
    expect(bad.status).toBe(422)
    expect((await problemOf(bad)).code).toBe('unknown_format')
    const empty = await call('/flows/print', { method: 'POST', body: new Uint8Array(0) })
    expect(empty.status).toBe(422)
    const mixed = await call('/flows/print', {
      method: 'POST',
      body: form([
        ['a', 'versions/flowgen-v5-20.ft'],
        ['b', 'versions/flowgen-v7-20.ft'],
      ]),
    })
    expect(mixed.status).toBe(422)
    const p = await problemOf(mixed)
    expect(p.code).toBe('mixed_versions')
    expect(p.file).toBe('flowgen-v7-20.ft')
  })

  it('returns 422 when the format needs fields the records lack', async () => {
    const res = await call('/flows/print?output=f7', {
      method: 'POST',
      body: bytes('seed-all.z.ft'),
    })
    expect(res.status).toBe(422)
    expect(String((await problemOf(res)).detail)).toContain('router_sc')
  })

  it('checks every file of an upload for the fields the output and filter read, naming it', async () => {
    const printText = 'expected/seed-all.z/print-default.txt'
    // flow-print text has no times: -f 5 prints them, the timeline and the report count by them.
    const cases: [string, RequestInit, string][] = [
      [
        '/flows/print?output=f5',
        {
          method: 'POST',
          body: form([
            ['a', 'seed-all.z.ft'],
            ['b', printText],
          ]),
        },
        'flow-print format 5 needs',
      ],
      ['/flows/timeline', { method: 'POST', body: bytes(printText) }, 'the timeline needs'],
      ['/flows/report', { method: 'POST', body: bytes(printText) }, "report's flow-stat summary"],
    ]
    for (const [route, init, what] of cases) {
      const res = await call(route, init)
      expect(res.status, route).toBe(422)
      const p = await problemOf(res)
      expect(p.code, route).toBe('missing_field')
      expect(String(p.detail), route).toMatch(
        /"(print-default\.txt|body)" \(flow-print, record version 5\) has no .*first/,
      )
      expect(String(p.detail), route).toContain(what)
    }
    // CSV: one header line for every file, so a later file must have the first one's columns.
    const csv = await call('/flows/print?output=csv', {
      method: 'POST',
      body: form([
        ['a', 'seed-all.z.ft'],
        ['b', printText],
      ]),
    })
    expect(csv.status).toBe(422)
    expect((await problemOf(csv)).file).toBe('print-default.txt')
    // A filter on a field a later file lacks: that file is named.
    const filtered = await call(`/flows/summary?expr=${encodeURIComponent('src port 80')}`, {
      method: 'POST',
      body: form([['a', 'versions/flowgen-v8.3-20.ft']]),
    })
    expect(filtered.status).toBe(422)
    const fp = await problemOf(filtered)
    expect(fp.code).toBe('field_not_in_flow')
    expect(String(fp.detail)).toContain(
      '"flowgen-v8.3-20.ft" (ft, record version 8.3) has no such field',
    )
    // The summary reads what is there: a text input gives no times, not the epoch.
    const summary = await call('/flows/summary', { method: 'POST', body: bytes(printText) })
    expect(summary.status).toBe(200)
    expect(
      ((await summary.json()) as { totals: { firstFlowStart: unknown } }).totals.firstFlowStart,
    ).toBeNull()
  })

  it('honours Accept q-values: text or JSON by preference, never a type the client refused', async () => {
    const type = async (route: string, accept: string) =>
      (
        await call(route, { method: 'POST', body: bytes('seed-all.z.ft'), headers: { accept } })
      ).headers
        .get('content-type')
        ?.split(';')[0]
    const report = '/flows/report?top=2'
    expect(await type(report, 'application/json;q=0.1, text/plain;q=0.9')).toBe('text/plain')
    expect(await type(report, 'text/plain;q=0, application/json')).toBe('application/json')
    expect(await type(report, 'text/*')).toBe('text/plain')
    expect(await type(report, '*/*')).toBe('application/json')
    expect(await type('/flows/print', 'text/plain;q=0.5, application/json')).toBe(
      'application/x-ndjson',
    )
    expect(await type('/flows/print', 'application/x-ndjson;q=0.2, text/plain')).toBe('text/plain')
    expect(await type('/flows/print', '*/*')).toBe('text/plain')
    // A refused type is not sent, even when */* accepts everything else.
    expect(await type(report, 'application/json;q=0, */*')).toBe('text/plain')
    expect(await type('/flows/print', 'text/plain;q=0, */*')).toBe('application/x-ndjson')
    expect(await type(report, 'text/html')).toBe('application/json')
    // The default refused and nothing else named: another type, not the refused one.
    expect(await type('/flows/print', 'text/plain;q=0')).toBe('application/x-ndjson')
    expect(await type(report, 'application/json;q=0')).toBe('text/plain')
    expect(await type('/flows/timeline', 'application/json;q=0')).toBe('text/plain')
    // Every type refused: the default (RFC 9110 allows disregarding Accept).
    expect(await type(report, 'application/json;q=0, text/plain;q=0')).toBe('application/json')
  })

  it('reports a multipart body cut before its closing boundary as such, not as a bad zlib stream', async () => {
    const req = new Request('http://x/', { method: 'POST', body: form([['f', 'seed-all.z.ft']]) })
    const whole = new Uint8Array(await req.arrayBuffer())
    // Everything up to the closing delimiter (CRLF--boundary--CRLF, the last CRLF-- of the body).
    let end = whole.length - 4
    while (
      !(
        whole[end] === 13 &&
        whole[end + 1] === 10 &&
        whole[end + 2] === 45 &&
        whole[end + 3] === 45
      )
    )
      end--
    const res = await call('/flows/summary', {
      method: 'POST',
      body: whole.slice(0, end),
      headers: { 'content-type': req.headers.get('content-type') ?? '' },
    })
    expect(res.status).toBe(422)
    const p = await problemOf(res)
    expect(p.detail).toBe(
      `bad multipart body: multipart body ends inside part "f" at byte ${end}, without the closing "--${
        /boundary=(\S+)/.exec(req.headers.get('content-type') ?? '')?.[1]
      }--" line (cut short?)`,
    )
    expect([p.offset, p.file]).toEqual([end, 'f'])
  })

  it('says a multipart body with bare LF line endings needs CRLF, with the offset', async () => {
    const body = `--b\nContent-Disposition: form-data; name="f"; filename="x"\n\nhello\n--b--\n`
    for (const padded of [body, body.replace('hello', 'x'.repeat(20_000))]) {
      const res = await call('/flows/summary', {
        method: 'POST',
        body: padded,
        headers: { 'content-type': 'multipart/form-data; boundary=b' },
      })
      expect(res.status).toBe(422)
      const p = await problemOf(res)
      expect(p.detail).toBe(
        'bad multipart body: multipart part headers end with a bare LF: multipart lines end with CRLF (RFC 2046)',
      )
      expect(p.offset).toBe(3)
    }
  })

  it('keeps the rows of a text input before a bad line with partial=1, and reads on', async () => {
    const whole = text('expected/seed-all.z/print-default.txt')
    const cut = whole.slice(0, 5000)
    const lines = cut.split('\n')
    expect(lines.at(-1)).not.toBe('') // cut inside a row
    const kept = lines.length - 2 // the header line and the cut row
    const upload = () => {
      const f = new FormData()
      f.append('a', new Blob([cut]), 'cut.txt')
      f.append('b', new Blob([whole]), 'whole.txt')
      return f
    }
    const strict = await call('/flows/summary', { method: 'POST', body: upload() })
    expect(strict.status).toBe(422)
    const res = await call('/flows/summary?partial=1', { method: 'POST', body: upload() })
    expect(res.status).toBe(200)
    type F = { flows: number; bytes: number; truncated?: Record<string, unknown> }
    const [a, b] = ((await res.json()) as { files: F[] }).files
    expect(a?.flows).toBe(kept)
    expect(a?.bytes).toBe(5000)
    // The cut row is the one flow lost, and its bytes the bytes lost.
    expect(a?.truncated).toMatchObject({
      inflated: false,
      offset: 5000 - (lines.at(-1) ?? '').length,
      bytesLost: (lines.at(-1) ?? '').length,
      flowsLost: 1,
      flowsLostBy: 'rows',
    })
    expect(String(a?.truncated?.message)).toContain(`the ${kept} rows before it are kept`)
    expect(b?.flows).toBe(1328)
    const print = await call('/flows/print?partial=1&output=f5', {
      method: 'POST',
      body: (() => {
        const f = new FormData()
        f.append('a', new Blob([cut]), 'cut.txt')
        return f
      })(),
    })
    // flow-print text has no times for -f 5; the default format prints it.
    expect(print.status).toBe(422)
    const text3 = await call('/flows/print?partial=1', { method: 'POST', body: cut })
    const note = await text3.text()
    expect(note).toContain('# PARTIAL RESULT: "body": line')
    expect(note).toContain(`flows lost: 1 (the rows from the bad line on)`)
  })

  it('says the loss is not known after a line too long to read on', async () => {
    for (const path of [
      'expected/seed-all.z/print-default.txt',
      'expected/seed-all.z/export-f2.csv',
    ]) {
      const rows = text(path).split('\n')
      rows[50] = 'x'.repeat(10_000)
      const res = await call('/flows/summary?partial=1', { method: 'POST', body: rows.join('\n') })
      expect(res.status, path).toBe(200)
      const [f] = ((await res.json()) as { files: { flows: number; truncated?: object }[] }).files
      expect(f?.flows, path).toBe(49)
      expect(f?.truncated, path).toMatchObject({
        bytesLost: null,
        flowsLost: null,
        flowsLostBy: 'rows',
      })
    }
  })

  it('counts the rows and bytes a bad line in the middle of a text input loses', async () => {
    const inputs = [
      ['expected/seed-all.z/print-default.txt', 1],
      ['expected/seed-all.z/export-f2.csv', 1],
      ['nfdump/seed-first300.nfdump.csv', 1],
    ] as const
    for (const [path, headerLines] of inputs) {
      const all = text(path)
      // nfdump's Summary block after its table is not rows; the é is (a bad one, non-ASCII).
      const table = all.includes('\nSummary\n') ? all.slice(0, all.indexOf('\nSummary\n')) : all
      const rows = table.replace(/\n$/, '').split('\n')
      rows[100] = 'this is not a flow'
      rows.push('\u00e9')
      const body = `${rows.join('\n')}\n${all.slice(table.length + 1)}`
      const total = rows.length - headerLines
      const res = await call('/flows/summary?partial=1', { method: 'POST', body })
      expect(res.status, path).toBe(200)
      const [f] = ((await res.json()) as { files: { flows: number; truncated?: object }[] }).files
      const offset = new TextEncoder().encode(rows.slice(0, 100).join('\n')).length + 1
      expect(f?.flows, path).toBe(100 - headerLines)
      expect(f?.truncated, path).toMatchObject({
        offset,
        bytesLost: new TextEncoder().encode(body).length - offset,
        // The bad line, the rows after it and the last line (é) are lost.
        flowsLost: total - (100 - headerLines),
        flowsLostBy: 'rows',
      })
    }
  })

  it('reads a text input saved with a byte order mark', async () => {
    const res = await call('/flows/summary', {
      method: 'POST',
      body: `\ufeff${text('expected/seed-all.z/print-default.txt')}`,
    })
    expect(res.status).toBe(200)
    expect(((await res.json()) as { totals: { flows: number } }).totals.flows).toBe(1328)
  })

  it('names the line of a bad text input once', async () => {
    const res = await call('/flows/summary', { method: 'POST', body: '#:unix_secs,dpkts\n1,2,3\n' })
    expect(res.status).toBe(422)
    const p = await problemOf(res)
    expect(p.line).toBe(2)
    expect(p.detail).toBe('body: line 2: 3 values, the header names 2 columns')
  })

  it('refuses text values no flow record could hold, on every route (a port of 65536 was a 500)', async () => {
    // Every column some route needs, then one value changed.
    const columns =
      'unix_secs,first,last,dpkts,doctets,srcaddr,dstaddr,prot,tos,srcport,dstport,input'
    const good = [
      '1289260800',
      '0',
      '0',
      '1',
      '40',
      '10.0.0.1',
      '10.0.0.2',
      '6',
      '0',
      '80',
      '80',
      '1',
    ]
    const csv = (column: string, value: string) => {
      const values = [...good]
      values[columns.split(',').indexOf(column)] = value
      return `#:${columns}\n${values.join(',')}\n`
    }
    const cases: [string, string][] = [
      [csv('srcport', '65536'), 'column 10 (srcport): "65536" is not a number from 0 to 65535'],
      [csv('tos', '256'), 'column 9 (tos): "256" is not a number from 0 to 255'],
      [csv('prot', '256'), 'column 8 (prot): "256" is not a number from 0 to 255'],
      [csv('input', '70000'), 'column 12 (input): "70000" is not a number from 0 to 65535'],
    ]
    for (const [body, detail] of cases) {
      for (const route of ['/flows/report', '/flows/print', '/flows/summary']) {
        const res = await call(route, { method: 'POST', body })
        expect(res.status, `${route} ${body}`).toBe(422)
        expect((await problemOf(res)).detail).toBe(`body: line 2, ${detail}`)
      }
    }
    // The widest values still read.
    for (const [column, value] of [
      ['srcport', '65535'],
      ['prot', '255'],
      ['doctets', '4294967295'],
    ]) {
      const ok = await call('/flows/report', {
        method: 'POST',
        body: csv(column as string, value as string),
      })
      expect(ok.status, column).toBe(200)
    }
  })

  it('refuses impossible nfdump dates and engine values instead of rolling them over', async () => {
    const [header, row] = text('nfdump/seed-first300.nfdump.csv').split('\n') as [string, string]
    const names = header.split(',')
    const edit = (changes: Record<string, string>) => {
      const v = row.split(',')
      for (const [name, value] of Object.entries(changes)) v[names.indexOf(name)] = value
      return `${header}\n${v.join(',')}\n`
    }
    const cases: [Record<string, string>, string][] = [
      [{ ts: '2010-13-08 00:01:09' }, 'column ts: "2010-13-08 00:01:09" is not a date and time'],
      [{ ts: '2010-02-30 00:01:09' }, 'column ts: "2010-02-30 00:01:09" is not a date and time'],
      [{ ts: '2010-11-08 24:00:00' }, 'column ts: "2010-11-08 24:00:00" is not a date and time'],
      [
        { ts: '2110-11-08 00:01:09', te: '2110-11-08 00:01:09' },
        'column ts: "2110-11-08 00:01:09" plus td is outside 1970-01-01 to 2106-02-07',
      ],
      [{ te: '2010-11-08 00:00:00' }, 'column te: "2010-11-08 00:00:00" is not ts + td'],
      [{ td: '-1' }, 'column td: "-1" is not a duration in seconds'],
      [{ eng: '300/0' }, 'column eng: "300/0" is not engine type/id, each 0 to 255'],
      [{ eng: 'x' }, 'column eng: "x" is not engine type/id'],
    ]
    for (const [changes, detail] of cases) {
      const res = await call('/flows/print', { method: 'POST', body: edit(changes) })
      expect(res.status, JSON.stringify(changes)).toBe(422)
      const p = await problemOf(res)
      expect(p.detail, JSON.stringify(changes)).toContain(`line 2, ${detail}`)
      expect(p.line).toBe(2)
    }
    expect((await call('/flows/print', { method: 'POST', body: edit({}) })).status).toBe(200)
  })

  it('names a form field that is not a flow file, and refuses save=1 on a print', async () => {
    const f = new FormData()
    f.append('note', 'hello')
    f.append('f', new Blob([bytes('seed-all.z.ft')]), 'seed-all.z.ft')
    const res = await call('/flows/summary', { method: 'POST', body: f })
    expect(res.status).toBe(422)
    const p = await problemOf(res)
    expect(p.file).toBe('note')
    expect(String(p.detail)).toContain('"note" is a form field, not a file')
    const save = await call('/flows/print?save=1', { method: 'POST', body: bytes('seed-all.z.ft') })
    expect(save.status).toBe(422)
    expect(String((await problemOf(save)).detail)).toContain('a print is not saved')
  })

  it('says what is wrong with a query parameter, in words', async () => {
    const cases: [string, string][] = [
      ['/flows/report?top=5&top=6', 'top is given once'],
      ['/flows/report?top=', 'top is a whole number of rows, 1 to 1000'],
      ['/flows/report?top=1e3', 'top is a whole number of rows, 1 to 1000'],
      ['/flows/report?top=0x10', 'top is a whole number of rows, 1 to 1000'],
      ['/flows/report?top=0', 'top is at least 1'],
      ['/flows/report?top=5000', 'top is at most 1000'],
      [
        '/flows/print?output=bogus',
        'output is f0 to f24 (flow-print -f N), csv (flow-export -f 2) or ndjson',
      ],
      [`/flows/summary?${'def=ip-addr&'.repeat(33)}`, 'at most 32 def= stages in one request'],
      [`/flows/summary?expr=${'a'.repeat(4097)}`, 'expr is longer than 4096 characters'],
    ]
    for (const [route, message] of cases) {
      const res = await call(route, { method: 'POST', body: bytes('seed-all.z.ft') })
      expect(res.status, route).toBe(422)
      expect(String((await problemOf(res)).detail), route).toContain(message)
    }
    const ok = await call('/flows/report?top=3', { method: 'POST', body: bytes('seed-all.z.ft') })
    expect(ok.status).toBe(200)
  })

  it('gives a malformed def= a code and the parameter path', async () => {
    const res = await call('/flows/summary?def=ip-addr:1.2.3.4', {
      method: 'POST',
      body: bytes('seed-all.z.ft'),
    })
    expect(res.status).toBe(422)
    const p = await problemOf(res)
    expect(p.code).toBe('bad_def')
    expect(p.errors).toEqual([{ path: 'query.def', message: p.detail }])
    expect(p.detail).toBe('def="ip-addr:1.2.3.4": "1.2.3.4" is not VAR=value')
  })

  it('returns 422 for an unknown output name', async () => {
    const res = await call('/flows/print?output=f99', {
      method: 'POST',
      body: bytes('seed-all.z.ft'),
    })
    expect(res.status).toBe(422)
  })
})

describe('POST /flows/summary', () => {
  it('reports header facts per file and totals', async () => {
    const res = await call('/flows/summary', { method: 'POST', body: form(SEED_FILES) })
    expect(res.status).toBe(200)
    const body = (await res.json()) as {
      files: { name: string; flows: number; header: Record<string, unknown> }[]
      totals: { files: number; flows: number; firstFlowStart: string; lastFlowEnd: string }
    }
    expect(body.files.map((f) => f.flows)).toEqual([66, 84, 96, 490, 106, 100, 302, 84])
    expect(body.files[0]?.header).toMatchObject({
      mode: 'normal',
      compressed: true,
      captureStart: '2010-11-08T00:01:21.000Z',
      flowCount: 66,
      comments: 'seed scenario 2010-11-08.000000',
    })
    expect(body.totals).toMatchObject({ files: 8, flows: 1328 })
  })

  it('gives flow-header text for a streaming v8.3 file on request', async () => {
    const res = await call('/flows/summary', {
      method: 'POST',
      body: bytes('versions/flowgen-v8.3-20.ft'),
      headers: { accept: 'text/plain' },
    })
    const t = await res.text()
    expect(t).toContain('record version 8.3')
    expect(t).toContain('# mode:                 streaming\n')
    expect(t).toContain('# export agg_method:    3 (Source Prefix)\n')
    expect(t).toContain('# flows read:           20\n')
  })
})

describe('POST /flows/report', () => {
  it('gives flow-stat -f 0 byte for byte and top talkers', async () => {
    const res = await call('/flows/report?top=3&sort=flows', {
      method: 'POST',
      body: bytes('seed-all.z.ft'),
    })
    expect(res.status).toBe(200)
    const body = (await res.json()) as {
      stat: { text: string; flows: number }
      top: Record<string, { key: string; flows: number }[]>
    }
    expect(body.stat.text).toBe(text('expected/seed-all.z/stat-f0.txt'))
    expect(body.stat.flows).toBe(1328)
    expect(body.top.dstaddr).toHaveLength(3)
    const flows = body.top.srcport?.map((r) => r.flows) ?? []
    expect([...flows].sort((a, b) => b - a)).toEqual(flows)
  })

  it('answers in text with Accept: text/plain', async () => {
    const res = await call('/flows/report', {
      method: 'POST',
      body: bytes('seed-all.z.ft'),
      headers: { accept: 'text/plain' },
    })
    const t = await res.text()
    expect(t.startsWith(text('expected/seed-all.z/stat-f0.txt'))).toBe(true)
    expect(t).toContain('# top 10 pair by octets')
  })

  it('counts only the top-N tables asked for (tables=), or none for the flow-stat summary alone', async () => {
    type Report = {
      stat: { text: string }
      top: Record<string, { key: string; flows: number }[]>
      approximate: Record<string, number>
    }
    const report = async (query: string) => {
      const res = await call(`/flows/report?top=4${query}`, {
        method: 'POST',
        body: bytes('seed-all.z.ft'),
      })
      expect(res.status, query).toBe(200)
      return (await res.json()) as Report
    }
    const all = await report('')
    expect(Object.keys(all.top)).toEqual([
      'srcaddr',
      'dstaddr',
      'srcport',
      'dstport',
      'prot',
      'pair',
    ])
    // Asked in any order, each once: the usual order, the same rows as in the full report.
    const some = await report('&tables=pair,srcaddr,%20pair')
    expect(Object.keys(some.top)).toEqual(['srcaddr', 'pair'])
    expect(some.top.srcaddr).toEqual(all.top.srcaddr)
    expect(some.top.pair).toEqual(all.top.pair)
    expect(some.stat.text).toBe(text('expected/seed-all.z/stat-f0.txt'))
    const none = await report('&tables=none')
    expect(none.top).toEqual({})
    expect(none.stat.text).toBe(text('expected/seed-all.z/stat-f0.txt'))
    const plain = await call('/flows/report?tables=none', {
      method: 'POST',
      body: bytes('seed-all.z.ft'),
      headers: { accept: 'text/plain' },
    })
    expect(await plain.text()).toBe(text('expected/seed-all.z/stat-f0.txt'))
    for (const [query, message] of [
      [
        'tables=srcaddr,hosts',
        'unknown top-N table "hosts": tables is a comma-separated list of srcaddr, dstaddr, srcport, dstport, prot, pair, or none',
      ],
      ['tables=', 'unknown top-N table "":'],
      ['tables=none,prot', 'tables=none stands alone: no table, or name the tables'],
      ['tables=prot&tables=pair', 'tables is given once'],
    ]) {
      const res = await call(`/flows/report?${query}`, {
        method: 'POST',
        body: bytes('seed-all.z.ft'),
      })
      expect(res.status, query).toBe(422)
      expect(String((await problemOf(res)).detail), query).toContain(message)
    }
  })
})

describe('POST /flows/timeline', () => {
  it('counts flows per day across every uploaded file', async () => {
    const res = await call('/flows/timeline?bucket=day', { method: 'POST', body: form(SEED_FILES) })
    expect(res.status).toBe(200)
    const body = (await res.json()) as {
      flows: number
      buckets: { start: string; flows: number }[]
      firstSeen: { time: string }
    }
    expect(body.flows).toBe(1328)
    expect(body.buckets.map((b) => b.start)).toEqual([
      '2010-11-08T00:00:00.000Z',
      '2010-11-09T00:00:00.000Z',
    ])
    expect(body.buckets.reduce((n, b) => n + b.flows, 0)).toBe(1328)
    expect(body.firstSeen.time.startsWith('2010-11-08T00:0')).toBe(true)
  })
})

describe('filters through the routes', () => {
  it('reproduces the seed pipeline ip-addr | not-ip-port 80 | flow-print', async () => {
    const res = await call('/flows/print?def=ip-addr:ADDR=189.22.36.165&def=not-ip-port:PORT=80', {
      method: 'POST',
      body: form(SEED_FILES, [['filter.cfg', text('filter-extended.cfg')]]),
    })
    expect(await res.text()).toBe(text('expected/pipelines/seed-all/ip-addr_not-ip-port-80.txt'))
  })

  it('runs the definition "default" of a configuration sent without def=, as flow-nfilter without -F', async () => {
    const cfg =
      'filter-primitive irc\n  type ip-port\n  permit 6667\nfilter-definition default\n  match ip-destination-port irc\n'
    const res = await call('/flows/summary', {
      method: 'POST',
      body: form([['f', 'seed-all.z.ft']], [['filter.cfg', cfg]]),
    })
    expect(res.status).toBe(200)
    const body = (await res.json()) as { totals: { flows: number; matched: number } }
    expect(body.totals.flows).toBe(1328)
    expect(body.totals.matched).toBeGreaterThan(0)
    expect(body.totals.matched).toBeLessThan(1328)
    // A configuration without one is refused, not ignored (every flow "matched" before).
    const none = await call('/flows/summary', {
      method: 'POST',
      body: form([['f', 'seed-all.z.ft']], [['filter.cfg', text('filter-extended.cfg')]]),
    })
    expect(none.status).toBe(422)
    expect(String((await problemOf(none)).detail)).toContain(
      'without def= uses its definition "default"',
    )
  })

  it("passes the filter's warnings on: JSON, a text line, a print header", async () => {
    type Warned = { filterWarnings?: { code: string; message: string }[] }
    const unset = await call('/flows/summary?def=ip-addr', {
      method: 'POST',
      body: bytes('seed-all.z.ft'),
    })
    expect(unset.status).toBe(200)
    const w = ((await unset.json()) as Warned).filterWarnings ?? []
    expect(w.map((x) => x.code)).toEqual(['variable_unset'])
    expect(w[0]?.message).toMatch(
      /^variable ADDR of filter-definition "ip-addr" is not set: its default/,
    )
    const set = await call('/flows/summary?def=ip-addr:ADDR=189.22.36.165', {
      method: 'POST',
      body: bytes('seed-all.z.ft'),
    })
    expect(((await set.json()) as Warned).filterWarnings).toBeUndefined()
    // flow-nfilter's own warning on "permit !80", through a filter.cfg part.
    const cfg =
      'filter-primitive not80\n  type ip-port\n  permit !80\nfilter-definition default\n  match ip-destination-port not80\n'
    const report = await call('/flows/report', {
      method: 'POST',
      body: form([['f', 'seed-all.z.ft']], [['filter.cfg', cfg]]),
      headers: { accept: 'text/plain' },
    })
    const text = await report.text()
    expect(
      text.startsWith('# filter warning: line 3: "!80" means "deny 80", not "all but 80"'),
    ).toBe(true)
    const print = await call('/flows/print?def=ip-addr', {
      method: 'POST',
      body: bytes('seed-all.z.ft'),
    })
    expect(print.headers.get('x-filter-warnings')).toMatch(
      /^variable ADDR of filter-definition "ip-addr" is not set/,
    )
    const quiet = await call('/flows/print', { method: 'POST', body: bytes('seed-all.z.ft') })
    expect(quiet.headers.get('x-filter-warnings')).toBeNull()
  })

  it('says where a filter.cfg part goes, and takes one configuration a request', async () => {
    const cfg =
      'filter-primitive irc\n  type ip-port\n  permit 6667\nfilter-definition irc\n  match ip-destination-port irc\n'
    const after = new FormData()
    after.append('f', new Blob([bytes('seed-all.z.ft')]), 'seed-all.z.ft')
    after.append('filter.cfg', cfg)
    const late = await call('/flows/summary?def=irc', { method: 'POST', body: after })
    expect(late.status).toBe(422)
    expect(String((await problemOf(late)).detail)).toContain(
      'if a "filter.cfg" part defines it, that part must come before the flow files',
    )
    const twice = await call('/flows/summary?def=irc', {
      method: 'POST',
      body: form(
        [['f', 'seed-all.z.ft']],
        [
          ['filter.cfg', cfg],
          ['filter.cfg', cfg],
        ],
      ),
    })
    expect(twice.status).toBe(422)
    expect(String((await problemOf(twice)).detail)).toContain('one "filter.cfg" part per upload')
  })

  it('answers "when did port 6667 or 7000 first appear?" in one call', async () => {
    const res = await call(`/flows/timeline?expr=${encodeURIComponent('port 6667 or port 7000')}`, {
      method: 'POST',
      body: form(SEED_FILES),
    })
    const body = (await res.json()) as { firstSeen: Record<string, unknown> }
    expect(body.firstSeen).toMatchObject({
      time: '2010-11-09T01:25:41.000Z',
      srcaddr: '189.22.36.165',
      dstaddr: '208.83.20.130',
      dstport: 6667,
    })
  })
})

describe('saved analyses', () => {
  it('needs the token to save, before reading the upload', async () => {
    const res = await call('/flows/report?save=1', { method: 'POST', body: bytes('seed-all.z.ft') })
    expect(res.status).toBe(401)
  })

  it('saves a report and fetches it again by id', async () => {
    const res = await call('/flows/report?save=1&top=2', {
      method: 'POST',
      body: bytes('seed-all.z.ft'),
      token: true,
    })
    expect(res.status).toBe(200)
    const body = (await res.json()) as { id: string; stat: { text: string } }
    expect(res.headers.get('location')).toBe(`/flows/analyses/${body.id}`)
    // A text answer names where it was saved, in its first line.
    const savedText = await call('/flows/summary?save=1', {
      method: 'POST',
      body: bytes('seed-all.z.ft'),
      token: true,
      headers: { accept: 'text/plain' },
    })
    const where = savedText.headers.get('location')
    expect((await savedText.text()).split('\n')[0]).toBe(`# saved: ${where}`)
    // An id copied in upper case is the same id.
    const upper = await call(`/flows/analyses/${String(body.id).toUpperCase()}`, { token: true })
    expect(upper.status).toBe(200)
    const again = await call(`/flows/analyses/${body.id}`, { token: true })
    expect(again.status).toBe(200)
    const saved = (await again.json()) as {
      kind: string
      query: Record<string, unknown>
      result: { stat: { text: string } }
    }
    expect(saved.kind).toBe('report')
    expect(saved.query).toMatchObject({ top: 2 })
    expect(saved.result.stat.text).toBe(body.stat.text)
    expect((await call(`/flows/analyses/${body.id}`)).status).toBe(401)
  })

  it('answers 404 for an unknown id and 422 for a malformed one', async () => {
    const missing = await call('/flows/analyses/3b241101-e2bb-4255-8caf-4136c566a962', {
      token: true,
    })
    expect(missing.status).toBe(404)
    const bad = await call('/flows/analyses/not-an-id', { token: true })
    expect(bad.status).toBe(422)
    expect(String((await problemOf(bad)).detail)).toContain('not an analysis id')
    // Without the token nothing about the id is told.
    expect((await call('/flows/analyses/not-an-id')).status).toBe(401)
  })
})

describe('flow-header text', () => {
  it('prints the header block first with header=1, like flow-print -p', async () => {
    const res = await call('/flows/print?output=f5&header=1', {
      method: 'POST',
      body: bytes('seed-all.ft'),
    })
    expect(await res.text()).toBe(text('expected/seed-all/print-formats/print-f5-header.txt'))
  })
})

describe('time zones in print', () => {
  it('prints in the asked zone and refuses an unknown one', async () => {
    const ok = await call('/flows/print?output=f5&tz=America/Sao_Paulo', {
      method: 'POST',
      body: bytes('seed-all.z.ft'),
    })
    expect(ok.status).toBe(200)
    expect((await ok.text()).split('\n')[2]?.startsWith('1107.22:01:09.010 ')).toBe(true)
    const bad = await call('/flows/print?tz=Mars/Base', {
      method: 'POST',
      body: bytes('seed-all.z.ft'),
    })
    expect(bad.status).toBe(422)
  })
})
