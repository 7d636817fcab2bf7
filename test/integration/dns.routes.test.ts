// Against the real unbound + dnsdist DoH server on 127.0.0.1:8054 (started by the global setup).
import { describe, expect, inject, it } from 'vitest'
import { call, FAKE_DOH, problemOf } from './helpers'

type Lookup = {
  name: string
  resolver: { name: string; url: string }
  cache: string
  results: {
    question: { name: string; type: string }
    rcode: string
    flags: Record<string, boolean>
    answer: { name: string; ttl: number; type: string; data: unknown }[]
    authority: { type: string }[]
    cnameChain: string[]
  }[]
}

async function lookupJson(query: string): Promise<Lookup> {
  const res = await call(`/dns/lookup?${query}`)
  expect(res.status, await res.clone().text()).toBe(200)
  return (await res.json()) as Lookup
}

describe('GET /dns/lookup against a real resolver', () => {
  it('follows the www CNAME to its AAAA, with flags and TTLs', async () => {
    const body = await lookupJson('name=www.example.test&type=AAAA')
    const [r] = body.results
    expect(r?.rcode).toBe('NOERROR')
    expect(r?.flags).toMatchObject({ aa: true, rd: true, ra: true, tc: false })
    expect(r?.cnameChain).toEqual(['www.example.test.', 'www.l.example.test.'])
    expect(r?.answer.map((a) => [a.name, a.type, a.data])).toEqual([
      ['www.example.test.', 'CNAME', 'www.l.example.test.'],
      ['www.l.example.test.', 'AAAA', '2001:db8::63'],
    ])
    expect(body.resolver).toEqual({ name: 'default', url: 'http://127.0.0.1:8054/dns-query' })
  })

  it('follows a two-step CNAME chain', async () => {
    const body = await lookupJson('name=a.chain.example.test&type=A')
    expect(body.results[0]?.cnameChain).toEqual([
      'a.chain.example.test.',
      'b.chain.example.test.',
      'www.example.test.',
      'www.l.example.test.',
    ])
    expect(body.results[0]?.answer.at(-1)?.data).toBe('192.0.2.10')
  })

  it('answers A and AAAA by default, one result each', async () => {
    const body = await lookupJson('name=example.test')
    expect(body.results.map((r) => [r.question.type, r.answer.map((a) => a.data)])).toEqual([
      ['A', ['192.0.2.1']],
      ['AAAA', ['2001:db8::1']],
    ])
  })

  it('tells A-only and AAAA-only hosts apart (NODATA is NOERROR with no answer)', async () => {
    const v4 = await lookupJson('name=v4only.example.test&type=A,AAAA')
    expect(v4.results.map((r) => [r.rcode, r.answer.length])).toEqual([
      ['NOERROR', 1],
      ['NOERROR', 0],
    ])
    expect(v4.results[1]?.authority[0]?.type).toBe('SOA')
    const v6 = await lookupJson('name=v6only.example.test&type=A,AAAA')
    expect(v6.results.map((r) => r.answer.length)).toEqual([0, 1])
  })

  it('returns NXDOMAIN as a 200 answer with the SOA', async () => {
    const body = await lookupJson('name=nx.example.test&type=A')
    expect(body.results[0]?.rcode).toBe('NXDOMAIN')
    expect(body.results[0]?.authority[0]?.type).toBe('SOA')
  })

  it('returns a refused question (outside the test zones) as an answer', async () => {
    const body = await lookupJson('name=example.com&type=A')
    expect(body.results[0]?.rcode).toBe('REFUSED')
  })

  it('decodes MX, NS, TXT, SOA, CAA and SRV', async () => {
    const body = await lookupJson('name=example.test&type=MX,NS,TXT,SOA,CAA')
    const data = Object.fromEntries(
      body.results.map((r) => [r.question.type, r.answer.map((a) => a.data)]),
    )
    expect(data.MX).toEqual([{ preference: 10, exchange: 'mail.example.test.' }])
    expect((data.NS as string[]).sort()).toEqual(['ns1.example.test.', 'ns2.example.test.'])
    expect(data.TXT).toEqual([['v=spf1 mx -all']])
    expect(data.SOA?.[0]).toMatchObject({
      mname: 'ns1.example.test.',
      serial: 2024010101,
      minimum: 300,
    })
    expect(data.CAA).toEqual([{ flags: 0, tag: 'issue', value: 'letsencrypt.org' }])
    const srv = await lookupJson('name=_sip._tcp.example.test&type=SRV')
    expect(srv.results[0]?.answer[0]?.data).toEqual({
      priority: 10,
      weight: 60,
      port: 5060,
      target: 'sip.example.test.',
    })
  })

  it('does reverse lookups for IPv4 and IPv6 addresses', async () => {
    const v4 = await lookupJson('name=192.0.2.10&type=PTR')
    expect(v4.results[0]?.question.name).toBe('10.2.0.192.in-addr.arpa.')
    expect(v4.results[0]?.answer[0]?.data).toBe('www.l.example.test.')
    const v6 = await lookupJson('name=2001:db8::63')
    expect(v6.results[0]?.question.name).toMatch(
      /^3\.6\.0\.0\..*\.8\.b\.d\.0\.1\.0\.0\.2\.ip6\.arpa\.$/,
    )
    expect(v6.results[0]?.answer[0]?.data).toBe('www.l.example.test.')
  })

  it('speaks RFC 8484 GET as well as POST', async () => {
    const body = await lookupJson('name=mail.example.test&type=AAAA&transport=get')
    expect(body.results[0]?.answer[0]?.data).toBe('2001:db8::25')
  })

  it('prints dig ANSWER lines column for column', async () => {
    const res = await call('/dns/lookup?name=www.example.test&type=AAAA', {
      headers: { accept: 'text/plain' },
    })
    expect(res.headers.get('content-type')).toContain('text/plain')
    const text = await res.text()
    // The TTL may be counted down by a cache hit from an earlier test: 3 digits either way.
    expect(text).toMatch(
      /;; ANSWER SECTION:\nwww\.example\.test\.\t\d{3}\tIN\tCNAME\twww\.l\.example\.test\.\n/,
    )
    expect(text).toMatch(/www\.l\.example\.test\.\t\d+\tIN\tAAAA\t2001:db8::63\n/)
    expect(text).toContain(';www.example.test.\t\tIN\tAAAA')
    // The resolver's OPT record, shown and counted as dig shows it (ADDITIONAL: 1, not 0).
    expect(text).toMatch(
      /ADDITIONAL: 1\n\n;; OPT PSEUDOSECTION:\n; EDNS: version: 0, flags:; udp: \d+\n;; QUESTION SECTION:/,
    )
    const dig = await call('/dns/lookup?name=example.test&type=MX&format=dig')
    expect(await dig.text()).toMatch(/example\.test\.\t\t\d+\tIN\tMX\t10 mail\.example\.test\.\n/)
  })

  it('caches answers for at most the smallest TTL and says hit or miss', async () => {
    const first = await call('/dns/lookup?name=mail.example.test&type=A')
    expect(first.headers.get('x-edgeping-cache')).toBe('miss')
    await first.arrayBuffer()
    // The put happens in waitUntil; give it a moment.
    let second = await call('/dns/lookup?name=mail.example.test&type=A')
    for (let i = 0; i < 20 && second.headers.get('x-edgeping-cache') !== 'hit'; i++) {
      await new Promise((r) => setTimeout(r, 50))
      second = await call('/dns/lookup?name=mail.example.test&type=A')
    }
    expect(second.headers.get('x-edgeping-cache')).toBe('hit')
    const body = (await second.json()) as Lookup
    expect(body.results[0]?.answer[0]?.ttl).toBeLessThanOrEqual(300)
    expect(body.results[0]?.answer[0]?.data).toBe('192.0.2.25')
    // Asked again in another case: a hit, shown in the case asked now, as a resolver echoes it.
    const upper = await call('/dns/lookup?name=MAIL.Example.TEST&type=A')
    expect(upper.headers.get('x-edgeping-cache')).toBe('hit')
    const u = (await upper.json()) as Lookup
    expect(u.results[0]?.question.name).toBe('MAIL.Example.TEST.')
    expect(u.results[0]?.answer[0]?.name).toBe('MAIL.Example.TEST.')
  })

  it('accepts the same parameters as JSON by POST', async () => {
    const res = await call('/dns/lookup', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'www.example.test', type: ['A', 'AAAA'] }),
    })
    expect(res.status).toBe(200)
    const body = (await res.json()) as Lookup
    expect(body.results.map((r) => r.question.type)).toEqual(['A', 'AAAA'])
  })
})

