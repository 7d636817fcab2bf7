import { describe, expect, it } from 'vitest'
import { call, problemOf } from './helpers'

function post(kind: string, body: unknown, token = false): Promise<Response> {
  return call(`/generate/${kind}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    token,
  })
}

async function errorsOf(res: Response): Promise<{ path: string; message: string }[]> {
  expect(res.status).toBe(422)
  const p = await problemOf(res)
  expect(p.type).toBe('/problems/invalid-generator-input')
  return p.errors as { path: string; message: string }[]
}

describe('apache-smokeping-alias allow', () => {
  it('refuses 10/8 instead of printing Require ip 0.0.0.10/8', async () => {
    const errors = await errorsOf(
      await call('/generate/apache-smokeping-alias?allow=192.0.2.0/24,10/8'),
    )
    expect(errors).toEqual([{ path: 'allow.1', message: expect.stringContaining('10/8') }])
  })

  it('refuses an allow-all made of two /1 blocks', async () => {
    const errors = await errorsOf(
      await call('/generate/apache-smokeping-alias?allow=0.0.0.0/1,128.0.0.0/1'),
    )
    expect(errors.map((e) => e.path)).toEqual(['allow.0', 'allow.1'])
  })
})

describe('zone-records', () => {
  const origin = `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(53)}.example`

  it('names the host whose name is too long, with or without lookup=true', async () => {
    expect(origin.length).toBe(253)
    const plain = await errorsOf(
      await post('zone-records', { origin, hosts: [{ name: 'www', ipv4: ['192.0.2.1'] }] }),
    )
    const looked = await errorsOf(
      await post('zone-records', { origin, lookup: true, hosts: [{ name: 'www' }] }, true),
    )
    expect(plain).toEqual([{ path: 'hosts.0.name', message: expect.stringContaining('255') }])
    expect(looked).toEqual(plain)
  })

  it('refuses lookup=true for more than 20 hosts before any query is sent', async () => {
    const hosts = Array.from({ length: 21 }, (_, i) => ({ name: `h${i}` }))
    const errors = await errorsOf(
      await post('zone-records', { origin: 'example.test', lookup: true, hosts }, true),
    )
    expect(errors).toEqual([{ path: 'hosts', message: expect.stringContaining('at most 20') }])
  })

  it('keeps an IPv4-mapped AAAA in ::ffff:a.b.c.d form', async () => {
    const res = await post('zone-records', {
      origin: 'example.com',
      hosts: [{ name: 'www', ipv6: ['::ffff:102:304'] }],
    })
    expect(res.status).toBe(200)
    expect(await res.text()).toContain('www 300 IN AAAA  ::ffff:1.2.3.4\n')
  })
})

describe('tunnels', () => {
  const base = 'localIpv4=1.2.3.4&brokerIpv4=1.2.3.5'

  it('refuses a multicast client address', async () => {
    const errors = await errorsOf(await call(`/generate/freebsd?${base}&clientIpv6=ff02::2`))
    expect(errors.map((e) => e.path)).toEqual(['clientIpv6'])
  })

  it('blames prefixLength for a /128 without serverIpv6', async () => {
    const errors = await errorsOf(
      await call(`/generate/freebsd?${base}&clientIpv6=2001:db8::2&prefixLength=128`),
    )
    expect(errors.map((e) => e.path)).toEqual(['prefixLength'])
  })

  it('refuses a routed prefix that is the tunnel link', async () => {
    const errors = await errorsOf(
      await call(`/generate/freebsd?${base}&clientIpv6=2001:db8::2&routedPrefix=2001:db8::/64`),
    )
    expect(errors.map((e) => e.path)).toEqual(['routedPrefix'])
  })
})
