import { Buffer } from 'node:buffer'
import * as dnsPacket from 'dns-packet'
import { describe, expect, it } from 'vitest'
import { DnsQueryError, DomainNotFoundError } from '../../../src/dns/errors'
import { type Connect, checkIpv6Readiness, formatReadiness } from '../../../src/dns/ipv6-readiness'
import { createResolve, type Resolve, type SendQuery } from '../../../src/dns/resolve'
import { fakeSender, rr, soa } from './fake-resolver'

const dual = {
  'dual.test': [
    rr('dual.test', 'A', '203.0.113.1'),
    rr('dual.test', 'AAAA', '2001:db8::1'),
    rr('dual.test', 'NS', 'ns1.dual.test'),
    rr('dual.test', 'NS', 'ns2.dual.test'),
    rr('dual.test', 'MX', { preference: 10, exchange: 'mail.dual.test' }),
  ],
  'www.dual.test': [rr('www.dual.test', 'CNAME', 'web.dual.test')],
  'web.dual.test': [
    rr('web.dual.test', 'A', '203.0.113.2'),
    rr('web.dual.test', 'AAAA', '2001:db8::2'),
  ],
  'ns1.dual.test': [
    rr('ns1.dual.test', 'A', '203.0.113.53'),
    rr('ns1.dual.test', 'AAAA', '2001:db8::53'),
  ],
  'ns2.dual.test': [
    rr('ns2.dual.test', 'A', '203.0.113.54'),
    rr('ns2.dual.test', 'AAAA', '2001:db8::54'),
  ],
  'mail.dual.test': [
    rr('mail.dual.test', 'A', '203.0.113.25'),
    rr('mail.dual.test', 'AAAA', '2001:db8::25'),
  ],
}

const v4only = {
  'old.test': [
    rr('old.test', 'A', '203.0.113.1'),
    rr('old.test', 'NS', 'ns.old.test'),
    rr('old.test', 'MX', { preference: 10, exchange: 'mx.old.test' }),
  ],
  'www.old.test': [rr('www.old.test', 'A', '203.0.113.80')],
  'ns.old.test': [rr('ns.old.test', 'A', '203.0.113.53')],
  'mx.old.test': [rr('mx.old.test', 'A', '203.0.113.25')],
}

const connected: Connect = async () => ({ ok: true, ms: 12 })
const base = { ports: [80, 443], connectTimeoutMs: 100, refuseAddress: () => null }

function verdicts(report: Awaited<ReturnType<typeof checkIpv6Readiness>>) {
  return Object.fromEntries(report.checks.map((c) => [c.id, c.verdict]))
}