describe('the root zone (test/servers/unbound.conf has `. NS ns1.example.test.`)', () => {
  it('looks up `. NS`, matching the reply dns-packet decodes as "."', async () => {
    const body = await lookupJson('name=.&type=NS')
    expect(body.name).toBe('.')
    const [r] = body.results
    expect(r?.question).toMatchObject({ name: '.', type: 'NS' })
    expect(r?.answer.map((a) => [a.name, a.type, a.data])).toEqual([
      ['.', 'NS', 'ns1.example.test.'],
    ])
  })

  it('asks NS by default, as dig with no name does', async () => {
    const body = await lookupJson('name=.')
    expect(body.results.map((r) => r.question)).toEqual([{ name: '.', type: 'NS', class: 'IN' }])
  })

  it('prints the root as dig does', async () => {
    const res = await call('/dns/lookup?name=.&type=NS&format=dig')
    expect(res.status).toBe(200)
    const text = await res.text()
    expect(text).toContain('; <<>> edgeping <<>> @http://127.0.0.1:8054/dns-query . NS\n')
    expect(text).toContain(';; QUESTION SECTION:\n;.\t\t\t\tIN\tNS\n')
    expect(text).toMatch(/;; ANSWER SECTION:\n\.\t\t\t\d+\tIN\tNS\tns1\.example\.test\.\n/)
  })

  it('shows the root on the dashboard page too', async () => {
    const res = await call('/dns?name=.&type=NS')
    expect(res.status).toBe(200)
    expect(await res.text()).toContain('ns1.example.test.')
  })
})

