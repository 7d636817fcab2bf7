import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { run, tempDir } from './helpers'

const VALIDATE = new URL('../../fixtures/modsec/validate.conf', import.meta.url).pathname
const MODULES = '/usr/lib/apache2/modules'

/**
 * `apache2 -t` on a generated file, loaded into the fixture's minimal config (mod_security2 and
 * friends; nothing from /etc/apache2 is read, nothing is started).
 */
export function apacheTest(text: string, extraModules: string[] = []) {
  const dir = tempDir()
  mkdirSync(join(dir, 'run'))
  mkdirSync(join(dir, 'logs'))
  const generated = join(dir, 'generated.conf')
  writeFileSync(generated, text)
  const conf = readFileSync(VALIDATE, 'utf8').replaceAll('@FIXTURE_DIR@', dir)
  const modules = extraModules.map((m) => `LoadModule ${m}_module ${MODULES}/mod_${m}.so`)
  writeFileSync(
    join(dir, 'validate.conf'),
    [conf, ...modules, `Include ${generated}`, ''].join('\n'),
  )
  return { dir, ...run('apache2', ['-t', '-f', join(dir, 'validate.conf')]) }
}
