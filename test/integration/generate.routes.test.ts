import { describe, expect, it } from 'vitest'
import { call, problemOf } from './helpers'

const SEED =
  'localIpv4=198.22.63.8&brokerIpv4=209.51.181.2&clientIpv6=2001:470:1f10:b9c::2&serverIpv6=::1'

describe('GET /generate', () => {
  it('lists every generator with its parameters as JSON Schema', async () => {
    const res = await call('/generate')
    expect(res.status).toBe(200)
    const { generators } = (await res.json()) as {
      generators: { kind: string; parameters: { properties?: Record<string, unknown> } }[]
    }
    expect(generators.map((g) => g.kind)).toEqual(
      expect.arrayContaining([
        'freebsd',
        'netplan',
        'zone-records',
        'smokeping',
        'modsecurity',
        'flow-filter',
      ]),
    )
    const freebsd = generators.find((g) => g.kind === 'freebsd')
    expect(Object.keys(freebsd?.parameters.properties ?? {})).toEqual(
      expect.arrayContaining(['localIpv4', 'brokerIpv4', 'clientIpv6', 'serverIpv6', 'style']),
    )
  })

  it('documents every generator for GET and POST in the OpenAPI document', async () => {
    const doc = (await (await call('/openapi.json')).json()) as {
      paths: Record<string, Record<string, unknown>>
    }
    for (const kind of ['freebsd', 'smokeping', 'flow-filter', 'zone-records']) {
      expect(Object.keys(doc.paths[`/generate/${kind}`] ?? {}).sort()).toEqual(['get', 'post'])
    }
  })
})

describe('GET /generate/{kind}', () => {
  it("prints the seed's rc.conf lines as text/plain with a comment header", async () => {
    const res = await call(`/generate/freebsd?${SEED}&style=rc.conf-legacy`)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toContain('text/plain')
    const text = await res.text()
    expect(text.startsWith('# FreeBSD 6in4 tunnel')).toBe(true)
    expect(text).toContain(
      [
        'gif_interfaces="gif0"',
        'gifconfig_gif0="198.22.63.8 209.51.181.2"',
        'ifconfig_gif0="mtu 1480"',
        'ifconfig_gif0_ipv6="inet6 2001:470:1f10:b9c::2 2001:470:1f10:b9c::1 prefixlen 128"',
        'ipv6_defaultrouter="2001:470:1f10:b9c::1"',
      ].join('\n'),
    )
  })

  it('answers JSON with format=json', async () => {
    const res = await call(`/generate/linux-iproute2?${SEED}&format=json`)
    const json = (await res.json()) as { kind: string; text: string }
    expect(json.kind).toBe('linux-iproute2')
    expect(json.text).toContain(
      'ip tunnel add he-ipv6 mode sit remote 209.51.181.2 local 198.22.63.8 ttl 255',
    )
  })

  it('names the OpenBSD file after the interface, in Content-Disposition and the JSON', async () => {
    const text = await call(`/generate/openbsd?${SEED}&interface=gif1`)
    expect(text.headers.get('content-disposition')).toBe('inline; filename="hostname.gif1"')
    const json = (await (
      await call(`/generate/openbsd?${SEED}&interface=gif1&format=json`)
    ).json()) as {
      filename: string
      purpose: string
    }
    expect(json).toMatchObject({
      filename: 'hostname.gif1',
      purpose: 'Save as /etc/hostname.gif1 (the interface name); then: sh /etc/netstart gif1',
    })
  })

  it('asks a logged-out browser to log in for a live lookup, returning to the filled-in form', async () => {
    const query = `origin=example.test&lookup=true&hosts=${encodeURIComponent('[{"name":"www"}]')}`
    const res = await call(`/generate/zone-records?${query}`, { headers: { accept: 'text/html' } })
    expect(res.status).toBe(401)
    const html = await res.text()
    expect(html).toContain('<strong>A live lookup needs the API token</strong>')
    expect(html).toContain(
      `href="/login?next=${encodeURIComponent(`/generate/zone-records?${query}`).replaceAll('&', '&amp;')}"`,
    )
  })

  it('shows the shape of a JSON field as its placeholder', async () => {
    const html = await (
      await call('/generate/zone-records', { headers: { accept: 'text/html' } })
    ).text()
    expect(html).toMatch(
      /<textarea id="f-hosts"[^>]*placeholder="\[\{&quot;name&quot;:&quot;…&quot;/,
    )
  })

  it('names the file after the interface on the generator page too', async () => {
    const res = await call(`/generate/openbsd?${SEED}&interface=gif1`, {
      headers: { accept: 'text/html' },
    })
    expect(res.status).toBe(200)
    const html = await res.text()
    expect(html).toContain('<code>hostname.gif1</code>')
    expect(html).toContain('Save as /etc/hostname.gif1 (the interface name)')
    expect(html).not.toContain('hostname.gif0')
  })

  it('takes arrays as repeated or comma-separated parameters and numbers from the query', async () => {
    const res = await call(
      '/generate/resolv-conf?nameservers=2001:470:20::2&nameservers=74.82.42.42,::1&search=example.com&ndots=2&rotate=true',
    )
    expect(await res.text()).toContain(
      'nameserver 2001:470:20::2\nnameserver 74.82.42.42\nnameserver ::1\nsearch example.com\noptions ndots:2 rotate\n',
    )
  })

  it('returns a 422 problem naming the field for a bad address', async () => {
    const res = await call(
      '/generate/freebsd?localIpv4=198.22.63.800&brokerIpv4=209.51.181.2&clientIpv6=2001:db8::2',
    )
    expect(res.status).toBe(422)
    const p = await problemOf(res)
    expect(p.errors).toEqual([{ path: 'localIpv4', message: 'must be a dotted-quad IPv4 address' }])
  })

  it('returns a 422 problem naming the field for a newline injection, and never echoes the value', async () => {
    const res = await call(`/generate/freebsd?${SEED}&interface=gif0%0Aifconfig_em0%3D%22DHCP%22`)
    expect(res.status).toBe(422)
    const p = await problemOf(res)
    expect(p.type).toBe('/problems/invalid-generator-input')
    expect(p.errors).toEqual([{ path: 'interface', message: 'must be gifN (gif(4) interface)' }])
    expect(JSON.stringify(p)).not.toContain('DHCP')
  })

  it('returns a 422 problem for an unknown parameter', async () => {
    const res = await call(`/generate/freebsd?${SEED}&locl=1`)
    expect(res.status).toBe(422)
    expect((await problemOf(res)).errors).toEqual([
      { path: 'query.locl', message: 'unknown parameter' },
    ])
  })

  it('returns a 404 problem for an unknown kind', async () => {
    const res = await call('/generate/solaris')
    expect(res.status).toBe(404)
    expect((await problemOf(res)).type).toBe('/problems/unknown-generator')
  })
})