describe('checkIpv6Readiness', () => {
  it('passes a dual-stack domain whose web addresses answer', async () => {
    const report = await checkIpv6Readiness('dual.test', {
      ...base,
      resolve: createResolve(fakeSender(dual), { timeoutMs: 500 }),
      connect: connected,
    })
    expect(verdicts(report)).toEqual({
      web_aaaa_apex: 'pass',
      web_aaaa_www: 'pass',
      ns_aaaa: 'pass',
      mx_aaaa: 'pass',
      web_reach: 'pass',
    })
    expect(report.score).toBe(100)
  })

  it('fails an IPv4-only domain and says which AAAA records to publish', async () => {
    const report = await checkIpv6Readiness('old.test', {
      ...base,
      resolve: createResolve(fakeSender(v4only), { timeoutMs: 500 }),
      connect: connected,
    })
    expect(verdicts(report)).toEqual({
      web_aaaa_apex: 'fail',
      web_aaaa_www: 'fail',
      ns_aaaa: 'fail',
      mx_aaaa: 'fail',
      web_reach: 'info',
    })
    expect(report.score).toBe(0)
    const fixes = report.checks.flatMap((c) => c.fix ?? [])
    expect(fixes).toContain("old.test.\t300\tIN\tAAAA\t<the web server's IPv6 address>")
    expect(fixes).toContain('mx.old.test.\t300\tIN\tAAAA\t<IPv6 address of mx.old.test.>')
    expect(formatReadiness(report)).toContain('FAIL    ns_aaaa: no name server has an IPv6 address')
  })

  it('fails ns_aaaa with one IPv6 name server, warns with two of three', async () => {
    const one = { ...dual, 'ns2.dual.test': [rr('ns2.dual.test', 'A', '203.0.113.54')] }
    const r1 = await checkIpv6Readiness('dual.test', {
      ...base,
      resolve: createResolve(fakeSender(one), { timeoutMs: 500 }),
    })
    expect(verdicts(r1).ns_aaaa).toBe('fail')
    const three = {
      ...dual,
      'dual.test': [...dual['dual.test'], rr('dual.test', 'NS', 'ns3.dual.test')],
      'ns3.dual.test': [rr('ns3.dual.test', 'A', '203.0.113.55')],
    }
    const r2 = await checkIpv6Readiness('dual.test', {
      ...base,
      resolve: createResolve(fakeSender(three), { timeoutMs: 500 }),
    })
    expect(verdicts(r2).ns_aaaa).toBe('warning')
    expect(r2.checks.find((c) => c.id === 'ns_aaaa')?.fix).toEqual([
      'ns3.dual.test.\t3600\tIN\tAAAA\t<IPv6 address of ns3.dual.test.>',
    ])
  })

  it('treats a null MX as "accepts no mail" and IPv4-mapped AAAA as missing', async () => {
    const zone = {
      ...dual,
      'dual.test': [
        ...dual['dual.test'].filter((r) => r.type !== 'MX' && r.type !== 'AAAA'),
        rr('dual.test', 'MX', { preference: 0, exchange: '.' }),
        rr('dual.test', 'AAAA', '::ffff:203.0.113.1'),
      ],
    }
    const report = await checkIpv6Readiness('dual.test', {
      ...base,
      resolve: createResolve(fakeSender(zone), { timeoutMs: 500 }),
    })
    expect(verdicts(report).mx_aaaa).toBe('info')
    expect(report.checks.find((c) => c.id === 'mx_aaaa')?.summary).toContain('null MX')
    expect(verdicts(report).web_aaaa_apex).toBe('fail')
  })

  it('skips reachability without a connect port, and warns when only some addresses answer', async () => {
    const resolve = createResolve(fakeSender(dual), { timeoutMs: 500 })
    const skipped = await checkIpv6Readiness('dual.test', {
      ...base,
      resolve,
      skipReachReason: 'needs the API token',
    })
    expect(skipped.checks.find((c) => c.id === 'web_reach')?.summary).toBe(
      'skipped: needs the API token',
    )
    const tried: string[] = []
    const half: Connect = async (address, port) => {
      tried.push(`[${address}]:${port}`)
      return address === '2001:db8::1' ? { ok: true, ms: 5 } : { ok: false, reason: 'refused' }
    }
    const partial = await checkIpv6Readiness('dual.test', { ...base, resolve, connect: half })
    expect(verdicts(partial).web_reach).toBe('warning')
    expect(tried.sort()).toEqual([
      '[2001:db8::1]:443',
      '[2001:db8::1]:80',
      '[2001:db8::2]:443',
      '[2001:db8::2]:80',
    ])
  })

  it('never connects to a refused address', async () => {
    const resolve = createResolve(fakeSender(dual), { timeoutMs: 500 })
    const report = await checkIpv6Readiness('dual.test', {
      ...base,
      resolve,
      connect: async () => {
        throw new Error('must not connect')
      },
      refuseAddress: (a) => `${a} is documentation`,
    })
    const reach = report.checks.find((c) => c.id === 'web_reach')
    expect(reach?.verdict).toBe('fail')
    expect(reach?.evidence).toContain('[2001:db8::1] not tried: 2001:db8::1 is documentation')
  })
})

/**
 * The fake zone's resolver, except that some questions ("name TYPE") fail: SERVFAIL or REFUSED
 * come back as answers with that rcode, `timeout` as the DnsQueryError a dead resolver gives.
 */
function failingResolve(
  zone: Parameters<typeof fakeSender>[0],
  failures: Record<string, 'SERVFAIL' | 'REFUSED' | 'timeout'>,
): Resolve {
  const inner = fakeSender(zone)
  const send: SendQuery = async (query, signal) => {
    const q = dnsPacket.decode(Buffer.from(query))
    const question = q.questions?.[0]
    const failure = question && failures[`${question.name} ${question.type}`]
    if (!question || failure === undefined) return inner(query, signal)
    if (failure === 'timeout') {
      throw new DnsQueryError('timeout', 'the resolver did not answer within 500 ms')
    }
    const rcode = failure === 'SERVFAIL' ? 2 : 5
    return new Uint8Array(
      dnsPacket.encode({ type: 'response', id: 0, flags: rcode, questions: [question] }),
    )
  }
  return createResolve(send, { timeoutMs: 500 })
}

