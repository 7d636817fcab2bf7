/**
 * A real Apache 2.4 + ModSecurity 2 on 127.0.0.1, rendered from test/fixtures/modsec (the shared
 * recipe: reads nothing from /etc/apache2) into a fresh temp folder, on ephemeral ports so parallel
 * runs never clash:
 * - the "trap" site: the fixture's rules (1001 case-sensitive "porn" -> 500, 1002 (?i:fishingscum)
 *   -> 500, 1003 t:lowercase "casinospam" -> 403, 1004 t:urlDecode,t:lowercase "pillspam" -> 403);
 * - the "fixed" site: the same, with rule 1001 replaced by the fix rule our generator writes, to
 *   prove that the fix the probe suggests really closes the gap.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import {
  chmodSync,
  chownSync,
  cpSync,
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
import { renderRefererRules } from '../../../src/generators/modsecurity-rules'

const FIXTURE = new URL('../../fixtures/modsec/', import.meta.url).pathname

/** The referer the fixed site's rule is written for (the integration test probes the same). */
export const TRAP_REFERER = 'http://porn.example/'
/** What the probe suggests for it with default fix options (first rule id 10100). */
export const FIXED_RULE = renderRefererRules([TRAP_REFERER], {
  baseId: 10100,
  phase: 1,
  status: 403,
  caseMode: 'lowercase',
}).trimEnd()

export function apacheBinary(): string {
  for (const bin of ['apache2', '/usr/sbin/apache2']) {
    if (spawnSync(bin, ['-v']).status === 0) return bin
  }
  throw new Error(
    'apache2 is not installed; the referer probe tests need it (apt-get install apache2 libapache2-mod-security2, as .ci/run does)',
  )
}

/** Copies the fixture to a fresh folder Apache's www-data user can traverse, @FIXTURE_DIR@ filled in. */
export function renderFixture(): string {
  const dir = mkdtempSync(join(tmpdir(), 'edgeping-modsec-'))
  // mkdtemp makes mode 700: www-data could not read htdocs and every allowed request would get a
  // 403 that looks like a block (reference/modsecurity.md, "Traps").
  chmodSync(dir, 0o755)
  cpSync(FIXTURE, dir, { recursive: true })
  for (const sub of ['run', 'logs', 'data', 'tmp']) mkdirSync(join(dir, sub), { recursive: true })
  if (process.getuid?.() === 0) {
    const uid = Number(spawnSync('id', ['-u', 'www-data']).stdout.toString().trim())
    const gid = Number(spawnSync('id', ['-g', 'www-data']).stdout.toString().trim())
    if (Number.isInteger(uid) && uid > 0) {
      for (const sub of ['data', 'tmp']) chownSync(join(dir, sub), uid, gid)
    }
  }
  for (const file of ['httpd.conf', 'validate.conf']) {
    const path = join(dir, file)
    writeFileSync(path, readFileSync(path, 'utf8').replaceAll('@FIXTURE_DIR@', dir))
  }
  return dir
}

/**
 * Syntax-checks a ModSecurity rule file with the real `apache2 -t` (fixture validate.conf; nothing
 * is started). Returns the exit status and what Apache printed.
 */
export function validateModsecRules(rules: string): { ok: boolean; output: string } {
  const dir = renderFixture()
  try {
    const file = join(dir, 'under-test.conf')
    writeFileSync(file, `${rules}\n`)
    const r = spawnSync(apacheBinary(), [
      '-t',
      '-f',
      join(dir, 'validate.conf'),
      '-c',
      `Include ${file}`,
    ])
    return { ok: r.status === 0, output: `${r.stdout}${r.stderr}`.trim() }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer()
    s.once('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const a = s.address()
      const port = typeof a === 'object' && a ? a.port : 0
      s.close(() => resolve(port))
    })
  })
}

