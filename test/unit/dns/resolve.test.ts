import { Buffer } from 'node:buffer'
import * as dnsPacket from 'dns-packet'
import { describe, expect, it } from 'vitest'
import { DnsQueryError } from '../../../src/dns/errors'
import { buildQuery, parseReply, wireTtl } from '../../../src/dns/message'
import { cacheLifetime, resolveRecord } from '../../../src/dns/resolve'
import { fakeSender, rr, soa } from './fake-resolver'

const zone = {
  'www.example.test': [rr('www.example.test', 'CNAME', 'www.l.example.test')],
  'www.l.example.test': [
    rr('www.l.example.test', 'A', '192.0.2.10', 60),
    rr('www.l.example.test', 'AAAA', '2001:0db8:0000::0063', 120),
  ],
  'a.chain.test': [rr('a.chain.test', 'CNAME', 'www.example.test', 200)],
  'example.test': [
    rr('example.test', 'MX', { preference: 10, exchange: 'mail.example.test' }),
    rr('example.test', 'TXT', ['v=spf1 mx -all']),
    rr('example.test', 'SRV', { priority: 1, weight: 2, port: 3, target: 'sip.example.test' }),
  ],
}
const opts = { timeoutMs: 1000 }

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p
  } catch (err) {
    if (err instanceof DnsQueryError) return err.code
    throw err
  }
  return 'no error'
}

describe('buildQuery', () => {
  it('sends ID 0 with RD set and an EDNS0 OPT record (RFC 8484 §4.1)', () => {
    const q = dnsPacket.decode(Buffer.from(buildQuery('www.example.test', 'AAAA')))
    expect(q.id).toBe(0)
    expect(q.flag_rd).toBe(true)
    expect(q.questions).toEqual([{ name: 'www.example.test', type: 'AAAA', class: 'IN' }])
    expect(q.additionals?.[0]?.type).toBe('OPT')
  })
  it('encodes the same bytes as the RFC 8484-style example without EDNS', () => {
    const bytes = buildQuery('www.example.test', 'A')
    // header + question are those of `mkq.py www.example.test A`; then the 11-byte OPT record
    expect(Buffer.from(bytes.subarray(0, 34)).toString('base64url')).toBe(
      'AAABAAABAAAAAAABA3d3dwdleGFtcGxlBHRlc3QAAAEAAQ',
    )
  })
})

describe('resolveRecord', () => {
  it('follows a two-step CNAME chain and gives typed data', async () => {
    const r = await resolveRecord('a.chain.test', 'AAAA', fakeSender(zone), opts)
    expect(r.rcode).toBe('NOERROR')
    expect(r.cnameChain).toEqual(['a.chain.test.', 'www.example.test.', 'www.l.example.test.'])
    expect(r.answer.at(-1)).toEqual({
      name: 'www.l.example.test.',
      ttl: 120,
      class: 'IN',
      type: 'AAAA',
      data: '2001:db8::63',
    })
    expect(cacheLifetime(r)).toBe(120)
  })
  it('decodes MX, TXT and SRV data', async () => {
    const send = fakeSender(zone)
    expect((await resolveRecord('example.test', 'MX', send, opts)).answer[0]?.data).toEqual({
      preference: 10,
      exchange: 'mail.example.test.',
    })
    expect((await resolveRecord('example.test', 'TXT', send, opts)).answer[0]?.data).toEqual([
      'v=spf1 mx -all',
    ])
    expect((await resolveRecord('example.test', 'SRV', send, opts)).answer[0]?.data).toEqual({
      priority: 1,
      weight: 2,
      port: 3,
      target: 'sip.example.test.',
    })
  })
  it('returns NXDOMAIN as an answer, cacheable for the SOA minimum', async () => {
    const r = await resolveRecord('nope.test', 'A', fakeSender(zone), opts)
    expect(r.rcode).toBe('NXDOMAIN')
    expect(r.authority[0]?.type).toBe('SOA')
    expect(cacheLifetime(r)).toBe(60)
  })
  it('times out on a resolver that never answers', async () => {
    const hang = (_q: Uint8Array, signal: AbortSignal) =>
      new Promise<Uint8Array>((_, reject) =>
        signal.addEventListener('abort', () => reject(signal.reason)),
      )
    expect(await code(resolveRecord('x.test', 'A', hang, { timeoutMs: 30 }))).toBe('timeout')
  })
  it('rejects garbage, short and cut replies', async () => {
    const text = new TextEncoder().encode('this is not a DNS message at all')
    expect(await code(resolveRecord('x.test', 'A', async () => text, opts))).toBe('malformed_reply')
    expect(await code(resolveRecord('x.test', 'A', async () => new Uint8Array(5), opts))).toBe(
      'malformed_reply',
    )
    const good = await fakeSender(zone)(
      buildQuery('example.test', 'MX'),
      new AbortController().signal,
    )
    expect(
      await code(
        resolveRecord('example.test', 'MX', async () => good.subarray(0, good.length - 5), opts),
      ),
    ).toBe('malformed_reply')
  })
  it('rejects a reply to another question', async () => {
    const other = await fakeSender(zone)(
      buildQuery('example.test', 'MX'),
      new AbortController().signal,
    )
    expect(await code(resolveRecord('www.example.test', 'A', async () => other, opts))).toBe(
      'mismatched_reply',
    )
  })
  it('rejects a query echoed back (QR clear)', async () => {
    expect(await code(resolveRecord('x.test', 'A', async (q) => q, opts))).toBe('malformed_reply')
  })
  it('reports a network failure', async () => {
    expect(
      await code(
        resolveRecord(
          'x.test',
          'A',
          async () => {
            throw new TypeError('fetch failed')
          },
          opts,
        ),
      ),
    ).toBe('network')
  })
})

