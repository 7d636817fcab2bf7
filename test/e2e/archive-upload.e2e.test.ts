// scripts/archive-upload.sh against the real Worker under wrangler dev (local R2): a small
// flow-capture tree goes up, one file in parts, with one part failing once on the way.
import { execFile } from 'node:child_process'
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { buildFtFile } from '../integration/ft-file'

const BASE = inject('baseUrl')
const TOKEN = inject('apiToken')
const SCRIPT = new URL('../../scripts/archive-upload.sh', import.meta.url).pathname
const run = promisify(execFile)

const DAY = Date.UTC(2010, 10, 9) / 1000
const DIR = '2010/2010-11/2010-11-09'
const SMALL = ['000000', '060000', '120000'].map((t) => `ft-v05.2010-11-09.${t}+0000`)
const BIG = 'ft-v05.2010-11-09.180000+0000'

let root: string
beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'edgeping-archive-'))
  mkdirSync(join(root, 'tree', DIR), { recursive: true })
  for (const [i, name] of SMALL.entries()) {
    const start = DAY + i * 6 * 3600
    const file = await buildFtFile({
      flows: 100 + i,
      capStart: start,
      capEnd: start + 6 * 3600 - 1,
    })
    writeFileSync(join(root, 'tree', DIR, name), file)
  }
  // 5.5 MiB: two parts of 5 MiB (R2's minimum, which local R2 enforces too)
  const start = DAY + 18 * 3600
  const big = await buildFtFile({ flows: 120_000, capStart: start, capEnd: start + 6 * 3600 - 1 })
  writeFileSync(join(root, 'tree', DIR, BIG), big)
  writeFileSync(join(root, 'tree', 'README'), 'not a flow file: skipped')
  // A curl that loses the connection on the first try of part 1, as a flaky link would.
  mkdirSync(join(root, 'bin'))
  const realCurl = (await run('bash', ['-c', 'command -v curl'])).stdout.trim()
  writeFileSync(
    join(root, 'bin', 'curl'),
    `#!/usr/bin/env bash
for a in "$@"; do
  if [[ $a == *partNumber=1 && ! -e "${root}/failed-once" ]]; then
    touch "${root}/failed-once"; echo 'curl: (56) Recv failure: Connection reset by peer' >&2; exit 56
  fi
done
exec ${realCurl} "$@"
`,
  )
  chmodSync(join(root, 'bin', 'curl'), 0o755)
})
afterAll(() => {
  rmSync(root, { recursive: true, force: true })
})

describe('scripts/archive-upload.sh', () => {
  it('uploads a flow-capture tree, the big file in parts, retrying a failed part', async () => {
    const { stdout, stderr } = await run('bash', [SCRIPT, BASE, 'rtr-e2e', join(root, 'tree')], {
      env: {
        ...process.env,
        PATH: `${join(root, 'bin')}:${process.env.PATH}`,
        EDGEPING_TOKEN: TOKEN,
        ARCHIVE_PART_BYTES: String(5 * 1024 * 1024),
        ARCHIVE_STATE_DIR: join(root, 'state0'),
      },
    })
    expect(stdout).toContain('uploaded 4 files (1 in parts), 0 failed')
    expect(stderr).toMatch(/retrying in 1s \(HTTP 000\): .*partNumber=1/)
    const res = await fetch(
      `${BASE}/flows/archive?router=rtr-e2e&from=2010-11-09T00:00:00Z&to=2010-11-09T23:59:59Z`,
      { headers: { authorization: `Bearer ${TOKEN}` } },
    )
    expect(res.status).toBe(200)
    const { files } = (await res.json()) as { files: { name: string; flows: number }[] }
    expect(files.map((f) => [f.name, f.flows])).toEqual([
      [SMALL[0], 100],
      [SMALL[1], 101],
      [SMALL[2], 102],
      [BIG, 120_000],
    ])
  })

  it('resumes a multipart upload after a failed run, sending only the missing parts', async () => {
    const tree = join(root, 'tree2')
    const dir = join(tree, '2010/2010-11/2010-11-10')
    mkdirSync(dir, { recursive: true })
    const start = DAY + 86400
    const name = 'ft-v05.2010-11-10.000000+0000'
    writeFileSync(
      join(dir, name),
      await buildFtFile({ flows: 120_000, capStart: start, capEnd: start + 6 * 3600 - 1 }),
    )
    const state = join(root, 'state')
    const log = join(root, 'curl.log')
    // First run: part 2 never gets through (and no retries), as if the link went down for good.
    mkdirSync(join(root, 'bin2'))
    const realCurl = (await run('bash', ['-c', 'command -v curl'])).stdout.trim()
    writeFileSync(
      join(root, 'bin2', 'curl'),
      `#!/usr/bin/env bash
for a in "$@"; do
  [[ $a == *partNumber=* ]] && echo "\${a##*partNumber=}" >>"${log}"
  if [[ $a == *partNumber=2 && -z \${LINK_UP:-} ]]; then echo 'curl: (7) Failed to connect' >&2; exit 7; fi
done
exec ${realCurl} "$@"
`,
    )
    chmodSync(join(root, 'bin2', 'curl'), 0o755)
    const env = {
      ...process.env,
      PATH: `${join(root, 'bin2')}:${process.env.PATH}`,
      EDGEPING_TOKEN: TOKEN,
      ARCHIVE_PART_BYTES: String(5 * 1024 * 1024),
      ARCHIVE_RETRIES: '0',
      ARCHIVE_STATE_DIR: state,
    }
    const failed = await run('bash', [SCRIPT, BASE, 'rtr-resume', tree], { env }).catch(
      (e: { code: number; stderr: string }) => e,
    )
    expect(failed).toMatchObject({ code: 1 })
    expect(failed.stderr).toContain(
      `failed: ${join(dir, name)}: part 2 of 2: HTTP 000; run again to resume`,
    )
    expect(readdirSync(state)).toHaveLength(1)

    writeFileSync(log, '')
    const { stdout, stderr } = await run('bash', [SCRIPT, BASE, 'rtr-resume', tree], {
      env: { ...env, LINK_UP: '1' },
    })
    expect(stderr).toContain(`resuming ${join(dir, name)}: 1 part(s) already sent`)
    expect(readFileSync(log, 'utf8')).toBe('2\n')
    expect(stdout).toContain('uploaded 1 files (1 in parts), 0 failed')
    expect(readdirSync(state)).toHaveLength(0)
    const res = await fetch(
      `${BASE}/flows/archive?router=rtr-resume&from=${start}&to=${start + 3600}`,
      {
        headers: { authorization: `Bearer ${TOKEN}` },
      },
    )
    const { files } = (await res.json()) as { files: { name: string; flows: number }[] }
    expect(files.map((f) => [f.name, f.flows])).toEqual([[name, 120_000]])
  })

  it('names the failed file and exits 1 when the token is wrong', async () => {
    const err = await run('bash', [SCRIPT, BASE, 'rtr-e2e', join(root, 'tree')], {
      env: {
        ...process.env,
        EDGEPING_TOKEN: 'wrong',
        ARCHIVE_PART_BYTES: String(5 * 1024 * 1024),
        ARCHIVE_STATE_DIR: join(root, 'state0'),
      },
    }).catch((e: { code: number; stdout: string; stderr: string }) => e)
    expect(err).toMatchObject({ code: 1 })
    expect(err.stderr).toContain(`failed: ${join(root, 'tree', DIR, SMALL[0] ?? '')}: HTTP 401`)
    expect(err.stdout).toContain('uploaded 0 files (0 in parts), 4 failed')
  })
})