/** Renders httpd.conf for two ports: the fixture's own site and the fixed one. */
function renderConfig(dir: string, trapPort: number, fixedPort: number): void {
  writeFileSync(join(dir, 'fixed-rules.conf'), `${FIXED_RULE}\n`)
  const path = join(dir, 'httpd.conf')
  const conf = readFileSync(path, 'utf8')
    // The fixture listens on 8081; tests use ephemeral ports.
    .replace(
      /^Listen 127\.0\.0\.1:8081$/m,
      `Listen 127.0.0.1:${trapPort}\nListen 127.0.0.1:${fixedPort}`,
    )
  const extra = [
    // Small: the machine is shared; one process with a few threads is plenty for the tests.
    'StartServers 1',
    'ServerLimit 1',
    'ThreadsPerChild 16',
    'ThreadLimit 16',
    'MaxRequestWorkers 16',
    'MinSpareThreads 1',
    'MaxSpareThreads 16',
    `<VirtualHost 127.0.0.1:${trapPort}>`,
    `    DocumentRoot "${dir}/htdocs"`,
    '</VirtualHost>',
    `<VirtualHost 127.0.0.1:${fixedPort}>`,
    `    DocumentRoot "${dir}/htdocs"`,
    '    # The trap rule, replaced by the generated fix.',
    '    SecRuleRemoveById 1001',
    `    Include ${dir}/fixed-rules.conf`,
    '</VirtualHost>',
  ]
  writeFileSync(path, `${conf}\n${extra.join('\n')}\n`)
}

async function answers(url: string): Promise<boolean> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(500) })
    return res.status === 200 && (await res.text()).includes('OK: page served')
  } catch {
    return false
  }
}

export type ApacheSites = { trapUrl: string; fixedUrl: string; stop: () => Promise<void> }

/** Starts Apache in the foreground as a child process; `stop` ends it and removes its folder. */
export async function startApacheModsec(): Promise<ApacheSites> {
  const bin = apacheBinary()
  let lastError = ''
  for (let attempt = 0; attempt < 3; attempt++) {
    const dir = renderFixture()
    const [trapPort, fixedPort] = [await freePort(), await freePort()]
    renderConfig(dir, trapPort, fixedPort)
    const check = spawnSync(bin, ['-t', '-f', join(dir, 'httpd.conf')])
    if (check.status !== 0) throw new Error(`apache2 -t failed: ${check.stderr}`)
    const child: ChildProcess = spawn(bin, ['-f', join(dir, 'httpd.conf'), '-DFOREGROUND'], {
      stdio: ['ignore', 'ignore', 'pipe'],
    })
    let stderr = ''
    child.stderr?.on('data', (d: Buffer) => {
      stderr += d.toString()
    })
    const exited = new Promise<void>((r) => child.once('exit', () => r()))
    const trapUrl = `http://127.0.0.1:${trapPort}/`
    const fixedUrl = `http://127.0.0.1:${fixedPort}/`
    const deadline = Date.now() + 10_000
    while (child.exitCode === null && Date.now() < deadline) {
      if ((await answers(trapUrl)) && (await answers(fixedUrl))) {
        const stop = async () => {
          child.kill('SIGTERM')
          await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))])
          if (child.exitCode === null) child.kill('SIGKILL')
          rmSync(dir, { recursive: true, force: true })
        }
        return { trapUrl, fixedUrl, stop }
      }
      await new Promise((r) => setTimeout(r, 100))
    }
    child.kill('SIGKILL')
    await Promise.race([exited, new Promise((r) => setTimeout(r, 2000))])
    lastError = `${stderr}${safeRead(join(dir, 'logs/error.log'))}`
    rmSync(dir, { recursive: true, force: true })
    // A port taken between freePort() and Apache's bind: try again with new ones.
    if (!/Address already in use/.test(lastError)) break
  }
  throw new Error(`Apache + ModSecurity did not start: ${lastError.trim() || 'no output'}`)
}

function safeRead(path: string): string {
  try {
    return readFileSync(path, 'utf8')
  } catch {
    return ''
  }
}

/** vitest globalSetup entry: starts Apache, tells the tests where, stops it at the end. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const sites = await startApacheModsec()
  project.provide('apacheTrapUrl', sites.trapUrl)
  project.provide('apacheFixedUrl', sites.fixedUrl)
  project.provide('apacheFixedRule', FIXED_RULE)
  return sites.stop
}
