import { Buffer } from 'node:buffer'
import { readFileSync } from 'node:fs'
import * as dnsPacket from 'dns-packet'
import { describe, expect, it } from 'vitest'
import { formatData, formatDig, formatQuestion, formatRecord } from '../../../src/dns/dig-format'
import { type DnsRecord, parseReply } from '../../../src/dns/message'

const golden = (file: string) =>
  readFileSync(new URL(`../../fixtures/dns/golden/${file}`, import.meta.url), 'utf8')

/** The lines of one `;; NAME SECTION:` block of a real dig output. */
function section(text: string, name: string): string[] {
  const lines = text.split('\n')
  const start = lines.indexOf(`;; ${name} SECTION:`)
  if (start < 0) return []
  const out: string[] = []
  for (const line of lines.slice(start + 1)) {
    if (line === '') break
    out.push(line)
  }
  return out
}

describe('formatRecord matches dig 9.18 byte for byte', () => {
  const cases: [string, string, DnsRecord[]][] = [
    [
      'dig_www.example.test_AAAA.txt',
      'ANSWER',
      [
        {
          name: 'www.example.test.',
          ttl: 300,
          class: 'IN',
          type: 'CNAME',
          data: 'www.l.example.test.',
        },
        { name: 'www.l.example.test.', ttl: 120, class: 'IN', type: 'AAAA', data: '2001:db8::63' },
      ],
    ],
    [
      'dig_example.test_NS.txt',
      'ADDITIONAL',
      [
        { name: 'ns1.example.test.', ttl: 3600, class: 'IN', type: 'A', data: '192.0.2.53' },
        { name: 'ns1.example.test.', ttl: 3600, class: 'IN', type: 'AAAA', data: '2001:db8::53' },
        { name: 'ns2.example.test.', ttl: 3600, class: 'IN', type: 'A', data: '192.0.2.54' },
      ],
    ],
    [
      'dig_example.test_MX.txt',
      'ANSWER',
      [
        {
          name: 'example.test.',
          ttl: 300,
          class: 'IN',
          type: 'MX',
          data: { preference: 10, exchange: 'mail.example.test.' },
        },
      ],
    ],
    [
      'dig_example.test_TXT.txt',
      'ANSWER',
      [{ name: 'example.test.', ttl: 300, class: 'IN', type: 'TXT', data: ['v=spf1 mx -all'] }],
    ],
    [
      'dig_example.test_CAA.txt',
      'ANSWER',
      [
        {
          name: 'example.test.',
          ttl: 300,
          class: 'IN',
          type: 'CAA',
          data: { flags: 0, tag: 'issue', value: 'letsencrypt.org' },
        },
      ],
    ],
    [
      'dig_example.test_SOA.txt',
      'ANSWER',
      [
        {
          name: 'example.test.',
          ttl: 3600,
          class: 'IN',
          type: 'SOA',
          data: {
            mname: 'ns1.example.test.',
            rname: 'hostmaster.example.test.',
            serial: 2024010101,
            refresh: 7200,
            retry: 3600,
            expire: 1209600,
            minimum: 300,
          },
        },
      ],
    ],
    [
      'dig_10.2.0.192.in-addr.arpa_PTR.txt',
      'ANSWER',
      [
        {
          name: '10.2.0.192.in-addr.arpa.',
          ttl: 3600,
          class: 'IN',
          type: 'PTR',
          data: 'www.l.example.test.',
        },
      ],
    ],
    [
      'dig_nx.example.test_A.txt',
      'AUTHORITY',
      [
        {
          name: 'example.test.',
          ttl: 300,
          class: 'IN',
          type: 'SOA',
          data: {
            mname: 'ns1.example.test.',
            rname: 'hostmaster.example.test.',
            serial: 2024010101,
            refresh: 7200,
            retry: 3600,
            expire: 1209600,
            minimum: 300,
          },
        },
      ],
    ],
  ]
  for (const [file, name, records] of cases) {
    it(`${file} ${name}`, () => {
      expect(records.map(formatRecord)).toEqual(section(golden(file), name))
    })
  }

  it('prints question lines as dig does', () => {
    for (const [file, qname, type] of [
      ['dig_www.example.test_AAAA.txt', 'www.example.test.', 'AAAA'],
      ['dig_example.test_MX.txt', 'example.test.', 'MX'],
      ['dig_10.2.0.192.in-addr.arpa_PTR.txt', '10.2.0.192.in-addr.arpa.', 'PTR'],
    ] as const) {
      expect([formatQuestion({ name: qname, type, class: 'IN' })]).toEqual(
        section(golden(file), 'QUESTION'),
      )
    }
  })

  it('prints the root as "." like dig 9.18 does', () => {
    // dig @127.0.0.1 -p 5353 . NS, against test/servers/unbound.conf
    expect(formatQuestion({ name: '.', class: 'IN', type: 'NS' })).toBe(';.\t\t\t\tIN\tNS')
    expect(
      formatRecord({ name: '.', ttl: 86400, class: 'IN', type: 'NS', data: 'ns1.example.test.' }),
    ).toBe('.\t\t\t86400\tIN\tNS\tns1.example.test.')
  })

  it('falls back to single spaces for long owners and TTLs', () => {
    const long = 'a-very-long-owner-name-here-xx.long.test.'
    expect(formatRecord({ name: long, ttl: 3600, class: 'IN', type: 'A', data: '192.0.2.7' })).toBe(
      `${long} 3600 IN A 192.0.2.7`,
    )
    expect(
      formatRecord({
        name: 'b.long.test.',
        ttl: 1209600,
        class: 'IN',
        type: 'A',
        data: '192.0.2.8',
      }),
    ).toBe('b.long.test.\t\t1209600\tIN\tA\t192.0.2.8')
    expect(formatQuestion({ name: long, class: 'IN', type: 'A' })).toBe(`;${long} IN A`)
  })

  it('escapes quotes, backslashes and non-printable bytes in TXT', () => {
    const line = formatRecord({
      name: 't.test.',
      ttl: 1,
      class: 'IN',
      type: 'TXT',
      data: ['say "hi"\\', 'é'],
    })
    expect(line.split('\t').at(-1)).toBe('"say \\"hi\\"\\\\" "\\195\\169"')
  })
})

