import { describe, expect, it } from 'vitest'
import { GeneratorInputError } from '../../../src/generators/generator'
import { FIXTURES, generate, run, tempFile } from './helpers'

async function issuesOf(input: Record<string, unknown>) {
  try {
    await generate('zone-records', input)
  } catch (e) {
    if (e instanceof GeneratorInputError) return e.issues
    throw e
  }
  return []
}

describe('zone-records owners are relative to the origin', () => {
  it('named-checkzone takes www.example.com as www.example.com.example.com. (why it is refused)', () => {
    const snippet = tempFile('s.txt', 'www.example.com 300 IN A 192.0.2.10\n')
    const zone = tempFile('z.txt', run('sh', [`${FIXTURES}wrap.sh`, 'example.com', snippet]).out)
    const r = run('named-checkzone', ['-D', '-k', 'fail', 'example.com', zone])
    expect(r.status, r.out).toBe(0)
    expect(r.out).toContain('www.example.com.example.com.')
  })

  for (const [origin, name, relative] of [
    ['example.com', 'www.example.com', 'www'],
    ['example.com.', 'a.b.Example.COM', 'a.b'],
    ['example.com', 'example.com', '@'],
  ]) {
    it(`refuses ${name} in ${origin}, naming the host and saying what to give (${relative})`, async () => {
      expect(await issuesOf({ origin, hosts: [{ name, ipv4: ['192.0.2.10'] }] })).toMatchObject([
        { path: 'hosts.0.name', message: expect.stringMatching(new RegExp(`give ${relative}$`)) },
      ])
    })
  }

  it('keeps names that only look alike (www.example.community, example-com)', async () => {
    const text = await generate('zone-records', {
      origin: 'example.com',
      hosts: [
        { name: 'www.example.community', ipv4: ['192.0.2.10'] },
        { name: 'example-com', ipv4: ['192.0.2.11'] },
        { name: 'com', ipv4: ['192.0.2.12'] },
      ],
    })
    expect(text.match(/ IN A /g)).toHaveLength(3)
  })
})
