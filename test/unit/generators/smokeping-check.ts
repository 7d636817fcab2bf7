import { chmodSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { run, tempDir } from './helpers'

/** The directories and files `smokeping --check` insists exist (as smokeping.test.ts sets up). */
export function smokepingDirs() {
  const d = tempDir()
  for (const sub of ['cache', 'data', 'run']) mkdirSync(join(d, sub))
  writeFileSync(join(d, 'smokemail'), 'Subject: smokeping\n')
  // tcpping is not packaged in Debian; --check only needs an executable file.
  const tcpping = join(d, 'tcpping')
  writeFileSync(tcpping, '#!/bin/sh\nexit 0\n')
  chmodSync(tcpping, 0o755)
  return {
    dir: d,
    general: {
      owner: 'edgeping tests',
      contact: 'ops@example.invalid',
      cgiurl: 'http://127.0.0.1/smokeping.cgi',
      imgcache: join(d, 'cache'),
      imgurl: 'cache',
      datadir: join(d, 'data'),
      piddir: join(d, 'run'),
      smokemail: join(d, 'smokemail'),
    },
    binaries: { TCPPing: tcpping },
  }
}

/** `smokeping --check` on a config text. */
export function smokepingCheck(text: string, dir: string) {
  const file = join(dir, 'config')
  writeFileSync(file, text)
  return run('smokeping', ['--check', `--config=${file}`])
}