describe('TXT strings that are not UTF-8 (RFC 1035 §3.3: bytes)', () => {
  const reply = (parts: Uint8Array[]) =>
    new Uint8Array(
      dnsPacket.encode({
        type: 'response',
        id: 0,
        flags: 0,
        questions: [{ name: 'bin.test', type: 'TXT', class: 'IN' }],
        answers: [
          { name: 'bin.test', type: 'TXT', ttl: 300, class: 'IN', data: parts.map(Buffer.from) },
        ],
      }),
    )
  const bin = Uint8Array.of(0xff, 0x00, 0x01)
  const text = new TextEncoder().encode('café "x"')
  const mixed = Uint8Array.of(0x61, 0x22, 0x5c, 0xc3, 0x28, 0x7f)

  it('keeps the bytes: dig prints \\255\\000\\001, never the U+FFFD replacement', () => {
    const r = parseReply(reply([bin, text, mixed]), { name: 'bin.test', type: 'TXT' })
    const record = r.answer[0]
    if (!record) throw new Error('no answer')
    expect(formatData(record.data)).toBe(
      '"\\255\\000\\001" "caf\\195\\169 \\"x\\"" "a\\"\\\\\\195(\\127"',
    )
  })
  it('gives valid UTF-8 as a string in JSON and other bytes as { escaped } in dig form', () => {
    const r = parseReply(reply([bin, text, mixed]), { name: 'bin.test', type: 'TXT' })
    expect(JSON.parse(JSON.stringify(r.answer[0]?.data))).toEqual([
      { escaped: '\\255\\000\\001' },
      'café "x"',
      { escaped: 'a\\"\\\\\\195(\\127' },
    ])
  })
})