function check(report: Awaited<ReturnType<typeof checkIpv6Readiness>>, id: string) {
  const found = report.checks.find((c) => c.id === id)
  if (!found) throw new Error(`no ${id} check`)
  return found
}

describe('checkIpv6Readiness when lookups fail', () => {
  it('reports a SERVFAIL for www AAAA as unknown, without a fix, and does not score it', async () => {
    const report = await checkIpv6Readiness('dual.test', {
      ...base,
      resolve: failingResolve(dual, { 'www.dual.test AAAA': 'SERVFAIL' }),
      connect: connected,
    })
    const www = check(report, 'web_aaaa_www')
    expect(www.verdict).toBe('unknown')
    expect(www.fix).toBeUndefined()
    expect(www.summary).toBe(
      'could not be determined: www.dual.test. AAAA lookup failed: the resolver answered SERVFAIL',
    )
    expect(verdicts(report)).toMatchObject({ web_aaaa_apex: 'pass', web_reach: 'pass' })
    expect(report.score).toBe(100)
    expect(report.verdict).toBe('unknown')
    expect(formatReadiness(report)).toContain('UNKNOWN web_aaaa_www: could not be determined')
  })

  it('never advises publishing AAAA for the apex when its AAAA lookup is REFUSED', async () => {
    const report = await checkIpv6Readiness('old.test', {
      ...base,
      resolve: failingResolve(v4only, { 'old.test AAAA': 'REFUSED' }),
    })
    expect(check(report, 'web_aaaa_apex')).toMatchObject({ verdict: 'unknown' })
    expect(check(report, 'web_aaaa_apex').fix).toBeUndefined()
    expect(check(report, 'web_reach').verdict).toBe('unknown')
    // The other checks still fail on real evidence and are scored.
    expect(verdicts(report)).toMatchObject({ web_aaaa_www: 'fail', ns_aaaa: 'fail' })
    expect(report.score).toBe(0)
    expect(report.verdict).toBe('fail')
  })

  it('fails a lone name server whose lookup failed: even with IPv6 it is one of the two needed', async () => {
    const report = await checkIpv6Readiness('old.test', {
      ...base,
      resolve: failingResolve(v4only, { 'ns.old.test AAAA': 'SERVFAIL' }),
    })
    const ns = check(report, 'ns_aaaa')
    expect(ns.verdict).toBe('fail')
    expect(ns.summary).toMatch(/even with IPv6 it would be 1 of the 2 name servers needed/)
    expect(ns.fix).toEqual([
      'add a second name server with an IPv6 address to the NS set of old.test.',
    ])
  })

  it('does not call a name whose CNAME target is gone a domain that does not exist', async () => {
    const zone = {
      ...dual,
      'shop.dual.test': [rr('shop.dual.test', 'CNAME', 'gone.dual.test')],
    }
    const report = await checkIpv6Readiness('shop.dual.test', {
      ...base,
      resolve: createResolve(fakeSender(zone), { timeoutMs: 500 }),
    })
    expect(check(report, 'web_aaaa_apex').evidence.join('\n')).toContain('gone.dual.test')
  })

  it('checks the zone of a name whose CNAME target is gone, and gives no MX advice at the alias', async () => {
    const zone = {
      ...dual,
      'dual.test': [...dual['dual.test'], soaOf('dual.test')],
      'shop.dual.test': [rr('shop.dual.test', 'CNAME', 'gone.dual.test')],
    }
    const report = await checkIpv6Readiness('shop.dual.test', {
      ...base,
      resolve: createResolve(fakeSender(zone), { timeoutMs: 500 }),
    })
    const ns = check(report, 'ns_aaaa')
    expect(ns.verdict).toBe('pass')
    expect(ns.evidence[0]).toBe(
      'shop.dual.test. is an alias (CNAME), so not a zone apex; NS of the enclosing zone dual.test.',
    )
    const mx = check(report, 'mx_aaaa')
    expect(mx.verdict).toBe('info')
    expect(mx.summary).toBe(
      'shop.dual.test. is an alias (CNAME) of gone.dual.test., which does not exist: no mail can be delivered to it',
    )
    expect(mx.fix).toBeUndefined()
  })

  it("puts the null-MX advice for a CNAME'd name at the alias's end", async () => {
    const zone = {
      ...dual,
      'dual.test': [...dual['dual.test'], soaOf('dual.test')],
      'shop.dual.test': [rr('shop.dual.test', 'CNAME', 'web.dual.test')],
    }
    const report = await checkIpv6Readiness('shop.dual.test', {
      ...base,
      resolve: createResolve(fakeSender(zone), { timeoutMs: 500 }),
    })
    const mx = check(report, 'mx_aaaa')
    expect(mx.summary).toContain(
      '(shop.dual.test. is an alias of web.dual.test.: MX records go there)',
    )
    expect(mx.fix).toEqual(['web.dual.test.\t300\tIN\tMX\t0 .'])
  })

  it('does not say "no name server has an IPv6 address" when one NS lookup timed out', async () => {
    const report = await checkIpv6Readiness('dual.test', {
      ...base,
      resolve: failingResolve(dual, { 'ns2.dual.test AAAA': 'timeout' }),
    })
    const ns = check(report, 'ns_aaaa')
    expect(ns.verdict).toBe('unknown')
    expect(ns.fix).toBeUndefined()
    expect(ns.summary).toBe(
      'could not be determined: ns1.dual.test. has IPv6; the lookup of ns2.dual.test. failed',
    )
    expect(ns.evidence).toEqual([
      'ns1.dual.test. IPv6: 2001:db8::53; IPv4: 203.0.113.53',
      'ns2.dual.test. AAAA lookup failed: the resolver did not answer within 500 ms',
    ])
  })

  it('still fails on a name server known to lack AAAA when another lookup failed, fixing only it', async () => {
    const zone = { ...dual, 'ns2.dual.test': [rr('ns2.dual.test', 'A', '203.0.113.54')] }
    const report = await checkIpv6Readiness('dual.test', {
      ...base,
      resolve: failingResolve(zone, { 'ns1.dual.test AAAA': 'SERVFAIL' }),
    })
    const ns = check(report, 'ns_aaaa')
    // At most one of the two can have IPv6, and two are needed: a certain failure.
    expect(ns.verdict).toBe('fail')
    expect(ns.summary).toBe(
      'name server ns2.dual.test. has no IPv6 address; the lookup of ns1.dual.test. failed',
    )
    expect(ns.fix).toEqual(['ns2.dual.test.\t3600\tIN\tAAAA\t<IPv6 address of ns2.dual.test.>'])
  })

  it('reports failed NS and MX lookups and MX host lookups as unknown', async () => {
    const r1 = await checkIpv6Readiness('dual.test', {
      ...base,
      resolve: failingResolve(dual, { 'dual.test NS': 'REFUSED', 'dual.test MX': 'timeout' }),
    })
    expect(verdicts(r1)).toMatchObject({ ns_aaaa: 'unknown', mx_aaaa: 'unknown' })
    const r2 = await checkIpv6Readiness('old.test', {
      ...base,
      resolve: failingResolve(v4only, { 'mx.old.test AAAA': 'SERVFAIL' }),
    })
    expect(check(r2, 'mx_aaaa')).toMatchObject({ verdict: 'unknown' })
    expect(check(r2, 'mx_aaaa').fix).toBeUndefined()
    expect(r2.checks.flatMap((c) => c.fix ?? [])).not.toContain(
      'mx.old.test.\t300\tIN\tAAAA\t<IPv6 address of mx.old.test.>',
    )
  })

  it('refuses a domain that does not exist (NXDOMAIN) instead of reporting on it', async () => {
    const attempt = checkIpv6Readiness('missing.test', {
      ...base,
      resolve: createResolve(fakeSender(dual), { timeoutMs: 500 }),
    })
    await expect(attempt).rejects.toThrow(DomainNotFoundError)
    await expect(attempt).rejects.toMatchObject({
      code: 'nxdomain',
      message:
        "missing.test. does not exist: the resolver answered NXDOMAIN to missing.test. AAAA; check the spelling, or the domain's registration and delegation",
    })
  })
})

