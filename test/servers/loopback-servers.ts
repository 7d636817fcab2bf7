/**
 * Starts the real loopback servers the integration tests talk to, and stops them afterwards:
 * unbound (authoritative for the test zones, :5353) behind dnsdist (plain-HTTP DoH, :8054),
 * plus a tiny misbehaving DoH server (an ephemeral port) for the failure paths. If a server already answers
 * (started by .ci/run or by hand), it is reused and left running.
 *
 * Everything listens on 127.0.0.1 / ::1 only.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { mkdirSync, openSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import * as dnsPacket from 'dns-packet'
import type { TestProject } from 'vitest/node'

export const DOH_PORT = 8054
const REPO_ROOT = new URL('../..', import.meta.url).pathname
// A query for example.test SOA, ID 0, RD set (RFC 8484 §4.1.1 example shape).
const READY_QUERY = 'AAABAAABAAAAAAAAB2V4YW1wbGUEdGVzdAAABgAB'

export async function startLoopbackServers(): Promise<{
  fakeDohUrl: string
  stop: () => Promise<void>
}> {
  const children: ChildProcess[] = []
  if (!(await dohAnswers())) {
    for (const bin of ['unbound', 'dnsdist']) {
      if (spawnSync('sh', ['-c', `command -v ${bin}`]).status !== 0) {
        throw new Error(
          `${bin} is not installed; the integration tests need it (apt-get install unbound dnsdist, as .ci/run does)`,
        )
      }
    }
    mkdirSync(`${REPO_ROOT}.fixtures`, { recursive: true })
    const log = (name: string) => openSync(`${REPO_ROOT}.fixtures/${name}.log`, 'w')
    children.push(
      spawn('unbound', ['-d', '-c', 'test/servers/unbound.conf'], {
        cwd: REPO_ROOT,
        stdio: ['ignore', log('unbound'), log('unbound.err')],
      }),
      spawn('dnsdist', ['--supervised', '--disable-syslog', '-C', 'test/servers/dnsdist.conf'], {
        cwd: REPO_ROOT,
        stdio: ['ignore', log('dnsdist'), log('dnsdist.err')],
      }),
    )
    const deadline = Date.now() + 15_000
    while (!(await dohAnswers())) {
      if (Date.now() > deadline) {
        for (const c of children) c.kill()
        throw new Error('unbound/dnsdist did not answer within 15 s; see .fixtures/*.log')
      }
      await new Promise((r) => setTimeout(r, 100))
    }
  }
  const fake = await startFakeDoh()
  const address = fake.address()
  const port = typeof address === 'object' && address ? address.port : 0
  const stop = async () => {
    await new Promise<void>((r) => {
      fake.closeAllConnections()
      fake.close(() => r())
    })
    for (const c of children) c.kill()
  }
  return { fakeDohUrl: `http://127.0.0.1:${port}`, stop }
}

async function dohAnswers(): Promise<boolean> {
  try {
    const res = await fetch(`http://127.0.0.1:${DOH_PORT}/dns-query?dns=${READY_QUERY}`, {
      signal: AbortSignal.timeout(1000),
    })
    await res.arrayBuffer()
    return res.status === 200
  } catch {
    return false
  }
}

/**
 * A DoH endpoint that fails in every way a real one can: paths /hang, /garbage, /html, /503,
 * /truncated (a real reply cut short), /wrong-question (a reply to another name), /huge-ttl (a
 * real reply with every TTL 0xFFFFFFFF, which RFC 2181 §8 says to read as zero).
 */
function startFakeDoh(): Promise<Server> {
  const server = createServer(async (req, res) => {
    const path = (req.url ?? '').split('?')[0]
    if (path === '/hang') return // never answers: the client's deadline must fire
    if (path === '/garbage') {
      res.writeHead(200, { 'content-type': 'application/dns-message' })
      return res.end(Buffer.from('this is not a DNS message at all'))
    }
    if (path === '/html') {
      res.writeHead(200, { 'content-type': 'text/html' })
      return res.end('<html><body>captive portal</body></html>')
    }
    if (path === '/503') {
      res.writeHead(503, { 'content-type': 'text/plain' })
      return res.end('upstream overloaded')
    }
    if (path === '/truncated' || path === '/wrong-question' || path === '/huge-ttl') {
      const chunks: Buffer[] = []
      for await (const chunk of req) chunks.push(chunk as Buffer)
      const query = Buffer.concat(chunks)
      const forwarded = path === '/wrong-question' ? Buffer.from(READY_QUERY, 'base64url') : query
      const real = await fetch(`http://127.0.0.1:${DOH_PORT}/dns-query`, {
        method: 'POST',
        headers: { 'content-type': 'application/dns-message' },
        body: forwarded,
      })
      const reply = Buffer.from(await real.arrayBuffer())
      res.writeHead(200, { 'content-type': 'application/dns-message' })
      if (path === '/huge-ttl') return res.end(withHugeTtls(reply))
      return res.end(path === '/truncated' ? reply.subarray(0, reply.length - 7) : reply)
    }
    res.writeHead(404)
    res.end()
  })
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve(server))
  })
}

/** The reply with the TTL of every record but OPT (whose TTL field holds flags) set to 2^32-1. */
function withHugeTtls(reply: Buffer): Buffer {
  const packet = dnsPacket.decode(reply)
  const huge = (rs: dnsPacket.Answer[] | undefined) =>
    (rs ?? []).map((r) => (r.type === 'OPT' ? r : { ...r, ttl: 0xffffffff }))
  return dnsPacket.encode({
    ...packet,
    answers: huge(packet.answers),
    authorities: huge(packet.authorities),
    additionals: huge(packet.additionals),
  })
}

/** vitest globalSetup entry: starts the servers, tells the tests where, stops them at the end. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const { fakeDohUrl, stop } = await startLoopbackServers()
  project.provide('fakeDohUrl', fakeDohUrl)
  project.provide('digOutputs', digOutputs())
  return stop
}

/**
 * Questions whose answers hold names with escapes (a dot, a space, UTF-8 bytes in a label), and
 * some with +short: the real dig's output for each, asked of the same unbound the Worker reaches through dnsdist, so
 * the tests compare the Worker's dig form with dig's own.
 */
export const DIG_QUESTIONS = [
  'odd.example.test A',
  'esc-mx.example.test MX',
  // dig +short: the answers' data alone (format=short)
  'odd.example.test A +short',
  'www.example.test AAAA +short',
  'example.test TXT +short',
  'example.test SOA +short',
  'nx.example.test A +short',
] as const

function digOutputs(): Record<string, string> {
  const out: Record<string, string> = {}
  for (const question of DIG_QUESTIONS) {
    const dig = spawnSync(
      'dig',
      ['@127.0.0.1', '-p', '5353', '+nocookie', ...question.split(' ')],
      {
        encoding: 'utf8',
        timeout: 10_000,
      },
    )
    if (dig.status !== 0) {
      throw new Error(
        `dig ${question} failed (${dig.error?.message ?? dig.stderr}); the tests need dig (apt-get install bind9-dnsutils, as .ci/run does)`,
      )
    }
    out[question] = dig.stdout
  }
  return out
}