describe('the OPT pseudosection, as dig 9.18 prints it', () => {
  /** A PTR reply with an OPT record (UDP 1232, optionally DO and Extended DNS Errors). */
  function withOpt(options: { code: number; data: Buffer }[], flags = 0): Uint8Array {
    return dnsPacket.encode({
      type: 'response',
      id: 0,
      flags:
        dnsPacket.RECURSION_DESIRED |
        dnsPacket.RECURSION_AVAILABLE |
        dnsPacket.AUTHORITATIVE_ANSWER,
      questions: [{ type: 'PTR', name: '10.2.0.192.in-addr.arpa', class: 'IN' }],
      answers: [
        { type: 'PTR', name: '10.2.0.192.in-addr.arpa', ttl: 3600, data: 'www.l.example.test' },
      ],
      additionals: [
        { type: 'OPT', name: '.', udpPayloadSize: 1232, flags, options } as dnsPacket.Answer,
      ],
    })
  }
  const asked = { name: '10.2.0.192.in-addr.arpa', type: 'PTR' as const }
  const result = (bytes: Uint8Array) => ({
    ...parseReply(bytes, asked),
    cnameChain: [],
    elapsedMs: 0,
  })

  it('counts OPT in ADDITIONAL and shows the EDNS line, as in the golden dig output', () => {
    const text = formatDig(result(withOpt([])), '127.0.0.1')
    const dig = golden('dig_10.2.0.192.in-addr.arpa_PTR.txt').split('\n')
    const lines = text.split('\n')
    expect(lines[1]).toBe(dig.find((l) => l.startsWith(';; flags:')))
    const at = dig.indexOf(';; OPT PSEUDOSECTION:')
    expect(lines.slice(3, 5)).toEqual(dig.slice(at, at + 2))
  })

  it('shows the DO flag and Extended DNS Errors, and keeps them in JSON', () => {
    const ede = (code: number, text = '') =>
      Buffer.concat([Buffer.from([code >> 8, code & 255]), Buffer.from(text)])
    const r = result(
      withOpt(
        [
          { code: 15, data: ede(18) },
          { code: 15, data: ede(6, 'signature\nexpired') },
        ],
        dnsPacket.DNSSEC_OK,
      ),
    )
    expect(r.edns).toEqual({
      version: 0,
      udpSize: 1232,
      do: true,
      ede: [
        { code: 18, purpose: 'Prohibited' },
        { code: 6, purpose: 'DNSSEC Bogus', text: 'signatureexpired' },
      ],
    })
    expect(formatDig(r, '127.0.0.1').split('\n').slice(3, 7)).toEqual([
      ';; OPT PSEUDOSECTION:',
      '; EDNS: version: 0, flags: do; udp: 1232',
      '; EDE: 18 (Prohibited)',
      '; EDE: 6 (DNSSEC Bogus): (signatureexpired)',
    ])
  })

  const ede = (code: number, text = '') =>
    Buffer.concat([Buffer.from([code >> 8, code & 255]), Buffer.from(text)])

  it('names no purpose for a code the registry lacks, as dig does, and drops line breaks of any kind', () => {
    const r = result(withOpt([{ code: 15, data: ede(499, 'a\u0085b\u2028c\u2029d\u009be') }]))
    expect(r.edns?.ede).toEqual([{ code: 499, text: 'abcde' }])
    expect(formatDig(r, '127.0.0.1').split('\n')[5]).toBe('; EDE: 499: (abcde)')
  })

  it('refuses a reply with an Extended DNS Error too short for its code', () => {
    expect(() => result(withOpt([{ code: 15, data: Buffer.from([6]) }]))).toThrow(
      expect.objectContaining({
        code: 'malformed_reply',
        message:
          'the reply is not a well-formed DNS message (an Extended DNS Error option of 1 byte(s); its INFO-CODE alone is 2, RFC 8914 §2)',
      }),
    )
  })

  it('refuses a reply with two OPT records (RFC 6891 §6.1.1)', () => {
    const bytes = withOpt([{ code: 15, data: ede(18) }])
    const opt = bytes.subarray(bytes.length - 17) // root, TYPE..RDLENGTH, one 6-byte option
    expect(opt[0]).toBe(0)
    const twice = new Uint8Array([...bytes, ...opt])
    twice[11] = 2 // ARCOUNT
    expect(() => result(twice)).toThrow(
      expect.objectContaining({
        code: 'malformed_reply',
        message:
          'the reply is not a well-formed DNS message (2 OPT records; RFC 6891 §6.1.1 allows one)',
      }),
    )
  })
})
