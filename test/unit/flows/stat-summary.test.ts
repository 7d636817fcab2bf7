import { describe, expect, it } from 'vitest'
import { openFtStream } from '../../../src/flows/ft-reader'
import {
  addToStatSummary,
  createStatSummary,
  renderStatSummary,
} from '../../../src/flows/report/stat-summary'
import { fixture, fixtureText, streamOf } from './flow-test-helpers'

async function stat(path: string): Promise<string> {
  const file = await openFtStream(streamOf(fixture(path)))
  const s = createStatSummary()
  for await (const b of file.batches) addToStatSummary(s, b, () => true)
  return renderStatSummary(s)
}

describe('flow-stat -f 0', () => {
  it('matches flow-stat -f 0 on the seed data byte for byte', async () => {
    expect(await stat('seed-all.z.ft')).toBe(fixtureText('expected/seed-all.z/stat-f0.txt'))
  })

  it('matches flow-stat -f 0 on the random 1k data byte for byte', async () => {
    expect(await stat('random-v5-1k.z.ft')).toBe(fixtureText('expected/random-v5-1k.z/stat-f0.txt'))
  })
})
