/**
 * A small HTTP site (Node, 127.0.0.1, ephemeral port) that behaves in the ways the referer probe's
 * fetch port must survive, which Apache cannot easily be made to do:
 * /changing    a body that changes on every request (a timestamp)
 * /big-tail    the same first KiB, then a different 64 KiB tail each time
 * /endless     a body that never ends (the port must read one KiB and cancel)
 * /hang        never answers (the per-request timeout must fire)
 * /redirect    302 to a closed port (the port must not follow it)
 * /soft-block  always 200, but an "Access denied" page when the Referer contains "spam"
 *              (case-sensitive): a block that only the body fingerprint shows
 */
import { randomBytes } from 'node:crypto'
import { createServer, type Server } from 'node:http'
import type { TestProject } from 'vitest/node'

function startOddSite(): Promise<Server> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0]
    const page = (body: string | Buffer) => {
      res.writeHead(200, { 'content-type': 'text/html' })
      res.end(body)
    }
    switch (path) {
      case '/changing':
        return page(`<p>generated at ${Date.now()} ${randomBytes(8).toString('hex')}</p>`)
      case '/big-tail':
        return page(Buffer.concat([Buffer.alloc(1024, 'a'), randomBytes(64 * 1024)]))
      case '/endless': {
        res.writeHead(200, { 'content-type': 'text/plain' })
        const timer = setInterval(() => res.write('x'.repeat(512)), 5)
        res.on('close', () => clearInterval(timer))
        return
      }
      case '/hang':
        return // the client's deadline must fire
      case '/redirect':
        res.writeHead(302, { location: 'http://127.0.0.1:9/' })
        return res.end()
      case '/soft-block':
        return page((req.headers.referer ?? '').includes('spam') ? 'Access denied' : 'Welcome')
      default:
        res.writeHead(404)
        return res.end()
    }
  })
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve(server))
  })
}

/** vitest globalSetup entry: starts the site, tells the tests where, stops it at the end. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await startOddSite()
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  project.provide('oddSiteUrl', `http://127.0.0.1:${port}`)
  return () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections()
      server.close(() => resolve())
    })
}
