/**
 * vitest globalSetup of the browser tests: the loopback DNS servers, then the real Worker under
 * `wrangler dev` on a free loopback port, pointed at them, with a throw-away local KV.
 * The tests get its URL and token via inject('baseUrl'), inject('apiToken').
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, openSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TestProject } from 'vitest/node'
import { startLoopbackServers } from '../servers/loopback-servers'

const REPO_ROOT = new URL('../..', import.meta.url).pathname
const API_TOKEN = 'e2e-token'

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer()
    s.once('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const address = s.address()
      const port = typeof address === 'object' && address ? address.port : 0
      s.close(() => resolve(port))
    })
  })
}

async function waitForHealth(url: string, child: ChildProcess, ms: number): Promise<void> {
  const deadline = Date.now() + ms
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`wrangler dev exited with ${child.exitCode}; see .fixtures/wrangler-e2e.log`)
    try {
      const res = await fetch(`${url}/health`, { signal: AbortSignal.timeout(1000) })
      if (res.ok) return
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 250))
  }
  throw new Error(`wrangler dev did not answer within ${ms} ms; see .fixtures/wrangler-e2e.log`)
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const servers = await startLoopbackServers()
  const port = await freePort()
  const state = mkdtempSync(join(tmpdir(), 'edgeping-e2e-'))
  mkdirSync(`${REPO_ROOT}.fixtures`, { recursive: true })
  const log = openSync(`${REPO_ROOT}.fixtures/wrangler-e2e.log`, 'w')
  const child = spawn(
    `${REPO_ROOT}node_modules/.bin/wrangler`,
    [
      'dev',
      '--ip',
      '127.0.0.1',
      '--port',
      String(port),
      '--persist-to',
      state,
      '--show-interactive-dev-session=false',
      '--var',
      'DOH_URL:http://127.0.0.1:8054/dns-query',
      '--var',
      'ALLOW_PRIVATE_TARGETS:true',
      '--var',
      `API_TOKEN:${API_TOKEN}`,
      // a 1-minute check step in the browser tests needs more than the free plan's 1,000 writes
      '--var',
      'CHECKS_WRITES_PER_DAY:100000',
      // the archive page sends files above this as multipart uploads: a small limit tests it
      '--var',
      'ARCHIVE_MAX_FILE_BYTES:6291456',
    ],
    {
      cwd: REPO_ROOT,
      stdio: ['ignore', log, log],
      env: { ...process.env, CI: 'true' },
      detached: true,
    },
  )
  const baseUrl = `http://127.0.0.1:${port}`
  try {
    await waitForHealth(baseUrl, child, 60_000)
  } catch (err) {
    if (child.pid) process.kill(-child.pid, 'SIGTERM')
    await servers.stop()
    throw err
  }
  project.provide('baseUrl', baseUrl)
  project.provide('apiToken', API_TOKEN)
  return async () => {
    // wrangler starts workerd as a child: end the whole process group.
    if (child.pid) process.kill(-child.pid, 'SIGTERM')
    await servers.stop()
    rmSync(state, { recursive: true, force: true })
  }
}