/** A zone's SOA record, owned by its apex (what a NODATA reply under it carries). */
function soaOf(zone: string): ReturnType<typeof soa> {
  return { ...soa(), name: zone }
}

/**
 * audit.test: a dual-stack zone with names below its apex; other.test: an IPv4-only zone that
 * aliases point into (its NS would fail the check, so finding it instead of audit.test shows).
 */
const audit = {
  'audit.test': [
    soaOf('audit.test'),
    rr('audit.test', 'NS', 'ns1.audit.test'),
    rr('audit.test', 'NS', 'ns2.audit.test'),
    rr('audit.test', 'A', '203.0.113.1'),
    rr('audit.test', 'AAAA', '2001:db8::1'),
  ],
  'www.audit.test': [
    rr('www.audit.test', 'A', '203.0.113.2'),
    rr('www.audit.test', 'AAAA', '2001:db8::2'),
  ],
  'alias.audit.test': [rr('alias.audit.test', 'CNAME', 'web.other.test')],
  'ns1.audit.test': [
    rr('ns1.audit.test', 'A', '203.0.113.53'),
    rr('ns1.audit.test', 'AAAA', '2001:db8::53'),
  ],
  'ns2.audit.test': [
    rr('ns2.audit.test', 'A', '203.0.113.54'),
    rr('ns2.audit.test', 'AAAA', '2001:db8::54'),
  ],
  'other.test': [soaOf('other.test'), rr('other.test', 'NS', 'ns.other.test')],
  'ns.other.test': [rr('ns.other.test', 'A', '198.51.100.53')],
  'web.other.test': [
    rr('web.other.test', 'A', '198.51.100.80'),
    rr('web.other.test', 'AAAA', '2001:db8::80'),
  ],
}

