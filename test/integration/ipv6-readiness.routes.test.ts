// The readiness report against the real resolver: dual.test is dual-stack with loopback web
// addresses (so the TCP check really connects, to dnsdist's [::1]:8054), legacy.test is IPv4-only.
import { describe, expect, it } from 'vitest'
import { call, problemOf } from './helpers'

type Report = {
  domain: string
  score: number
  verdict: string
  checks: {
    id: string
    title: string
    verdict: string
    summary: string
    evidence: string[]
    fix?: string[]
  }[]
}

async function report(query: string, token = false): Promise<Report> {
  const res = await call(`/dns/ipv6-readiness?${query}`, { token })
  expect(res.status, await res.clone().text()).toBe(200)
  return (await res.json()) as Report
}

const verdicts = (r: Report) => Object.fromEntries(r.checks.map((c) => [c.id, c.verdict]))

describe('GET /dns/ipv6-readiness', () => {
  it('passes the dual-stack domain, connecting to its web IPv6 address', async () => {
    const r = await report('domain=dual.test&ports=8054', true)
    expect(verdicts(r)).toEqual({
      web_aaaa_apex: 'pass',
      web_aaaa_www: 'pass',
      ns_aaaa: 'pass',
      mx_aaaa: 'pass',
      web_reach: 'pass',
    })
    expect(r.score).toBe(100)
    expect(r.checks.find((c) => c.id === 'web_reach')?.evidence[0]).toMatch(
      /^\[::1\]:8054 connected in \d+ ms$/,
    )
  })

  it('fails the web reach check when nothing listens on the port', async () => {
    const r = await report('domain=dual.test&ports=9', true)
    const reach = r.checks.find((c) => c.id === 'web_reach')
    expect(reach?.verdict).toBe('fail')
    expect(reach?.evidence[0]).toMatch(/^\[::1\]:9 /)
  })

  it('fails every check of the IPv4-only domain and says what to publish', async () => {
    const r = await report('domain=legacy.test', true)
    expect(verdicts(r)).toEqual({
      web_aaaa_apex: 'fail',
      web_aaaa_www: 'fail',
      ns_aaaa: 'fail',
      mx_aaaa: 'fail',
      web_reach: 'info',
    })
    expect(r.score).toBe(0)
    expect(r.checks.flatMap((c) => c.fix ?? [])).toEqual([
      "legacy.test.\t300\tIN\tAAAA\t<the web server's IPv6 address>",
      "www.legacy.test.\t300\tIN\tAAAA\t<the web server's IPv6 address>",
      'ns.legacy.test.\t3600\tIN\tAAAA\t<IPv6 address of ns.legacy.test.>',
      // legacy.test has one name server; the rule wants two with IPv6.
      'add a second name server with an IPv6 address to the NS set of legacy.test.',
      'mx.legacy.test.\t300\tIN\tAAAA\t<IPv6 address of mx.legacy.test.>',
    ])
  })

  it('fails ns_aaaa for example.test (ns2 has no AAAA) and refuses documentation addresses', async () => {
    const r = await report('domain=example.test', true)
    expect(verdicts(r)).toMatchObject({
      web_aaaa_apex: 'pass',
      web_aaaa_www: 'pass',
      ns_aaaa: 'fail',
      mx_aaaa: 'pass',
    })
    const reach = r.checks.find((c) => c.id === 'web_reach')
    expect(reach?.verdict).toBe('fail')
    expect(reach?.evidence.join('\n')).toContain(
      'not tried: 2001:db8::1 is a reserved or documentation address',
    )
  })

  it('checks the NS of the enclosing zone for a name below the apex (NODATA carries its SOA)', async () => {
    const r = await report('domain=mail.dual.test')
    const ns = r.checks.find((c) => c.id === 'ns_aaaa')
    expect(ns?.verdict).toBe('pass')
    expect(ns?.summary).toBe(
      'all 2 name servers have IPv6 addresses (NS of the enclosing zone dual.test.)',
    )
    expect(ns?.evidence[0]).toBe(
      'mail.dual.test. has no NS records (NODATA): it is not a zone apex; NS of the enclosing zone dual.test.',
    )
  })

  it("finds the zone of a CNAME'd name from its parent", async () => {
    const r = await report('domain=www.example.test')
    const ns = r.checks.find((c) => c.id === 'ns_aaaa')
    expect(ns?.verdict).toBe('fail')
    expect(ns?.evidence[0]).toBe(
      'www.example.test. is an alias (CNAME), so not a zone apex; NS of the enclosing zone example.test.',
    )
    expect(ns?.fix).toEqual([
      'ns2.example.test.\t3600\tIN\tAAAA\t<IPv6 address of ns2.example.test.>',
    ])
  })

  it('reports a name with no address at all as info, without a fix', async () => {
    // _sip._tcp.example.test holds only an SRV record.
    const r = await report('domain=_sip._tcp.example.test')
    const apex = r.checks.find((c) => c.id === 'web_aaaa_apex')
    expect(apex?.verdict).toBe('info')
    expect(apex?.summary).toContain('nothing to check')
    expect(apex?.fix).toBeUndefined()
  })

  it('connects once per address and port when a port is repeated', async () => {
    const r = await report('domain=dual.test&ports=8054,8054', true)
    const reach = r.checks.find((c) => c.id === 'web_reach')
    expect(reach?.title).toBe('IPv6 reachability of the web server (TCP 8054)')
    expect(reach?.evidence).toHaveLength(1)
  })

  it('refuses a wildcard label as the domain with a 422 naming it; a lookup still takes it', async () => {
    const res = await call('/dns/ipv6-readiness?domain=*.dual.test')
    expect(res.status).toBe(422)
    const p = await problemOf(res)
    expect(p.code).toBe('wildcard')
    expect(p.detail).toContain("'*.dual.test' has the wildcard label '*'")
    expect((await call('/dns/lookup?name=*.dual.test')).status).toBe(200)
  })

  it('skips the TCP check without the token', async () => {
    const r = await report('domain=dual.test')
    expect(r.checks.find((c) => c.id === 'web_reach')?.summary).toContain('needs the API token')
  })

  it('answers in text on request', async () => {
    const res = await call('/dns/ipv6-readiness?domain=legacy.test', {
      headers: { accept: 'text/plain' },
    })
    const text = await res.text()
    expect(text).toMatch(/^IPv6 readiness of legacy\.test\.: 0\/100 \(fail\)\n/)
    expect(text).toContain('FAIL    mx_aaaa: no mail server has an IPv6 address')
    expect(text).toContain(
      'FAIL    ns_aaaa: no name server has an IPv6 address: IPv6-only resolvers cannot reach the zone; legacy.test. has only one name server',
    )
  })

  it('rejects a bad domain and bad ports with 422', async () => {
    expect((await call('/dns/ipv6-readiness?domain=-bad-%2F.test')).status).toBe(422)
    const res = await call('/dns/ipv6-readiness?domain=dual.test&ports=80,99999')
    expect(res.status).toBe(422)
    expect((await problemOf(res)).detail).toContain('99999')
  })

  it('refuses an IPv4 literal with the same 422 as an IPv6 literal', async () => {
    const problems = []
    for (const domain of ['192.0.2.1', '::1']) {
      const res = await call(`/dns/ipv6-readiness?domain=${encodeURIComponent(domain)}`)
      expect(res.status, domain).toBe(422)
      problems.push(await problemOf(res))
    }
    const [v4, v6] = problems
    expect([v4?.code, v6?.code]).toEqual(['not_a_domain', 'not_a_domain'])
    expect(v4?.detail).toBe(
      "'192.0.2.1' is an IP address; the IPv6 readiness report checks a domain name such as example.com",
    )
    expect(v6?.detail).toBe(String(v4?.detail).replace('192.0.2.1', '::1'))
  })

  it('refuses the root zone: it has no web or mail servers of its own', async () => {
    const res = await call('/dns/ipv6-readiness?domain=.')
    expect(res.status).toBe(422)
    const p = await problemOf(res)
    expect(p.code).toBe('not_a_domain')
    expect(p.detail).toContain('the root zone is not a domain to check')
  })
})

describe('GET /dns/ipv6-readiness refusals carry a code', () => {
  it('422 nxdomain for a domain that does not exist', async () => {
    const res = await call('/dns/ipv6-readiness?domain=nope.dual.test')
    expect(res.status).toBe(422)
    const p = await problemOf(res)
    expect(p).toMatchObject({
      type: '/problems/domain-not-found',
      code: 'nxdomain',
      domain: 'nope.dual.test.',
    })
    expect(p.detail).toContain('nope.dual.test. does not exist: the resolver answered NXDOMAIN')
  })

  it.each([
    ['80;443', 'bad_ports'],
    ['1,2,3,4,5', 'bad_ports'],
    ['80,99999', 'port_out_of_range'],
  ])('422 with a code for ports=%s', async (ports, code) => {
    const res = await call(
      `/dns/ipv6-readiness?domain=dual.test&ports=${encodeURIComponent(ports)}`,
    )
    expect(res.status).toBe(422)
    expect((await problemOf(res)).code).toBe(code)
  })
})