describe('the default type', () => {
  it('is PTR for an IPv4 address', async () => {
    const body = await lookupJson('name=192.0.2.10')
    expect(body.results.map((r) => [r.question.name, r.question.type])).toEqual([
      ['10.2.0.192.in-addr.arpa.', 'PTR'],
    ])
  })

  it.each(['1.2.3.256', '127.1', '1'])(
    '422 for %s: neither an IP address nor a host name (all-numeric TLD)',
    async (name) => {
      for (const query of [`name=${name}`, `name=${name}&type=A`]) {
        const res = await call(`/dns/lookup?${query}`)
        expect(res.status, query).toBe(422)
        const p = await problemOf(res)
        expect(p.code).toBe('numeric_tld')
        expect(p.detail).toContain('neither a valid IP address nor a valid domain name')
      }
    },
  )
})

describe('a TTL with the most significant bit set (RFC 2181 §8)', () => {
  const viaHugeTtl = `name=www.example.test&type=A&resolver=${encodeURIComponent(`${FAKE_DOH}/huge-ttl`)}`

  it('is shown as 0 in JSON and dig text, and not cached', async () => {
    const first = await call(`/dns/lookup?${viaHugeTtl}`, { token: true })
    expect(first.status).toBe(200)
    const body = (await first.json()) as Lookup
    expect(body.results[0]?.answer.map((a) => a.ttl)).toEqual([0, 0])
    // Had the answer been stored (in waitUntil), this would be a hit counting down from 2^32-1.
    await new Promise((r) => setTimeout(r, 200))
    const dig = await call(`/dns/lookup?${viaHugeTtl}&format=dig`, { token: true })
    expect(await dig.text()).toContain('www.example.test.\t0\tIN\tCNAME\twww.l.example.test.\n')
    expect(dig.headers.get('x-edgeping-cache')).toBe('miss')
  })
})