describe('checkIpv6Readiness below a zone apex', () => {
  it('checks the NS of the enclosing zone, found from the SOA of the NODATA reply', async () => {
    const report = await checkIpv6Readiness('www.audit.test', {
      ...base,
      resolve: createResolve(fakeSender(audit), { timeoutMs: 500 }),
    })
    const ns = check(report, 'ns_aaaa')
    expect(ns.verdict).toBe('pass')
    expect(ns.summary).toBe(
      'all 2 name servers have IPv6 addresses (NS of the enclosing zone audit.test.)',
    )
    expect(ns.evidence).toEqual([
      'www.audit.test. has no NS records (NODATA): it is not a zone apex; NS of the enclosing zone audit.test.',
      'ns1.audit.test. IPv6: 2001:db8::53; IPv4: 203.0.113.53',
      'ns2.audit.test. IPv6: 2001:db8::54; IPv4: 203.0.113.54',
    ])
  })

  it("takes a CNAME'd name's zone from its parent, not from the alias target's SOA", async () => {
    const asked: string[] = []
    const report = await checkIpv6Readiness('alias.audit.test', {
      ...base,
      resolve: createResolve(
        fakeSender(audit, (q) => asked.push(`${q.questions?.[0]?.name} ${q.questions?.[0]?.type}`)),
        { timeoutMs: 500 },
      ),
    })
    const ns = check(report, 'ns_aaaa')
    expect(ns.verdict).toBe('pass')
    expect(ns.evidence[0]).toBe(
      'alias.audit.test. is an alias (CNAME), so not a zone apex; NS of the enclosing zone audit.test.',
    )
    expect(asked).toContain('audit.test SOA')
    expect(asked).not.toContain('other.test NS')
  })

  it('reports unknown, not "no NS records", when a NODATA reply names no enclosing zone', async () => {
    // A resolver that strips the authority section (some forwarders do): no SOA to go by.
    const inner = createResolve(fakeSender(audit), { timeoutMs: 500 })
    const resolve: Resolve = async (name, type) => ({ ...(await inner(name, type)), authority: [] })
    const report = await checkIpv6Readiness('www.audit.test', { ...base, resolve })
    const ns = check(report, 'ns_aaaa')
    expect(ns.verdict).toBe('unknown')
    expect(ns.summary).toContain('the reply names no enclosing zone')
  })
})

