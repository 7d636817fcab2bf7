import { spawnSync } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  type FieldIssue,
  GeneratorInputError,
  type GeneratorPorts,
} from '../../../src/generators/generator'
import { findGenerator } from '../../../src/generators/registry'

/** Validates and renders like the route does (header included). */
export async function generate(
  kind: string,
  input: unknown,
  ports: GeneratorPorts = {},
): Promise<string> {
  const g = findGenerator(kind)
  if (!g) throw new Error(`no generator ${kind}`)
  return g.prepare(input).render(ports)
}

/** The field issues a generator refuses `input` with; none when it renders. */
export async function issuesOf(kind: string, input: unknown): Promise<FieldIssue[]> {
  try {
    await generate(kind, input)
  } catch (e) {
    if (e instanceof GeneratorInputError) return e.issues
    throw e
  }
  return []
}

/** A fresh temporary directory. */
export function tempDir(prefix = 'edgeping-gen-'): string {
  return mkdtempSync(join(tmpdir(), prefix))
}

/** Writes text to a new temp file and returns its path. */
export function tempFile(name: string, text: string, dir = tempDir()): string {
  const path = join(dir, name)
  writeFileSync(path, text)
  return path
}

export type Run = { status: number; out: string }

/**
 * Runs a real validator. A missing program throws, so the test FAILS (never skips) on a machine
 * where .ci/run did not install it.
 */
export function run(
  cmd: string,
  args: readonly string[],
  options: { input?: string; cwd?: string } = {},
): Run {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 30_000, ...options })
  if (r.error) {
    throw new Error(`${cmd} could not run (${r.error.message}); install it as .ci/run does`)
  }
  return { status: r.status ?? -1, out: `${r.stdout}${r.stderr}` }
}

export const FIXTURES = new URL('../../fixtures/generators/', import.meta.url).pathname

/** The seed's tunnel: HE broker 209.51.181.2, the seed host 198.22.63.8. */
export const SEED_TUNNEL = {
  localIpv4: '198.22.63.8',
  brokerIpv4: '209.51.181.2',
  clientIpv6: '2001:470:1f10:b9c::2',
  serverIpv6: '::1',
}

/** The documentation addresses of the HE templates in test/fixtures/generators/he-templates. */
export const DOC_TUNNEL = {
  localIpv4: '203.0.113.10',
  brokerIpv4: '198.51.100.1',
  clientIpv6: '2001:db8:1234::2',
  serverIpv6: '2001:db8:1234::1',
}
