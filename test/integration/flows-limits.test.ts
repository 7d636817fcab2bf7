import { describe, expect, it } from 'vitest'
import { encodeFtHeader } from '../../src/flows/ft-writer'
import { findLayout } from '../../src/flows/record-layouts'
import { FLOW_LIMITS } from '../../src/routes/flows-upload'
import { call, problemOf } from './helpers'

/**
 * An uncompressed v5 ft file of `recordBytes` zero bytes of records, made as it is read (a 1 MiB
 * piece at a time): a chunked upload, with no Content-Length.
 */
function ftStream(recordBytes: number): ReadableStream<Uint8Array> {
  const layout = findLayout(5)
  if (!layout) throw new Error('no v5 layout')
  let header: Uint8Array | undefined = encodeFtHeader({
    layout,
    byteOrder: 'little',
    compress: false,
  })
  let left = recordBytes
  return new ReadableStream({
    pull(controller) {
      if (header) {
        controller.enqueue(header)
        header = undefined
        return
      }
      if (left <= 0) {
        controller.close()
        return
      }
      const n = Math.min(left, 1 << 20)
      controller.enqueue(new Uint8Array(n))
      left -= n
    },
  })
}

function multipartStream(inner: ReadableStream<Uint8Array>, boundary: string) {
  const enc = new TextEncoder()
  const reader = inner.getReader()
  let state: 'head' | 'body' | 'done' = 'head'
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (state === 'head') {
        controller.enqueue(
          enc.encode(
            `--${boundary}\r\ncontent-disposition: form-data; name="f"; filename="big.ft"\r\n\r\n`,
          ),
        )
        state = 'body'
        return
      }
      if (state === 'done') return controller.close()
      const r = await reader.read()
      if (r.done) {
        controller.enqueue(enc.encode(`\r\n--${boundary}--\r\n`))
        state = 'done'
      } else controller.enqueue(r.value)
    },
  })
}

/** POST /flows/summary with a streamed body (and headers). */
function summary(body: ReadableStream<Uint8Array>, headers: Record<string, string> = {}) {
  return call('/flows/summary', { method: 'POST', body, headers, duplex: 'half' } as RequestInit)
}

async function expectTooLarge(res: Response, extra: Record<string, unknown> = {}) {
  expect(res.status).toBe(413)
  expect(await problemOf(res)).toMatchObject({
    type: '/problems/flow-limit',
    code: 'too_many_bytes',
    limit: FLOW_LIMITS.maxBytes,
    ...extra,
  })
}

describe('upload size limit', () => {
  it('refuses a declared length over the limit before reading the body', async () => {
    await expectTooLarge(
      await summary(ftStream(0), { 'content-length': String(FLOW_LIMITS.maxBytes + 1) }),
    )
  })

  // A chunked upload declares no length: it is counted as it streams (hono's bodyLimit would read
  // it whole into memory first), and the answer names the file.
  it('stops a chunked raw upload at the limit as it streams', async () => {
    await expectTooLarge(await summary(ftStream(FLOW_LIMITS.maxBytes + 64)), { file: 'body' })
  })

  it('stops a chunked multipart upload at the limit as it streams', async () => {
    const boundary = 'edgeping-limit-test'
    const res = await summary(multipartStream(ftStream(FLOW_LIMITS.maxBytes), boundary), {
      'content-type': `multipart/form-data; boundary=${boundary}`,
    })
    await expectTooLarge(res)
  })

  it('reads a chunked upload under the limit in full', async () => {
    const res = await summary(ftStream(64 * 1000))
    expect(res.status).toBe(200)
    expect(await res.json()).toMatchObject({ totals: { flows: 1000 } })
  })
})
