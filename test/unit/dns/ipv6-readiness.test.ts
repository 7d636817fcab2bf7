import { describe, expect, it } from 'vitest'
import { type Connect, checkIpv6Readiness, formatReadiness } from '../../../src/dns/ipv6-readiness'
import { createResolve } from '../../../src/dns/resolve'
import { fakeSender, rr } from './fake-resolver'

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