describe('parseReply', () => {
  it('drops the OPT pseudo-record from the additional section', () => {
    const reply = dnsPacket.encode({
      type: 'response',
      id: 0,
      flags: 0,
      questions: [{ name: 'a.test', type: 'A', class: 'IN' }],
      additionals: [
        {
          type: 'OPT',
          name: '.',
          udpPayloadSize: 1232,
          extendedRcode: 0,
          ednsVersion: 0,
          flags: 0,
          flag_do: false,
          options: [],
        },
      ],
    })
    expect(parseReply(new Uint8Array(reply), { name: 'a.test', type: 'A' }).additional).toEqual([])
  })
})

describe('the root zone', () => {
  const root = {
    '.': [rr('.', 'NS', 'a.root-servers.test', 518400)],
    'a.root-servers.test': [rr('a.root-servers.test', 'A', '192.0.2.4')],
  }
  it('asks and matches `. NS` (dns-packet decodes the root as ".")', async () => {
    const asked: string[] = []
    const send = fakeSender(root, (q) => asked.push(q.questions?.[0]?.name ?? ''))
    const r = await resolveRecord('.', 'NS', send, opts)
    expect(asked).toEqual(['.'])
    expect(r.question).toEqual({ name: '.', type: 'NS', class: 'IN' })
    expect(r.answer).toEqual([
      { name: '.', ttl: 518400, class: 'IN', type: 'NS', data: 'a.root-servers.test.' },
    ])
    expect(r.cnameChain).toEqual([])
  })
  it('still refuses a reply about another name', async () => {
    const other = await fakeSender(root)(buildQuery('.', 'NS'), new AbortController().signal)
    expect(await code(resolveRecord('a.root-servers.test', 'NS', async () => other, opts))).toBe(
      'mismatched_reply',
    )
  })
})

describe('TTLs with the most significant bit set (RFC 2181 §8)', () => {
  it('reads them as zero', () => {
    expect([0, 300, 0x7fffffff, 0x80000000, 0xffffffff, undefined].map(wireTtl)).toEqual([
      0, 300, 0x7fffffff, 0, 0, 0,
    ])
  })
  it('shows a 0xFFFFFFFF answer as TTL 0, not to be cached', async () => {
    const huge = { 'big.test': [rr('big.test', 'A', '192.0.2.1', 0xffffffff)] }
    const r = await resolveRecord('big.test', 'A', fakeSender(huge), opts)
    expect(r.answer.map((a) => a.ttl)).toEqual([0])
    expect(cacheLifetime(r)).toBe(0)
  })
  it('applies to the SOA of a negative answer too', async () => {
    const reply = dnsPacket.encode({
      type: 'response',
      id: 0,
      flags: 3,
      questions: [{ name: 'nx.test', type: 'A', class: 'IN' }],
      authorities: [soa(0x80000000)],
    })
    const r = parseReply(new Uint8Array(reply), { name: 'nx.test', type: 'A' })
    expect(r.authority[0]?.ttl).toBe(0)
    expect(cacheLifetime(r)).toBe(0)
  })
})