describe('lookup errors are problem+json', () => {
  it.each([
    ['a label over 63 characters', `name=${'a'.repeat(64)}.test`, 'label_too_long'],
    [
      'a name over 253 characters',
      `name=${Array.from({ length: 5 }, () => 'a'.repeat(60)).join('.')}`,
      'too_long',
    ],
    ['bad characters', 'name=bad%20name.test', 'bad_character'],
  ])('422 for %s', async (_, query, code) => {
    const res = await call(`/dns/lookup?${query}`)
    expect(res.status).toBe(422)
    expect((await problemOf(res)).code).toBe(code)
  })

  it('422 for a present but empty type, naming the field', async () => {
    for (const query of ['type=', 'type=%20', 'type=,']) {
      const res = await call(`/dns/lookup?name=example.test&${query}`)
      expect(res.status, query).toBe(422)
      const p = await problemOf(res)
      expect(p.errors, query).toEqual([{ path: 'query.type', message: expect.any(String) }])
    }
  })

  it('422 for an empty type in a JSON body', async () => {
    for (const [type, path] of [
      ['', 'json.type'],
      [[], 'json.type'],
      [['A', ' '], 'json.type.1'],
    ] as const) {
      const res = await call('/dns/lookup', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'example.test', type }),
      })
      expect(res.status, JSON.stringify(type)).toBe(422)
      const p = await problemOf(res)
      expect(p.errors, JSON.stringify(type)).toEqual([{ path, message: expect.any(String) }])
    }
  })

  it('422 for an unknown type, naming it', async () => {
    const res = await call('/dns/lookup?name=example.test&type=A,HTTPS')
    expect(res.status).toBe(422)
    expect((await problemOf(res)).detail).toContain("'HTTPS'")
  })

  it('422 for a missing name, listing the path', async () => {
    const res = await call('/dns/lookup')
    expect(res.status).toBe(422)
    expect((await problemOf(res)).errors).toEqual([
      { path: 'query.name', message: expect.any(String) },
    ])
  })

  it('400 for a malformed JSON body', async () => {
    const res = await call('/dns/lookup', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"name":',
    })
    expect(res.status).toBe(400)
    // The same problem as every hand-read JSON body gives (the generators', the filters').
    expect(await problemOf(res)).toMatchObject({
      type: '/problems/malformed-json',
      title: 'Malformed JSON body',
      errors: [{ path: 'json', message: 'not valid JSON' }],
    })
  })

  it('counts a chunked body (no Content-Length): 413 past the cap, the body handed on under it', async () => {
    /** A body as a stream of 1 KiB pieces: the request goes without a Content-Length. */
    const streamed = (text: string) => {
      const bytes = new TextEncoder().encode(text)
      let at = 0
      return new ReadableStream<Uint8Array>({
        pull(c) {
          if (at >= bytes.length) return c.close()
          c.enqueue(bytes.slice(at, at + 1024))
          at += 1024
        },
      })
    }
    const post = (text: string) =>
      call('/dns/lookup', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: streamed(text),
      })
    const big = await post(JSON.stringify({ name: 'example.test', pad: 'x'.repeat(20_000) }))
    expect(big.status).toBe(413)
    expect(await problemOf(big)).toMatchObject({
      type: '/problems/body-too-large',
      detail: 'a lookup request body may be at most 16384 bytes',
    })
    const small = await post(JSON.stringify({ name: 'example.test', type: 'A' }))
    expect(small.status, await small.clone().text()).toBe(200)
    const body = (await small.json()) as { results: { question: { name: string } }[] }
    expect(body.results[0]?.question.name).toBe('example.test.')
  })

  it('413 for an oversized JSON body', async () => {
    const res = await call('/dns/lookup', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'example.test', pad: 'x'.repeat(20_000) }),
    })
    expect(res.status).toBe(413)
    expect((await problemOf(res)).type).toBe('/problems/body-too-large')
  })

  it('502 naming the HTTP status when the real resolver answers 404 (wrong path)', async () => {
    const wrongPath = encodeURIComponent('http://127.0.0.1:8054/not-dns-query')
    const res = await call(`/dns/lookup?name=example.test&type=A&resolver=${wrongPath}`, {
      token: true,
    })
    expect(res.status).toBe(502)
    const p = await problemOf(res)
    expect(p.code).toBe('upstream_http')
    expect(p.detail).toContain('HTTP 404')
  })

  it('401 for a custom resolver URL without the token', async () => {
    const res = await call(
      `/dns/lookup?name=example.test&resolver=${encodeURIComponent(`${FAKE_DOH}/hang`)}`,
    )
    expect(res.status).toBe(401)
    await problemOf(res)
  })

  it('504 when the resolver hangs past the deadline', async () => {
    const res = await call(
      `/dns/lookup?name=example.test&type=A&resolver=${encodeURIComponent(`${FAKE_DOH}/hang`)}`,
      { token: true },
    )
    expect(res.status).toBe(504)
    expect((await problemOf(res)).detail).toContain('did not answer within 1500 ms')
  })

  it.each([
    ['/garbage', 'malformed_reply', 'not a well-formed DNS message'],
    ['/html', 'not_dns', "content-type 'text/html'"],
    ['/503', 'upstream_http', 'HTTP 503: upstream overloaded'],
    ['/truncated', 'malformed_reply', 'not a well-formed DNS message'],
    ['/wrong-question', 'mismatched_reply', 'not www.example.test A'],
  ])('502 when the resolver answers %s', async (path, code, detail) => {
    const res = await call(
      `/dns/lookup?name=www.example.test&type=A&resolver=${encodeURIComponent(FAKE_DOH + path)}`,
      {
        token: true,
      },
    )
    expect(res.status).toBe(502)
    const p = await problemOf(res)
    expect(p.code).toBe(code)
    expect(p.detail).toContain(detail)
  })
})

