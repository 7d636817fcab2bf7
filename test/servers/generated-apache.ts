/**
 * vitest globalSetup (unit project): a real Apache 2.4 + ModSecurity 2 on 127.0.0.1 serving rules
 * and an access block made by the generators, so tests can check what they DO (block `PORN`,
 * `p%6Frn`, refuse clients outside `Require ip`), not only that `apache2 -t` parses them.
 * Reads nothing from /etc/apache2. The port comes from listen(0) on a throw-away socket.
 */
import { spawnSync } from 'node:child_process'
import {
  chmodSync,
  chownSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TestProject } from 'vitest/node'
import { renderRefererRules } from '../../src/generators/modsecurity-rules'
import { findGenerator } from '../../src/generators/registry'

const FIXTURE = new URL('../fixtures/modsec/httpd.conf', import.meta.url).pathname

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

async function generated(kind: string, input: unknown): Promise<string> {
  const g = findGenerator(kind)
  if (!g) throw new Error(`no generator ${kind}`)
  return g.prepare(input).render({})
}

async function answers(url: string): Promise<boolean> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(1000) })
    await res.arrayBuffer()
    return true
  } catch {
    return false
  }
}

export default async function setup(project: TestProject): Promise<() => void> {
  const dir = mkdtempSync(join(tmpdir(), 'edgeping-apache-'))
  // Apache serves as www-data when started as root: every parent must be traversable.
  chmodSync(dir, 0o755)
  for (const sub of ['run', 'logs', 'data', 'tmp', 'htdocs', 'www']) mkdirSync(join(dir, sub))
  writeFileSync(join(dir, 'htdocs/index.html'), 'OK: page served\n')
  writeFileSync(join(dir, 'www/smokeping.css'), 'body {}\n')
  const root = process.getuid?.() === 0
  if (root) {
    const id = spawnSync('id', ['-u', 'www-data'], { encoding: 'utf8' })
    const gid = spawnSync('id', ['-g', 'www-data'], { encoding: 'utf8' })
    for (const sub of ['data', 'tmp'])
      chownSync(join(dir, sub), Number(id.stdout), Number(gid.stdout))
  }

  const rules = [
    renderRefererRules(['porn', 'spam.example'], {
      baseId: 1001,
      phase: 1,
      status: 403,
      caseMode: 'lowercase',
    }),
    renderRefererRules(['fishingscum'], {
      baseId: 1101,
      phase: 1,
      status: 500,
      caseMode: 'regex-i',
    }),
  ].join('')
  writeFileSync(join(dir, 'referer-rules.conf'), rules)

  const www = join(dir, 'www')
  const closed = await generated('apache-smokeping-alias', {
    urlPath: '/smokeping',
    www,
    allow: ['192.0.2.0/24', '2001:db8::/48'],
    allowLocal: false,
  })
  const open = await generated('apache-smokeping-alias', {
    urlPath: '/smokeping-open',
    www,
    cgi: join(dir, 'smokeping-open.cgi'),
    imgcache: join(dir, 'data'),
    allow: ['127.0.0.1'],
    allowLocal: false,
  })

  const port = await freePort()
  let conf = readFileSync(FIXTURE, 'utf8')
    .replaceAll('@FIXTURE_DIR@', dir)
    .replace('Listen 127.0.0.1:8081', `Listen 127.0.0.1:${port}`)
    .replace(
      'LoadModule dir_module',
      `LoadModule authz_host_module /usr/lib/apache2/modules/mod_authz_host.so\nLoadModule alias_module /usr/lib/apache2/modules/mod_alias.so\nLoadModule dir_module`,
    )
  if (!root) conf = conf.replace(/^(User|Group) www-data$/gm, '')
  conf += `\n${closed}\n${open}\n`
  const confFile = join(dir, 'httpd.conf')
  writeFileSync(confFile, conf)

  const start = spawnSync('apache2', ['-f', confFile, '-k', 'start'], { encoding: 'utf8' })
  if (start.error || start.status !== 0) {
    throw new Error(
      `apache2 did not start (${start.error?.message ?? `${start.stdout}${start.stderr}`}); install apache2 and libapache2-mod-security2 as .ci/run does`,
    )
  }
  const url = `http://127.0.0.1:${port}`
  const deadline = Date.now() + 10_000
  while (!(await answers(`${url}/`))) {
    if (Date.now() > deadline) throw new Error(`apache2 did not answer on ${url}; see ${dir}/logs`)
    await new Promise((r) => setTimeout(r, 100))
  }
  project.provide('generatedApacheUrl', url)
  return () => {
    spawnSync('apache2', ['-f', confFile, '-k', 'stop'])
    rmSync(dir, { recursive: true, force: true })
  }
}
