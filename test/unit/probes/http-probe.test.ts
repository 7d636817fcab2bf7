// The referer probe's fetch port against a local Node site: what it records of an answer.
import { createServer, type Server } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sendHttpProbe } from '../../../src/ports/http-probe'

let server: Server
let base = ''

function listen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    server.once('error', () => resolve(false))
    server.listen(port, '127.0.0.1', () => resolve(true))
  })
}

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/stall') {
      // Status and headers at once, 3 of 5000 promised bytes, then nothing until the client
      // gives up (afterAll closes the connection).
      res.writeHead(403, { 'content-type': 'text/plain', 'content-length': '5000' })
      res.write('abc')
      return
    }
    if (req.url === '/moved') res.writeHead(301, { location: '/home' })
    else if (req.url === '/limited') res.writeHead(429, { 'retry-after': '30' })
    else res.writeHead(200, { 'content-type': 'text/plain' })
    res.end(req.url === '/' ? 'page' : '')
  })
  // A port of the range this suite may take (18000-18999), the first free one.
  for (let port = 18000 + Math.floor(Math.random() * 500); port < 19000; port++) {
    if (await listen(port)) {
      base = `http://127.0.0.1:${port}`
      return
    }
  }
  throw new Error('no free port in 18000-18999')
})

afterAll(
  () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections()
      server.close(() => resolve())
    }),
)

describe('sendHttpProbe', () => {
  it('records the status and Location of a redirect, without following it', async () => {
    const outcome = await sendHttpProbe({ url: `${base}/moved`, method: 'GET', headers: {} }, 2000)
    expect(outcome).toMatchObject({ kind: 'response', status: 301, location: '/home' })
  })

  it('records Retry-After', async () => {
    const outcome = await sendHttpProbe(
      { url: `${base}/limited`, method: 'GET', headers: {} },
      2000,
    )
    expect(outcome).toMatchObject({ kind: 'response', status: 429, retryAfter: '30' })
  })

  it('records neither for a plain page', async () => {
    const outcome = await sendHttpProbe({ url: `${base}/`, method: 'GET', headers: {} }, 2000)
    expect(outcome.kind === 'response' && outcome.location).toBeFalsy()
    expect(outcome.kind === 'response' && outcome.retryAfter).toBeFalsy()
  })

  it('keeps the status of an answer whose body stalls, and marks the body as cut', async () => {
    const outcome = await sendHttpProbe({ url: `${base}/stall`, method: 'GET', headers: {} }, 500)
    expect(outcome).toMatchObject({ kind: 'response', status: 403, partialBody: true })
    // the fingerprint is over the 3 bytes that arrived
    const abc = await sendHttpProbe({ url: `${base}/`, method: 'GET', headers: {} }, 2000)
    expect(outcome.kind === 'response' && outcome.fingerprint).not.toBe(
      abc.kind === 'response' && abc.fingerprint,
    )
  })

  it('does not mark a complete body as cut', async () => {
    const outcome = await sendHttpProbe({ url: `${base}/`, method: 'GET', headers: {} }, 2000)
    expect(outcome.kind === 'response' && outcome.partialBody).toBeFalsy()
  })
})
