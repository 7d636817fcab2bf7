import { describe, expect, it } from 'vitest'
import { GeneratorInputError } from '../../../src/generators/generator'
import { generate } from './helpers'

async function issuesOf(urlPath: string) {
  try {
    await generate('apache-smokeping-alias', { urlPath, allow: ['192.0.2.0/24'] })
  } catch (e) {
    if (e instanceof GeneratorInputError) return e.issues
    throw e
  }
  return []
}

describe('apache-smokeping-alias urlPath', () => {
  // Apache removes dot segments from the request path (RFC 3986 §5.2.4) before mod_alias and
  // <Location> see it: `Alias /..` or `<Location "/a/./b">` would never match a request.
  for (const urlPath of ['/.', '/..', '/a/../smokeping', '/smokeping/.', '/a/./b']) {
    it(`refuses ${urlPath}, naming urlPath`, async () => {
      expect(await issuesOf(urlPath)).toMatchObject([
        { path: 'urlPath', message: expect.stringContaining('. or .. segments') },
      ])
    })
  }

  it('keeps dots inside a segment', async () => {
    for (const urlPath of ['/smokeping', '/.well-known/smokeping', '/a..b', '/v2.9'])
      expect(await issuesOf(urlPath)).toEqual([])
  })
})