describe('checkIpv6Readiness findings from the audit', () => {
  it('reports an apex with no address at all (mail only) as info, not scored, without a fix', async () => {
    const zone = {
      'mailonly.test': [
        rr('mailonly.test', 'NS', 'ns1.dual.test'),
        rr('mailonly.test', 'NS', 'ns2.dual.test'),
        rr('mailonly.test', 'MX', { preference: 10, exchange: 'mail.dual.test' }),
      ],
      ...dual,
    }
    const report = await checkIpv6Readiness('mailonly.test', {
      ...base,
      resolve: createResolve(fakeSender(zone), { timeoutMs: 500 }),
    })
    const apex = check(report, 'web_aaaa_apex')
    expect(apex).toMatchObject({
      verdict: 'info',
      summary: 'mailonly.test. does not exist or has no address (NOERROR); nothing to check',
    })
    expect(apex.fix).toBeUndefined()
    expect(verdicts(report)).toMatchObject({ ns_aaaa: 'pass', mx_aaaa: 'pass' })
    expect(report.score).toBe(100)
  })

  it('tells a lone IPv4-only name server to get AAAA and a second name server', async () => {
    const report = await checkIpv6Readiness('old.test', {
      ...base,
      resolve: createResolve(fakeSender(v4only), { timeoutMs: 500 }),
    })
    const ns = check(report, 'ns_aaaa')
    expect(ns.verdict).toBe('fail')
    expect(ns.summary).toBe(
      'no name server has an IPv6 address: IPv6-only resolvers cannot reach the zone; old.test. has only one name server',
    )
    expect(ns.fix).toEqual([
      'ns.old.test.\t3600\tIN\tAAAA\t<IPv6 address of ns.old.test.>',
      'add a second name server with an IPv6 address to the NS set of old.test.',
    ])
    // A lone name server with IPv6 still needs the second one, and only that.
    const v6 = {
      ...v4only,
      'ns.old.test': [...v4only['ns.old.test'], rr('ns.old.test', 'AAAA', '2001:db8::53')],
    }
    const r2 = await checkIpv6Readiness('old.test', {
      ...base,
      resolve: createResolve(fakeSender(v6), { timeoutMs: 500 }),
    })
    expect(check(r2, 'ns_aaaa').fix).toEqual([
      'add a second name server with an IPv6 address to the NS set of old.test.',
    ])
  })

  it('warns when an MX or NS target is an alias (RFC 2181 §10.3), still checking its addresses', async () => {
    const zone = {
      ...dual,
      'dual.test': [
        ...dual['dual.test'].filter((r) => r.type !== 'MX'),
        rr('dual.test', 'MX', { preference: 10, exchange: 'mx.dual.test' }),
      ],
      'mx.dual.test': [rr('mx.dual.test', 'CNAME', 'mail.dual.test')],
      'ns2.dual.test': [rr('ns2.dual.test', 'CNAME', 'dns.other.test')],
      'dns.other.test': [
        rr('dns.other.test', 'A', '198.51.100.54'),
        rr('dns.other.test', 'AAAA', '2001:db8:5::54'),
      ],
    }
    const report = await checkIpv6Readiness('dual.test', {
      ...base,
      resolve: createResolve(fakeSender(zone), { timeoutMs: 500 }),
    })
    const mx = check(report, 'mx_aaaa')
    expect(mx.verdict).toBe('warning')
    expect(mx.summary).toBe(
      'all 1 mail servers have IPv6 addresses, but MX target mx.dual.test. is an alias (CNAME), which RFC 2181 §10.3 forbids',
    )
    expect(mx.evidence).toContain(
      'warning: MX target mx.dual.test. is an alias (CNAME to mail.dual.test.), which RFC 2181 §10.3 forbids; mail servers may refuse to deliver to it: point the MX record at mail.dual.test.',
    )
    expect(mx.fix).toEqual(['point the MX record for mx.dual.test. at mail.dual.test.'])
    const ns = check(report, 'ns_aaaa')
    expect(ns.verdict).toBe('warning')
    expect(ns.evidence).toContain(
      'warning: NS target ns2.dual.test. is an alias (CNAME to dns.other.test.), which RFC 2181 §10.3 forbids; resolvers may fail to use it: point the NS record at dns.other.test.',
    )
    expect(ns.fix).toEqual(['point the NS record for ns2.dual.test. at dns.other.test.'])
    // apex and www pass, NS and MX warn (½ each); the reach check is skipped (no connect).
    expect(report.score).toBe(75)
  })

  it('counts NS names that are aliases of one server as that one server', async () => {
    const zone = { ...dual, 'ns2.dual.test': [rr('ns2.dual.test', 'CNAME', 'ns1.dual.test')] }
    const report = await checkIpv6Readiness('dual.test', {
      ...base,
      resolve: createResolve(fakeSender(zone), { timeoutMs: 500 }),
    })
    const ns = check(report, 'ns_aaaa')
    expect(ns.verdict).toBe('fail')
    expect(ns.summary).toBe(
      'only one name server (ns1.dual.test.) has an IPv6 address; at least two are needed (ns1.dual.test., ns2.dual.test. are names of one server, ns1.dual.test.)',
    )
    expect(ns.fix).toEqual([
      'add a second name server with an IPv6 address to the NS set of dual.test.',
      'point the NS record for ns2.dual.test. at ns1.dual.test.',
    ])
  })

  it("puts the AAAA fix of an aliased NS or MX target at the alias's end, not beside its CNAME", async () => {
    const zone = {
      ...v4only,
      'mx.old.test': [rr('mx.old.test', 'CNAME', 'smtp.old.test')],
      'smtp.old.test': [rr('smtp.old.test', 'A', '203.0.113.25')],
    }
    const report = await checkIpv6Readiness('old.test', {
      ...base,
      resolve: createResolve(fakeSender(zone), { timeoutMs: 500 }),
    })
    const mx = check(report, 'mx_aaaa')
    expect(mx.verdict).toBe('fail')
    expect(mx.fix).toEqual([
      'smtp.old.test.\t300\tIN\tAAAA\t<IPv6 address of smtp.old.test.>',
      'point the MX record for mx.old.test. at smtp.old.test.',
    ])
  })

  it('does not look up an NS target whose name is no host name (a label holding a dot)', async () => {
    const inner = createResolve(fakeSender(dual), { timeoutMs: 500 })
    const asked: string[] = []
    // The wire form of `ns2.dual.test.` with one label `ns2.dual`, as the reply parser prints it.
    const odd = 'ns2\\.dual.test.'
    const resolve: Resolve = async (name, type) => {
      asked.push(name)
      const r = await inner(name, type)
      if (type !== 'NS') return r
      return {
        ...r,
        answer: r.answer.map((x) => (x.data === 'ns2.dual.test.' ? { ...x, data: odd } : x)),
      }
    }
    const report = await checkIpv6Readiness('dual.test', { ...base, resolve })
    const ns = check(report, 'ns_aaaa')
    expect(ns.verdict).toBe('unknown')
    expect(ns.evidence).toContain(
      `${odd} is not a host name (a label holds a character a host name may not, RFC 1123 §2.1), so it was not looked up`,
    )
    expect(asked).not.toContain(odd)
  })

  it("lists each evidence line once (www's CNAME is in both its AAAA and its A answer)", async () => {
    const report = await checkIpv6Readiness('dual.test', {
      ...base,
      resolve: createResolve(fakeSender(dual), { timeoutMs: 500 }),
    })
    expect(check(report, 'web_aaaa_www').evidence).toEqual([
      'www.dual.test.\t\t300\tIN\tCNAME\tweb.dual.test.',
      'web.dual.test.\t\t300\tIN\tAAAA\t2001:db8::2',
      'web.dual.test.\t\t300\tIN\tA\t203.0.113.2',
    ])
  })
})

