import { describe, expect, it } from 'vitest'
import { GeneratorInputError } from '../../../src/generators/generator'
import { generate, issuesOf } from './helpers'

/** A repeated entry is a line written twice (or a slot wasted): a 422 naming the repeat. */
describe('duplicate list entries', () => {
  it('resolv-conf: refuses a nameserver given twice (two texts, one address), naming the repeat', async () => {
    expect(
      await issuesOf('resolv-conf', {
        nameservers: ['2001:db8::53', '192.0.2.53', '2001:DB8:0::53'],
      }),
    ).toMatchObject([{ path: 'nameservers.2', message: 'duplicates nameservers.0' }])
  })

  it('resolv-conf: refuses a search domain given twice (case and trailing dot aside)', async () => {
    expect(
      await issuesOf('resolv-conf', {
        nameservers: ['192.0.2.53'],
        search: ['example.com', 'lan.example.com', 'Example.COM.'],
      }),
    ).toMatchObject([{ path: 'search.2', message: 'duplicates search.0' }])
  })

  for (const kind of ['modsecurity', 'nginx-referer-map', 'apache-referer-rewrite']) {
    it(`${kind}: refuses a term given twice in any case, naming the repeat before rendering`, async () => {
      const g = generate(kind, { terms: ['porn', 'casino', 'PORN'] })
      await expect(g).rejects.toBeInstanceOf(GeneratorInputError)
      await expect(g).rejects.toMatchObject({
        issues: [{ path: 'terms.2', message: 'duplicates terms.0 (matching ignores case)' }],
      })
    })
  }

  it('apache-smokeping-alias: refuses a network given twice (after normalising), naming it', async () => {
    expect(
      await issuesOf('apache-smokeping-alias', {
        allow: ['2001:db8::/48', '192.0.2.0/24', '2001:DB8:0::/48'],
      }),
    ).toMatchObject([{ path: 'allow.2', message: 'duplicates allow.0' }])
  })

  it('zone-records: refuses the same record twice, in one host or across hosts', async () => {
    expect(
      await issuesOf('zone-records', {
        origin: 'example.com',
        hosts: [
          { name: 'www', ipv4: ['192.0.2.10', '192.0.2.10'] },
          { name: 'WWW', ipv6: ['2001:db8::10'] },
          { name: 'www', ipv6: ['2001:DB8::10'] },
        ],
      }),
    ).toMatchObject([
      { path: 'hosts.0.ipv4.1', message: 'duplicates hosts.0.ipv4.0 (the same record twice)' },
      { path: 'hosts.2.ipv6.0', message: 'duplicates hosts.1.ipv6.0 (the same record twice)' },
    ])
  })

  it('zone-records: keeps one address under two names, and two addresses under one name', async () => {
    const text = await generate('zone-records', {
      origin: 'example.com',
      hosts: [
        { name: 'www', ipv4: ['192.0.2.10'] },
        { name: 'web', ipv4: ['192.0.2.10'] },
        { name: 'www', ipv4: ['192.0.2.11'] },
      ],
    })
    expect(text.match(/ IN A /g)).toHaveLength(3)
  })
})