describe('lookup parameters: repeats, limits and codes', () => {
  it('reads a repeated type=A&type=AAAA as one list', async () => {
    const body = await lookupJson('name=example.test&type=A&type=AAAA')
    expect(body.results.map((r) => r.question.type)).toEqual(['A', 'AAAA'])
  })

  it('422 type_too_long for a 35 KB type, without echoing it', async () => {
    const res = await call(`/dns/lookup?name=example.test&type=${'X'.repeat(35_000)}`)
    expect(res.status).toBe(422)
    const text = await res.text()
    expect(text.length).toBeLessThan(1000)
    expect(JSON.parse(text)).toMatchObject({
      code: 'type_too_long',
      detail: 'type is 35000 characters long; at most 100 are allowed (e.g. A,AAAA,MX)',
    })
  })

  it('422 with code unknown_type for an unknown type', async () => {
    const res = await call('/dns/lookup?name=example.test&type=A,HTTPS')
    expect(res.status).toBe(422)
    expect((await problemOf(res)).code).toBe('unknown_type')
  })

  it.each([
    ['not a url', 'bad_url'],
    ['https://user:pw@dns.example.net/dns-query', 'credentials'],
    // Unspecified: refused even here, where private targets are allowed (the loopback servers).
    ['https://0.0.0.0/dns-query', 'target_refused'],
  ])('422 /problems/invalid-resolver with a code for resolver=%s', async (resolver, code) => {
    const res = await call(
      `/dns/lookup?name=example.test&resolver=${encodeURIComponent(resolver)}`,
      { token: true },
    )
    expect(res.status).toBe(422)
    expect(await problemOf(res)).toMatchObject({ type: '/problems/invalid-resolver', code })
  })
})

describe('names with escapes, against the real dig', () => {
  const DIG = inject('digOutputs')
  /** The lines of one `;; NAME SECTION:` block of a dig output. */
  const section = (text: string, name: string) => {
    const lines = text.split('\n')
    const start = lines.indexOf(`;; ${name} SECTION:`)
    const end = lines.indexOf('', start)
    return start < 0 ? [] : lines.slice(start + 1, end < 0 ? undefined : end)
  }

  const full = Object.entries(DIG).filter(([q]) => !q.endsWith(' +short'))
  for (const [question, digText] of full) {
    it(`prints ${question} as dig does: a label's dot, space and UTF-8 bytes escaped`, async () => {
      const [name, type] = question.split(' ')
      const res = await call(`/dns/lookup?name=${name}&type=${type}&format=dig`)
      expect(res.status).toBe(200)
      const ours = await res.text()
      const answer = section(digText, 'ANSWER')
      expect(answer.join('\n')).toMatch(/\\(\.|\d{3})/) // the escapes are really there
      // TTLs may be counted down by a cache hit from an earlier run: compare them as numbers.
      const ttlFree = (lines: string[]) =>
        lines.map((l) => l.replace(/([\t ])\d+\tIN\t/, '$1TTL\tIN\t'))
      expect(ttlFree(section(ours, 'ANSWER'))).toEqual(ttlFree(answer))
      expect(section(ours, 'QUESTION')).toEqual(section(digText, 'QUESTION'))
    })
  }

  const short = Object.entries(DIG).filter(([q]) => q.endsWith(' +short'))
  it.each(short)('format=short prints %s as dig +short does', async (question, digText) => {
    const [name, type] = question.split(' ')
    const res = await call(`/dns/lookup?name=${name}&type=${type}&format=short`)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/)
    expect(await res.text()).toBe(digText)
  })
})