describe("checkIpv6Readiness within a Worker's 50 subrequests", () => {
  const many = (n: number, make: (i: number) => ReturnType<typeof rr>[]) =>
    Array.from({ length: n }, (_, i) => make(i + 1)).flat()
  const big: Record<string, ReturnType<typeof rr>[]> = {
    'big.test': [
      rr('big.test', 'A', '203.0.113.1'),
      ...many(10, (i) => [rr('big.test', 'AAAA', `2001:db8::${i}`)]),
      ...many(15, (i) => [rr('big.test', 'NS', `ns${i}.big.test`)]),
      rr('big.test', 'MX', { preference: 10, exchange: 'mail.big.test' }),
    ],
    'mail.big.test': [rr('mail.big.test', 'AAAA', '2001:db8::25')],
  }
  for (let i = 1; i <= 15; i++)
    big[`ns${i}.big.test`] = [rr(`ns${i}.big.test`, 'AAAA', `2001:db8::5${i}`)]

  it('makes at most 30 lookups and 16 connections, and calls what it could not check unknown', async () => {
    const inner = createResolve(fakeSender(big), { timeoutMs: 500 })
    let lookups = 0
    let connects = 0
    const report = await checkIpv6Readiness('big.test', {
      ...base,
      resolve: (name, type) => {
        lookups++
        return inner(name, type)
      },
      connect: async () => {
        connects++
        return { ok: true, ms: 1 }
      },
    })
    expect(lookups).toBe(30)
    expect(connects).toBe(16)
    const ns = check(report, 'ns_aaaa')
    expect(ns.verdict).toBe('unknown')
    expect(ns.evidence.join('\n')).toMatch(
      /not looked up: the report's 30 lookups are spent \(a Worker has 50 subrequests per request\)/,
    )
    const reach = check(report, 'web_reach')
    expect(reach.verdict).toBe('unknown')
    expect(reach.summary).toBe(
      'could not be determined: all 8 web IPv6 addresses tried accept TCP connections; 2 more were not tried',
    )
    expect(reach.evidence.filter((e) => e.includes('not tried'))).toHaveLength(2)
    expect(report.verdict).toBe('unknown')
  })
})

