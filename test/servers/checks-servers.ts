/**
 * Real servers for the checks probes, on ephemeral loopback ports so parallel runs never clash:
 * a TCP listener that accepts and closes, a port that refuses (bound, then closed), and an HTTP
 * server with good, slow, failing, redirecting and keyword paths.
 */
import { createServer as createHttpServer } from 'node:http'
import { createServer, type Server } from 'node:net'
import type { TestProject } from 'vitest/node'

function listen(server: Server | ReturnType<typeof createHttpServer>): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const a = server.address()
      resolve(typeof a === 'object' && a ? a.port : 0)
    })
  })
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const tcp = createServer((socket) => socket.end())
  const tcpPort = await listen(tcp)

  const closed = createServer()
  const refusedPort = await listen(closed)
  await new Promise<void>((r) => closed.close(() => r()))

  let hits = 0
  const hooks: { signature: string | undefined; body: string }[] = []
  const http = createHttpServer(async (req, res) => {
    hits++
    const path = (req.url ?? '').split('?')[0]
    if (path === '/hook' && req.method === 'POST') {
      const chunks: Buffer[] = []
      for await (const chunk of req) chunks.push(chunk as Buffer)
      const signature = req.headers['x-edgeping-signature']
      hooks.push({
        signature: typeof signature === 'string' ? signature : undefined,
        body: Buffer.concat(chunks).toString('utf8'),
      })
      res.writeHead(204)
      return res.end()
    }
    if (path === '/hook-log') {
      res.writeHead(200, { 'content-type': 'application/json' })
      return res.end(JSON.stringify(hooks))
    }
    if (path === '/ok') {
      res.writeHead(200, { 'content-type': 'text/plain' })
      return res.end('edgeping test page: all systems nominal\n')
    }
    if (path === '/slow') {
      const t = setTimeout(() => res.end('late'), 3000)
      res.on('close', () => clearTimeout(t))
      return
    }
    if (path === '/fail') {
      res.writeHead(503, { 'content-type': 'text/plain' })
      return res.end('down for maintenance')
    }
    if (path === '/redirect') {
      res.writeHead(302, { location: '/ok' })
      return res.end()
    }
    if (path === '/hits') {
      res.writeHead(200, { 'content-type': 'text/plain' })
      return res.end(String(hits))
    }
    res.writeHead(404)
    res.end()
  })
  const httpPort = await listen(http)

  project.provide('checksTcpPort', tcpPort)
  project.provide('checksRefusedPort', refusedPort)
  project.provide('checksHttpUrl', `http://127.0.0.1:${httpPort}`)
  return async () => {
    http.closeAllConnections()
    await Promise.all([
      new Promise<void>((r) => tcp.close(() => r())),
      new Promise<void>((r) => http.close(() => r())),
    ])
  }
}
