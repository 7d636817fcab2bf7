import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { exportSmokepingText } from '../../../src/checks/smokeping-export'
import { parseSmokepingText } from '../../../src/checks/smokeping-parse'
import type { TargetsConfig } from '../../../src/checks/targets-model'

const hasSmokeping = spawnSync('sh', ['-c', 'command -v smokeping']).status === 0

/**
 * Real validation of the exported text: SmokePing's own `--check` (Debian's smokeping, installed
 * by .ci/run) on a config made of the minimal fixture's General/Database/Presentation, Curl and
 * DNS probes, and our exported Targets section.
 */
function smokepingCheck(targetsText: string): { status: number | null; output: string } {
  const dir = mkdtempSync(join(tmpdir(), 'edgeping-sp-'))
  for (const d of ['sp/cache', 'sp/data', 'sp/run']) mkdirSync(join(dir, d), { recursive: true })
  writeFileSync(join(dir, 'sp/smokemail'), 'Subject: smokeping\n')
  const min = readFileSync(
    new URL('../../fixtures/smokeping/smokeping-min.config', import.meta.url),
    'utf8',
  )
  const head = min.slice(0, min.indexOf('*** Probes ***')).replaceAll('@FIXTURE_DIR@', dir)
  const config = `${head}*** Probes ***\n+ Curl\nbinary = /usr/bin/curl\n+ DNS\nbinary = /usr/bin/dig\n\n${targetsText}`
  const file = join(dir, 'config')
  writeFileSync(file, config)
  const r = spawnSync('smokeping', ['--check', `--config=${file}`], {
    encoding: 'utf8',
    timeout: 20_000,
  })
  return { status: r.status, output: `${r.stdout}${r.stderr}` }
}

// The SmokePing-compatible subset: variables SmokePing's Curl and DNS probes know.
const config: TargetsConfig = {
  targets: {
    name: '',
    probe: 'Curl',
    menu: 'Top',
    title: 'Exported by edgeping',
    remark: 'quotes "x" stay on their line',
    children: [
      {
        name: 'web',
        menu: 'Web',
        title: 'Web servers',
        children: [
          {
            name: 'site',
            menu: 'site',
            title: 'Site',
            host: 'www.example.com',
            urlformat: 'https://%host%/health',
            expect: 'ok',
            pings: 5,
          },
        ],
      },
      {
        name: 'dns',
        menu: 'DNS',
        title: 'Resolvers',
        probe: 'DNS',
        children: [
          {
            name: 'r1',
            menu: 'r1',
            title: 'Resolver 1',
            host: 'dns.example.net',
            lookup: 'example.com',
          },
        ],
      },
    ],
  },
}

// A missing validator fails here (it never skips): .ci/run installs Debian's smokeping.
describe('smokeping --check on exported Targets text', () => {
  it('has smokeping installed (apt-get install smokeping)', () => {
    expect(hasSmokeping).toBe(true)
  })

  it('accepts the export of a tree in the SmokePing-compatible subset', () => {
    const text = exportSmokepingText(config)
    const r = smokepingCheck(text)
    expect(r.output).toContain('syntax OK')
    expect(r.status).toBe(0)
    expect(parseSmokepingText(text).config).toEqual(config)
  })

  it('fails where our own parser fails: a skipped level', () => {
    const text = exportSmokepingText(config).replace('++ site', '+++ site')
    expect(smokepingCheck(text).output).toMatch(/section nesting error/)
    expect(() => parseSmokepingText(text)).toThrow('section nesting error')
  })
})