describe('checkIpv6Readiness on names that are not there', () => {
  const gone = {
    ...dual,
    'dual.test': [
      ...dual['dual.test'].filter((r) => r.type !== 'NS'),
      rr('dual.test', 'NS', 'ns1.dual.test'),
      rr('dual.test', 'NS', 'ns2.dual.test'),
      rr('dual.test', 'NS', 'ns3.dual.test'),
    ],
    // ns2: an alias of a deleted host; ns3: no such name at all
    'ns2.dual.test': [rr('ns2.dual.test', 'CNAME', 'old.dual.test')],
  }

  it('says to replace an NS target that does not exist, not to give it an AAAA or point at it', async () => {
    const report = await checkIpv6Readiness('dual.test', {
      ...base,
      resolve: createResolve(fakeSender(gone), { timeoutMs: 500 }),
    })
    const ns = check(report, 'ns_aaaa')
    // ns1 alone has IPv6: one of the two needed.
    expect(ns.verdict).toBe('fail')
    expect(ns.fix).toEqual([
      'remove ns2.dual.test. from the NS set of dual.test. or replace it with a host that exists: it is an alias of old.dual.test., which does not exist',
      'remove ns3.dual.test. from the NS set of dual.test. or replace it with a host that exists: it does not exist',
    ])
    expect(ns.evidence).toContain(
      'warning: NS target ns2.dual.test. does not exist (an alias, CNAME to old.dual.test., which does not exist)',
    )
    expect(ns.evidence).toContain('warning: NS target ns3.dual.test. does not exist')
  })

  it('looks up an NS host named twice in two letter cases once', async () => {
    const twice = {
      ...dual,
      'dual.test': [...dual['dual.test'], rr('dual.test', 'NS', 'NS1.Dual.Test')],
    }
    const asked: string[] = []
    const report = await checkIpv6Readiness('dual.test', {
      ...base,
      resolve: createResolve(
        fakeSender(twice, (q) =>
          asked.push(`${q.questions?.[0]?.name.toLowerCase()} ${q.questions?.[0]?.type}`),
        ),
        { timeoutMs: 500 },
      ),
    })
    expect(asked.filter((q) => q === 'ns1.dual.test AAAA')).toHaveLength(1)
    expect(check(report, 'ns_aaaa').summary).toBe('all 2 name servers have IPv6 addresses')
  })

  it('gives an unknown NS check no fix, not even for an alias target', async () => {
    const zone = {
      ...dual,
      'ns1.dual.test': [rr('ns1.dual.test', 'CNAME', 'real.dual.test')],
      'real.dual.test': [rr('real.dual.test', 'AAAA', '2001:db8::5353')],
    }
    const report = await checkIpv6Readiness('dual.test', {
      ...base,
      resolve: failingResolve(zone, { 'ns2.dual.test AAAA': 'SERVFAIL' }),
    })
    const ns = check(report, 'ns_aaaa')
    expect(ns.verdict).toBe('unknown')
    expect(ns.fix).toBeUndefined()
  })
})

describe('the reachability check within its 16 connects', () => {
  const many = {
    ...dual,
    'dual.test': [
      ...dual['dual.test'].filter((r) => r.type !== 'AAAA'),
      ...Array.from({ length: 10 }, (_, i) => rr('dual.test', 'AAAA', `2001:db8::${i + 1}`)),
    ],
  }

  it('is unknown, not a fail, when no address tried answers and some were not tried', async () => {
    const report = await checkIpv6Readiness('dual.test', {
      ...base,
      resolve: createResolve(fakeSender(many), { timeoutMs: 500 }),
      connect: async (address) =>
        address === '2001:db8::a' ? { ok: true, ms: 1 } : { ok: false, reason: 'refused' },
    })
    const reach = check(report, 'web_reach')
    expect(reach.verdict).toBe('unknown')
    expect(reach.fix).toBeUndefined()
  })

  it('spends no connect on an address the policy refuses', async () => {
    let connects = 0
    const report = await checkIpv6Readiness('dual.test', {
      ...base,
      resolve: createResolve(fakeSender(many), { timeoutMs: 500 }),
      // Two of the ten are refused: the other eight fit the 16 connects on two ports.
      refuseAddress: (a) =>
        a === '2001:db8::1' || a === '2001:db8::2' ? 'a private address' : null,
      connect: async () => {
        connects++
        return { ok: true, ms: 1 }
      },
    })
    expect(connects).toBe(16)
    const reach = check(report, 'web_reach')
    expect(reach.evidence.filter((e) => e.includes('connections are spent'))).toEqual([])
    expect(reach.summary).toBe('8 of 10 web IPv6 addresses tried accept TCP connections')
  })
})
