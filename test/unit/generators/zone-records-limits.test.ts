import { describe, expect, it } from 'vitest'
import { GeneratorInputError } from '../../../src/generators/generator'
import { MAX_LOOKUP_HOSTS } from '../../../src/generators/zone-records'
import { FIXTURES, generate, run, tempFile } from './helpers'

/** named-checkzone on a snippet wrapped with SOA/NS by the fixture's wrap.sh. */
function checkZone(origin: string, snippet: string) {
  const zone = run('sh', [`${FIXTURES}wrap.sh`, origin, tempFile('snippet.txt', snippet)])
  return run('named-checkzone', ['-k', 'fail', origin, tempFile('zone.txt', zone.out)])
}

/** A name of `length` characters made of labels of at most 63. */
function nameOf(length: number, tld = 'example'): string {
  const labels: string[] = [tld]
  let used = tld.length
  while (used < length) {
    const room = length - used - 1
    const label = 'a'.repeat(Math.min(63, room))
    if (label === '') break
    labels.unshift(label)
    used += label.length + 1
  }
  return labels.join('.')
}

async function issuesOf(input: unknown) {
  try {
    await generate('zone-records', input, {
      lookupAddresses: async () => ({ a: ['192.0.2.1'], aaaa: [] }),
    })
  } catch (e) {
    if (e instanceof GeneratorInputError) return e.issues
    throw e
  }
  return []
}

describe('zone-records name lengths (RFC 1035 §2.3.4: 255 octets on the wire)', () => {
  const origin253 = nameOf(253)

  it('named-checkzone fails on a 258-octet owner (the validator works)', () => {
    expect(origin253.length).toBe(253)
    const r = checkZone(origin253, 'www 300 IN A 192.0.2.1\n')
    expect(r.status).not.toBe(0)
    expect(r.out).toContain('ran out of space')
  })

  for (const [label, origin, name] of [
    ['253-character origin + www', origin253, 'www'],
    ['132-character origin + 127-character owner', nameOf(132), nameOf(127, 'b')],
  ] as const) {
    it(`refuses a ${label}, naming the host`, async () => {
      for (const include of ['forward', 'reverse', 'both']) {
        const issues = await issuesOf({
          origin,
          include,
          hosts: [
            { name: '@', ipv4: ['192.0.2.1'] },
            { name, ipv4: ['192.0.2.2'] },
          ],
        })
        expect(issues).toMatchObject([
          { path: 'hosts.1.name', message: expect.stringContaining('255') },
        ])
      }
    })

    it(`refuses a ${label} with lookup=true the same way (no lookup is made)`, async () => {
      expect(await issuesOf({ origin, lookup: true, hosts: [{ name }] })).toMatchObject([
        { path: 'hosts.0.name' },
      ])
    })
  }

  it('accepts a name of exactly 255 octets, and named-checkzone takes both sections', async () => {
    const origin = nameOf(200)
    const name = nameOf(52, 'c') // 52 + 1 + 200 = 253 characters: 255 octets on the wire
    const text = await generate('zone-records', {
      origin,
      include: 'both',
      hosts: [{ name, ipv4: ['192.0.2.1'], ipv6: ['2001:db8::1'] }],
    })
    const [forward = '', reverse = ''] = text.split('; PTR')
    expect(checkZone(origin, forward)).toMatchObject({ status: 0 })
    expect(checkZone('arpa', `; PTR${reverse}`)).toMatchObject({ status: 0 })
  })
})

describe('zone-records lookup=true stays under the subrequest limit', () => {
  it(`looks up at most ${MAX_LOOKUP_HOSTS} hosts, refusing more with a 422 naming hosts`, async () => {
    const hosts = Array.from({ length: MAX_LOOKUP_HOSTS + 1 }, (_, i) => ({ name: `h${i}` }))
    expect(MAX_LOOKUP_HOSTS * 2).toBeLessThan(50)
    expect(await issuesOf({ origin: 'example.test', lookup: true, hosts })).toMatchObject([
      { path: 'hosts', message: expect.stringContaining(`at most ${MAX_LOOKUP_HOSTS} hosts`) },
    ])
    // Hosts with addresses are not looked up and do not count.
    const mixed = [...hosts.slice(1), { name: 'fixed', ipv4: ['192.0.2.9'] }]
    expect(await issuesOf({ origin: 'example.test', lookup: true, hosts: mixed })).toEqual([])
  })

  it('runs the lookups two hosts at a time, in input order', async () => {
    let inFlight = 0
    let most = 0
    const asked: string[] = []
    const hosts = Array.from({ length: MAX_LOOKUP_HOSTS }, (_, i) => ({ name: `h${i}` }))
    const text = await generate(
      'zone-records',
      { origin: 'example.test', lookup: true, hosts },
      {
        lookupAddresses: async (name) => {
          asked.push(name)
          inFlight++
          most = Math.max(most, inFlight)
          await new Promise((r) => setTimeout(r, 2))
          inFlight--
          return { a: [`192.0.2.${asked.length}`], aaaa: [] }
        },
      },
    )
    expect(asked).toHaveLength(MAX_LOOKUP_HOSTS)
    expect(most).toBe(2)
    expect(text).toMatch(/^h0 +300 IN A {5}192\.0\.2\.\d+$/m)
    expect(text.indexOf('h1 ')).toBeLessThan(text.indexOf('h19 '))
  })
})
