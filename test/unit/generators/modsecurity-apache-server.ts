/**
 * A private Apache 2.4 + ModSecurity 2 for one test file, serving the rules it is given (the shared
 * one in test/servers/generated-apache.ts has a fixed rule set). Same fixture config; the port is
 * the first free one from 18000, so it never takes a port another suite has fixed.
 */
import { spawnSync } from 'node:child_process'
import { chmodSync, chownSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { tempDir } from './helpers'

const FIXTURE = new URL('../../fixtures/modsec/httpd.conf', import.meta.url).pathname

function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer()
    s.once('error', () => resolve(false))
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)))
  })
}

async function freePort(): Promise<number> {
  for (let port = 18000 + Math.floor(Math.random() * 500); port < 19000; port++) {
    if (await bindable(port)) return port
  }
  throw new Error('no free port in 18000-18999')
}

export type ApacheServer = { url: string; stop: () => void }

/** Starts Apache with `rules` included by ModSecurity; throws (never skips) when it cannot. */
export async function startModsecApache(rules: string): Promise<ApacheServer> {
  const dir = tempDir('edgeping-modsec-')
  chmodSync(dir, 0o755)
  for (const sub of ['run', 'logs', 'data', 'tmp', 'htdocs']) mkdirSync(join(dir, sub))
  writeFileSync(join(dir, 'htdocs/index.html'), 'OK: page served\n')
  writeFileSync(join(dir, 'referer-rules.conf'), rules)
  const root = process.getuid?.() === 0
  if (root) {
    const uid = Number(spawnSync('id', ['-u', 'www-data'], { encoding: 'utf8' }).stdout)
    const gid = Number(spawnSync('id', ['-g', 'www-data'], { encoding: 'utf8' }).stdout)
    for (const sub of ['data', 'tmp']) chownSync(join(dir, sub), uid, gid)
  }
  const port = await freePort()
  let conf = readFileSync(FIXTURE, 'utf8')
    .replaceAll('@FIXTURE_DIR@', dir)
    .replace('Listen 127.0.0.1:8081', `Listen 127.0.0.1:${port}`)
  if (!root) conf = conf.replace(/^(User|Group) www-data$/gm, '')
  const confFile = join(dir, 'httpd.conf')
  writeFileSync(confFile, conf)
  const start = spawnSync('apache2', ['-f', confFile, '-k', 'start'], { encoding: 'utf8' })
  if (start.error || start.status !== 0) {
    throw new Error(`apache2 did not start: ${start.error?.message ?? start.stdout + start.stderr}`)
  }
  const url = `http://127.0.0.1:${port}`
  // `-k stop` signals the pid in run/httpd.pid: only this server.
  const stop = () => {
    spawnSync('apache2', ['-f', confFile, '-k', 'stop'])
    rmSync(dir, { recursive: true, force: true })
  }
  const deadline = Date.now() + 10_000
  for (;;) {
    try {
      const res = await fetch(`${url}/`, { signal: AbortSignal.timeout(1000) })
      await res.arrayBuffer()
      return { url, stop }
    } catch {
      if (Date.now() > deadline) {
        stop()
        throw new Error(`apache2 did not answer on ${url}`)
      }
      await new Promise((r) => setTimeout(r, 100))
    }
  }
}
