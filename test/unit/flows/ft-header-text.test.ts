import { describe, expect, it } from 'vitest'
import { renderFtHeader } from '../../../src/flows/ft-header-text'
import { openFtStream } from '../../../src/flows/ft-reader'
import { fixture, fixtureText, streamOf } from './flow-test-helpers'

const VERSIONS = ['1', '5', '6', '7', '1005', ...Array.from({ length: 14 }, (_, i) => `8.${i + 1}`)]

async function header(path: string): Promise<string> {
  return renderFtHeader((await openFtStream(streamOf(fixture(path)))).header)
}

describe('flow-header text', () => {
  for (const v of VERSIONS) {
    it(`matches flow-header for the v${v} vector`, async () => {
      expect(await header(`versions/flowgen-v${v}-20.ft`)).toBe(
        fixtureText(`expected/versions/v${v}/header.txt`),
      )
    })
  }

  it('matches flow-header for a closed, compressed file with capture times and counts', async () => {
    expect(await header('seed-all.z.ft')).toBe(fixtureText('expected/seed-all.z/header.txt'))
  })

  it('matches flow-header for a big-endian -z 9 stream and a flow-import file', async () => {
    expect(await header('versions/random-v5-1k.big.z9.ft')).toBe(
      fixtureText('expected/random-v5-1k.big/header-z9.txt'),
    )
    expect(await header('random-v5-1k.z.ft')).toBe(
      fixtureText('expected/random-v5-1k.z/header.txt'),
    )
  })
})
