/**
 * vitest globalSetup: hands the flow fixtures to the workerd tests (which cannot read the file
 * system) as base64 through `project.provide`. Only the small files the route tests use.
 */
import { readFileSync } from 'node:fs'
import type { TestProject } from 'vitest/node'

const ROOT = new URL('../fixtures/flows/', import.meta.url).pathname

export const FLOW_FIXTURES = [
  'seed-all.z.ft',
  'seed-all.ft',
  'expected/seed-all/print-formats/print-f5-header.txt',
  'expected/random-v5-1k/print-formats/print-f3-names.txt',
  'expected/random-v5-1k/print-formats/print-f4-names-wide.txt',
  'random-v5-1k.z.ft',
  'versions/flowgen-v5-20.ft',
  'versions/flowgen-v7-20.ft',
  'versions/flowgen-v8.3-20.ft',
  'versions/random-v5-1k.z.truncated.ft',
  'seed/2010-11-08/ft-v05.2010-11-08.000000+0000',
  'seed/2010-11-08/ft-v05.2010-11-08.060000+0000',
  'seed/2010-11-08/ft-v05.2010-11-08.120000+0000',
  'seed/2010-11-08/ft-v05.2010-11-08.180000+0000',
  'seed/2010-11-09/ft-v05.2010-11-09.000000+0000',
  'seed/2010-11-09/ft-v05.2010-11-09.060000+0000',
  'seed/2010-11-09/ft-v05.2010-11-09.120000+0000',
  'seed/2010-11-09/ft-v05.2010-11-09.180000+0000',
  'expected/seed-all.z/print-default.txt',
  'expected/seed-all.z/print-f5.txt',
  'expected/seed-all.z/export-f2.csv',
  'expected/seed-all.z/stat-f0.txt',
  'expected/versions/v7/print-default.txt',
  'expected/pipelines/seed-all/ip-addr.txt',
  'expected/pipelines/seed-all/ip-addr_not-ip-port-80.txt',
  'filter-extended.cfg',
  'nfdump/seed-first300.nfdump.csv',
] as const

export default function setup(project: TestProject): void {
  const files: Record<string, string> = {}
  for (const f of FLOW_FIXTURES) files[f] = readFileSync(ROOT + f).toString('base64')
  project.provide('flowFixtures', files)
}
