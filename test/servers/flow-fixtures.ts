/**
 * vitest globalSetup: hands small flow files to the workerd tests (which cannot read the host's
 * disk) as base64 strings, via inject('flowFixtures').
 */
import { readdirSync, readFileSync } from 'node:fs'
import type { TestProject } from 'vitest/node'

const FLOWS = new URL('../fixtures/flows/', import.meta.url)

export default function setup(project: TestProject): void {
  const files: Record<string, string> = {}
  for (const day of ['2010-11-08', '2010-11-09']) {
    for (const name of readdirSync(new URL(`seed/${day}/`, FLOWS))) {
      files[`seed/${day}/${name}`] = readFileSync(new URL(`seed/${day}/${name}`, FLOWS)).toString(
        'base64',
      )
    }
  }
  files['random-v5-1k.z.ft'] = readFileSync(new URL('random-v5-1k.z.ft', FLOWS)).toString('base64')
  project.provide('flowFixtures', files)
}
