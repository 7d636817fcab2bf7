// An error answered before an upload was read to the end, through the real `wrangler dev`: the
// client must get that answer, and its send must complete. workerd drops the connection under an
// answer whose upload is still coming, and wrangler's proxy made a 500 "Network connection lost"
// of a 422 (cloudflare/workers-sdk#15709); a streamed print that failed mid-upload came whole
// but the client's send broke (curl exit 55). src/http/drain-body.ts reads the rest.

import { readFileSync } from 'node:fs'
import { request } from 'node:http'
import { describe, expect, inject, it } from 'vitest'

const BASE = inject('baseUrl')
const TOKEN = inject('apiToken')
const FIXTURES = new URL('../fixtures/flows/', import.meta.url)

/** Bytes no flow reader takes (no ft magic, no CSV header), `n` of them. */
function junk(n: number): Uint8Array {
  const b = new Uint8Array(n)
  for (let i = 0; i < n; i++) b[i] = (i * 131 + 7) & 0xff
  b[0] = 0x00
  return b
}

type Sent = { status: number; type: string; text: string; sendError?: string }

/** One request by node:http, written in 64 KiB pieces; says whether the send failed under it. */
function send(
  method: string,
  path: string,
  body: Uint8Array,
  headers: Record<string, string> = {},
): Promise<Sent> {
  return new Promise((resolve, reject) => {
    let sendError: string | undefined
    const req = request(
      `${BASE}${path}`,
      { method, headers: { 'content-length': String(body.length), ...headers } },
      (res) => {
        const parts: Buffer[] = []
        res.on('data', (d: Buffer) => parts.push(d))
        res.on('error', reject)
        res.on('end', () => {
          // The send has had its chance to fail once the answer is in.
          setTimeout(() => {
            resolve({
              status: res.statusCode ?? 0,
              type: String(res.headers['content-type'] ?? ''),
              text: Buffer.concat(parts).toString('utf8'),
              ...(sendError ? { sendError } : {}),
            })
          }, 50)
        })
      },
    )
    req.on('error', (err) => {
      sendError = err.message
    })
    for (let at = 0; at < body.length; at += 65536) req.write(body.subarray(at, at + 65536))
    req.end()
  })
}

function multipart(parts: { name: string; filename: string; bytes: Uint8Array }[]) {
  const boundary = 'edgeping-e2e-boundary'
  const pieces: Uint8Array[] = []
  const text = (s: string) => pieces.push(new TextEncoder().encode(s))
  for (const p of parts) {
    text(
      `--${boundary}\r\nContent-Disposition: form-data; name="${p.name}"; filename="${p.filename}"\r\n`,
    )
    text('Content-Type: application/octet-stream\r\n\r\n')
    pieces.push(p.bytes)
    text('\r\n')
  }
  text(`--${boundary}--\r\n`)
  return {
    body: Buffer.concat(pieces),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  }
}

const BIG = 12 * 1024 * 1024
/** 1,000 v5 flows, zlib-compressed (33 KB). */
const ft = () => new Uint8Array(readFileSync(new URL('random-v5-1k.z.ft', FIXTURES)))

describe('an error answered before the upload was read', () => {
  it('a bad def= on a 12 MB upload is the 422, not a 500', async () => {
    // The definition is looked up once the first file's header is read.
    const r = await send('POST', '/flows/print?def=nosuch', Buffer.concat([ft(), junk(BIG)]))
    expect(r.status).toBe(422)
    expect(r.type).toContain('application/problem+json')
    expect(JSON.parse(r.text)).toMatchObject({ code: 'unknown_definition' })
    expect(r.sendError).toBeUndefined()
  })

  it('an unknown format at byte 0 of 12 MB is the 422 naming the offset', async () => {
    const r = await send('POST', '/flows/summary', junk(BIG))
    expect(r.status).toBe(422)
    expect(JSON.parse(r.text)).toMatchObject({ code: 'unknown_format', offset: 0, file: 'body' })
    expect(r.sendError).toBeUndefined()
  })

  it('a wrong token on a 12 MB archive upload is the 401', async () => {
    const r = await send('PUT', '/flows/archive/rtr1/ft-v05.2010-11-09.000000+0000', junk(BIG), {
      authorization: 'Bearer not-the-token',
    })
    expect(r.status).toBe(401)
    expect(r.type).toContain('application/problem+json')
    expect(r.sendError).toBeUndefined()
    expect(TOKEN).not.toBe('not-the-token')
  })

  it('a print that fails after its answer began ends marked, and the send completes', async () => {
    // Three files of NDJSON (about 1.4 MB) start the answer before the bad fourth part is read.
    const { body, headers } = multipart([
      { name: 'a', filename: 'a1.ft', bytes: ft() },
      { name: 'a', filename: 'a2.ft', bytes: ft() },
      { name: 'a', filename: 'a3.ft', bytes: ft() },
      { name: 'b', filename: 'b.bin', bytes: junk(1024) },
      { name: 'c', filename: 'c.bin', bytes: junk(BIG) },
    ])
    const r = await send('POST', '/flows/print?output=ndjson', body, headers)
    expect(r.status).toBe(200)
    const lines = r.text.trimEnd().split('\n')
    expect(lines).toHaveLength(3001)
    expect(JSON.parse(lines.at(-1) ?? '')).toMatchObject({
      error: { incomplete: true, file: 'b.bin' },
    })
    expect(r.sendError).toBeUndefined()
  })
})