describe('cacheLifetime keeps only complete NOERROR and NXDOMAIN replies', () => {
  function reply(rcode: number, flags: number, answers: dnsPacket.Answer[]) {
    const bytes = dnsPacket.encode({
      type: 'response',
      id: 0,
      flags: flags | rcode,
      questions: [{ name: 'www.fail.test', type: 'A', class: 'IN' }],
      answers,
      authorities: answers.length === 0 ? [soa()] : [],
    })
    return parseReply(new Uint8Array(bytes), { name: 'www.fail.test', type: 'A' })
  }
  const cname = rr('www.fail.test', 'CNAME', 'lb.fail.test', 3600)
  const a = rr('www.fail.test', 'A', '192.0.2.1', 300)
  const SERVFAIL = 2
  const REFUSED = 5
  it('does not cache a SERVFAIL that carries the CNAME found before the failure', () => {
    const r = reply(SERVFAIL, 0, [cname])
    expect(r.rcode).toBe('SERVFAIL')
    expect(r.answer).toHaveLength(1)
    expect(cacheLifetime(r)).toBe(0)
  })
  it('does not cache a REFUSED with records either', () =>
    expect(cacheLifetime(reply(REFUSED, 0, [a]))).toBe(0))
  it('does not cache a truncated (TC) reply, positive or negative', () => {
    const tc = dnsPacket.TRUNCATED_RESPONSE
    expect(reply(0, tc, [a]).flags.tc).toBe(true)
    expect(cacheLifetime(reply(0, tc, [a]))).toBe(0)
    expect(cacheLifetime(reply(3, tc, []))).toBe(0)
  })
  it('still caches NOERROR for the smallest TTL and NXDOMAIN for the SOA minimum', () => {
    expect(cacheLifetime(reply(0, 0, [cname, a]))).toBe(300)
    expect(cacheLifetime(reply(3, 0, []))).toBe(60)
    expect(cacheLifetime(reply(0, 0, []))).toBe(60)
  })
})

describe('parseReply refuses replies that are not the one asked for', () => {
  const asked = { name: 'a.test', type: 'A' } as const
  function encoded(id: number): Uint8Array {
    return new Uint8Array(
      dnsPacket.encode({
        type: 'response',
        id,
        flags: 0,
        questions: [{ name: 'a.test', type: 'A', class: 'IN' }],
        answers: [rr('a.test', 'A', '192.0.2.1')],
      }),
    )
  }
  function refusal(bytes: Uint8Array): DnsQueryError {
    try {
      parseReply(bytes, asked)
    } catch (err) {
      if (err instanceof DnsQueryError) return err
      throw err
    }
    throw new Error('the reply was accepted')
  }
  it('refuses a reply whose ID is not the query ID 0 (RFC 1035 §7.3)', () => {
    const err = refusal(encoded(0x1234))
    expect(err.code).toBe('malformed_reply')
    expect(err.message).toBe(
      'the reply has ID 4660; the query was sent with ID 0 (RFC 8484 §4.1), and a reply must echo it (RFC 1035 §7.3)',
    )
  })
  it('refuses trailing bytes after the message', () => {
    const good = encoded(0)
    const padded = new Uint8Array(good.length + 3)
    padded.set(good)
    const err = refusal(padded)
    expect(err.code).toBe('malformed_reply')
    expect(err.message).toBe(
      `the reply has 3 trailing byte(s) after the ${good.length}-byte DNS message its header describes`,
    )
    expect(parseReply(good, asked).answer[0]?.data).toBe('192.0.2.1')
  })
  it('refuses a message whose last record runs past the end of the reply', () => {
    // A record of an unknown TYPE (65280) claiming 10 bytes of RDATA with 2 present: dns-packet
    // slices what is there and counts 12 bytes read.
    const good = encoded(0)
    const bytes = new Uint8Array([...good, 0, 0xff, 0x00, 0, 1, 0, 0, 0, 60, 0, 10, 1, 2])
    bytes[7] = 2 // ANCOUNT: the A record and this one
    const err = refusal(bytes)
    expect(err.code).toBe('malformed_reply')
    expect(err.message).toBe(
      `the DNS message its header describes runs 8 byte(s) past the end of the ${bytes.length}-byte reply`,
    )
  })
})
