// An error answered before an upload was read to the end, through the real `wrangler dev`: the
// client must get that answer, and its send must complete. workerd drops the connection under an
// answer whose upload is still coming, and wrangler's proxy made a 500 "Network connection lost"
// of a 422 (cloudflare/workers-sdk#15709); a streamed print that failed mid-upload came whole
// but the client's send broke (curl exit 55). src/http/drain-body.ts reads the rest.

import { readFileSync } from 'node:fs'
import { request } from 'node:http'
import { describe, expect, inject, it } from 'vitest'
import { createFlowBatch } from '../../src/flows/flow-batch'
import { ftFileStream } from '../../src/flows/ft-writer'
import { findLayout } from '../../src/flows/record-layouts'
import { rng } from '../support/rng'

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
  chunked = false,
): Promise<Sent> {
  return new Promise((resolve, reject) => {
    let sendError: string | undefined
    let answer: Omit<Sent, 'sendError'> | undefined
    let sent = false
    // Both must be over: the answer read, and the body sent (or its send failed).
    const settle = () => {
      if (answer && sent) resolve({ ...answer, ...(sendError ? { sendError } : {}) })
    }
    const req = request(
      `${BASE}${path}`,
      {
        method,
        // chunked: no Content-Length, so node:http sends Transfer-Encoding: chunked.
        headers: chunked ? headers : { 'content-length': String(body.length), ...headers },
      },
      (res) => {
        const parts: Buffer[] = []
        res.on('data', (d: Buffer) => parts.push(d))
        res.on('error', reject)
        res.on('end', () => {
          answer = {
            status: res.statusCode ?? 0,
            type: String(res.headers['content-type'] ?? ''),
            text: Buffer.concat(parts).toString('utf8'),
          }
          settle()
        })
      },
    )
    req.on('error', (err) => {
      sendError = err.message
      sent = true
      settle()
    })
    // Paced after the first 256 KiB, as a client on a real link sends: the answer comes while
    // most of the body is still to be sent (loopback's socket buffers would otherwise take
    // several MB at once, and hide an answer that does not wait for them).
    const write = async () => {
      for (let at = 0; at < body.length && !sendError; at += 65536) {
        req.write(body.subarray(at, at + 65536))
        if (at >= 262144) await new Promise((r) => setTimeout(r, 2))
      }
      if (sendError) return
      req.end(() => {
        sent = true
        settle()
      })
    }
    write().catch(reject)
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

/**
 * A closed, zlib-compressed v5 file of 250,000 random flows (about 5.8 MB, under the e2e Worker's
 * ARCHIVE_MAX_FILE_BYTES of 6 MiB: random fields keep it from compressing much), with 400 bytes
 * of its records overwritten near the start.
 */
async function corruptFtFile(): Promise<Uint8Array> {
  const layout = findLayout(5)
  if (!layout) throw new Error('no v5 layout')
  const r = rng(7)
  const flows = 250_000
  const start = Date.UTC(2024, 0, 15) / 1000
  async function* batches() {
    for (let done = 0; done < flows; done += 8192) {
      const b = createFlowBatch(8192)
      b.length = Math.min(8192, flows - done)
      for (let i = 0; i < b.length; i++) {
        b.cols.unix_secs[i] = start + Math.floor((3600 * (done + i)) / flows)
        b.cols.srcaddr[i] = Math.floor(r() * 2 ** 32)
        b.cols.dstaddr[i] = Math.floor(r() * 2 ** 32)
        b.cols.srcport[i] = Math.floor(r() * 65536)
        b.cols.dstport[i] = Math.floor(r() * 65536)
        b.cols.dpkts[i] = Math.floor(r() * 1000)
        b.cols.doctets[i] = Math.floor(r() * 1e6)
      }
      yield b
    }
  }
  const file = new Uint8Array(
    await new Response(
      ftFileStream(
        {
          layout,
          byteOrder: 'big',
          compress: true,
          done: { capStart: start, capEnd: start + 3600, flowCount: flows },
        },
        batches(),
      ),
    ).arrayBuffer(),
  )
  file.fill(0xff, 200_000, 200_400)
  return file
}
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

  it('a flow file found corrupt while it streams to the archive is the 422, and the send completes', async () => {
    const file = await corruptFtFile()
    expect(file.length).toBeGreaterThan(5_000_000)
    const r = await send('PUT', '/flows/archive/rtr1/ft-v05.2024-01-15.000000+0000', file, {
      authorization: `Bearer ${TOKEN}`,
    })
    expect(r.status).toBe(422)
    expect(JSON.parse(r.text)).toMatchObject({ code: 'corrupt_zlib' })
    expect(r.sendError).toBeUndefined()
    // Nothing was stored.
    const list = await fetch(
      `${BASE}/flows/archive?router=rtr1&from=2024-01-15T00:00:00Z&to=2024-01-15T23:59:59Z`,
      { headers: { authorization: `Bearer ${TOKEN}` } },
    )
    expect(JSON.stringify(await list.json())).not.toContain('ft-v05.2024-01-15.000000+0000')
  })

  it('an archive upload that is no ft file is the 422 naming byte 0, and the send completes', async () => {
    // Under the e2e Worker's ARCHIVE_MAX_FILE_BYTES (6 MiB), which would refuse it unread.
    const r = await send('PUT', '/flows/archive/rtr1/ft-v05.2010-11-09.000000+0000', junk(6e6), {
      authorization: `Bearer ${TOKEN}`,
    })
    expect(r.status).toBe(422)
    expect(JSON.parse(r.text)).toMatchObject({ code: 'bad_magic', offset: 0 })
    expect(r.sendError).toBeUndefined()
  })

  it('a chunked JSON body past a route cap is the 413, and the send completes', async () => {
    const pad = new TextEncoder().encode(
      `{"url":"http://x.test/","referers":["${'x'.repeat(3e6)}"]}`,
    )
    const r = await send(
      'POST',
      '/probes/referer',
      pad,
      { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      true,
    )
    expect(r.status).toBe(413)
    expect(JSON.parse(r.text)).toMatchObject({ type: '/problems/body-too-large' })
    expect(r.sendError).toBeUndefined()
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