describe('POST /generate/{kind}', () => {
  it('renders from a JSON body', async () => {
    const res = await call('/generate/modsecurity', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ terms: ['porn'], baseId: 2001, caseMode: 'regex-i' }),
    })
    expect(res.status).toBe(200)
    expect(await res.text()).toContain(
      'SecRule REQUEST_HEADERS:Referer "@rx (?i:porn)" "id:2001,phase:1,deny,status:403',
    )
  })

  it('returns a 422 problem for a misspelt field instead of silently using the default', async () => {
    const res = await call('/generate/modsecurity', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ terms: ['porn'], baseID: 2001 }),
    })
    expect(res.status).toBe(422)
    expect((await problemOf(res)).errors).toEqual([
      { path: 'json.baseID', message: 'unknown field' },
    ])
  })

  it('takes nested JSON in the query string', async () => {
    const primitives = JSON.stringify([
      { name: 'WEB', type: 'ip-port', rules: [{ action: 'permit', value: '80,443' }] },
    ])
    const definitions = JSON.stringify([
      { name: 'web', groups: [[{ match: 'ip-destination-port', primitive: 'WEB' }]] },
    ])
    const res = await call(
      `/generate/flow-filter?primitives=${encodeURIComponent(primitives)}&definitions=${encodeURIComponent(definitions)}`,
    )
    expect(res.status).toBe(200)
    expect(await res.text()).toContain(
      'filter-primitive WEB\n  type ip-port\n  permit 80,443\n\nfilter-definition web\n  match ip-destination-port WEB\n',
    )
  })

  it('answers 400 for a body that is not JSON, 415 for a body that is not said to be JSON', async () => {
    const res = await call('/generate/modsecurity', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"terms": [',
    })
    expect(res.status).toBe(400)
    const malformed = await problemOf(res)
    expect(malformed.type).toBe('/problems/malformed-json')
    expect(malformed.errors).toEqual([{ path: 'json', message: 'not valid JSON' }])
    // curl -d without -H sends application/x-www-form-urlencoded; no type at all is no better.
    const form = await call('/generate/modsecurity', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: '{"terms": ["porn"]}',
    })
    expect(form.status).toBe(415)
    expect(String((await problemOf(form)).detail)).toContain(
      'takes application/json, not application/x-www-form-urlencoded',
    )
    const untyped = await call('/generate/modsecurity', {
      method: 'POST',
      body: new TextEncoder().encode('{"terms": ["porn"]}'),
    })
    expect(untyped.status).toBe(415)
    expect(String((await problemOf(untyped)).detail)).toContain('the body has no Content-Type')
  })

  it('returns a 413 problem for a body over 64 KiB', async () => {
    const res = await call('/generate/modsecurity', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ terms: Array.from({ length: 9000 }, (_, i) => `term${i}`) }),
    })
    expect(res.status).toBe(413)
    expect((await problemOf(res)).type).toBe('/problems/body-too-large')
  })
})

describe('zone-records with a live lookup', () => {
  const body = JSON.stringify({
    origin: 'example.test',
    lookup: true,
    hosts: [{ name: 'mail' }, { name: '@' }],
  })

  it('needs the API token', async () => {
    const res = await call('/generate/zone-records', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    })
    expect(res.status).toBe(401)
    await problemOf(res)
  })

  it('fills the records from the loopback DoH resolver', async () => {
    const res = await call('/generate/zone-records', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
      token: true,
    })
    expect(res.status).toBe(200)
    const text = await res.text()
    expect(text).toContain('mail 300 IN A     192.0.2.25\n')
    expect(text).toContain('mail 300 IN AAAA  2001:db8::25\n')
    expect(text).toContain('@    300 IN A     192.0.2.1\n')
  })
})
