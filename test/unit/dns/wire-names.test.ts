import { describe, expect, it } from 'vitest'
import { formatRecord } from '../../../src/dns/dig-format'
import { DnsQueryError } from '../../../src/dns/errors'
import { parseReply } from '../../../src/dns/message'
import { escapeLabel, readName } from '../../../src/dns/wire-names'

/**
 * Messages written byte by byte: dns-packet's encoder splits names at dots and writes text as
 * UTF-8, so it cannot make a label holding a dot or bytes that are not text.
 */
type Label = string | number[]

const ascii = (text: string) => Array.from(text, (c) => c.charCodeAt(0))
const u16 = (n: number) => [n >> 8, n & 0xff]
const u32 = (n: number) => [...u16(n >>> 16), ...u16(n & 0xffff)]

/** Labels, then a compression pointer to `pointer` (or the root when absent). */
function name(labels: Label[], pointer?: number): number[] {
  const out = labels.flatMap((l) => {
    const bytes = typeof l === 'string' ? ascii(l) : l
    return [bytes.length, ...bytes]
  })
  return pointer === undefined ? [...out, 0] : [...out, 0xc0 | (pointer >> 8), pointer & 0xff]
}

function record(owner: number[], type: number, rdata: number[]): number[] {
  return [...owner, ...u16(type), ...u16(1), ...u32(300), ...u16(rdata.length), ...rdata]
}

function message(question: number[], qtype: number, records: number[][]): Uint8Array {
  const header = [...u16(0), ...u16(0x8180), ...u16(1), ...u16(records.length), 0, 0, 0, 0]
  return new Uint8Array([...header, ...question, ...u16(qtype), ...u16(1), ...records.flat()])
}

// The question `odd.audit.test.` starts at 12; its `audit.test.` at 16.
const QNAME = name(['odd', 'audit', 'test'])
const AUDIT = 16

describe('names in dig presentation form (RFC 1035 §5.1)', () => {
  const bytes = message(QNAME, 5, [
    // dot.inlabel.audit.test. CNAME "sp ace"."über".audit.test.
    record(
      name(['dot.inlabel'], AUDIT),
      5,
      name([ascii('sp ace'), [0xc3, 0xbc, ...ascii('ber')]], AUDIT),
    ),
    record(name([], 12), 15, [...u16(10), ...name(['a"(;)@$\\'], AUDIT)]),
    record(name([], AUDIT), 6, [
      ...name(['ns1'], AUDIT),
      ...name(['host.master'], AUDIT),
      ...[1, 7200, 3600, 1209600, 300].flatMap(u32),
    ]),
    record(name(['_sip', '_tcp'], AUDIT), 33, [
      ...u16(1),
      ...u16(2),
      ...u16(5060),
      ...name([[0xff]], AUDIT),
    ]),
    record(name([], AUDIT), 2, name([[0x6e, 0, 0x73]], AUDIT)),
  ])
  const reply = parseReply(bytes, { name: 'odd.audit.test', type: 'CNAME' })

  it('escapes a dot in a label, a space and non-ASCII bytes in owners and CNAME targets', () => {
    expect(formatRecord(reply.answer[0] as never)).toBe(
      'dot\\.inlabel.audit.test. 300\tIN\tCNAME\tsp\\032ace.\\195\\188ber.audit.test.',
    )
  })

  it('escapes " ( ) ; @ $ \\ with a backslash, as dig does, in MX, SOA, SRV and NS names', () => {
    expect(reply.answer.map((r) => r.data)).toEqual([
      'sp\\032ace.\\195\\188ber.audit.test.',
      { preference: 10, exchange: 'a\\"\\(\\;\\)\\@\\$\\\\.audit.test.' },
      {
        mname: 'ns1.audit.test.',
        rname: 'host\\.master.audit.test.',
        serial: 1,
        refresh: 7200,
        retry: 3600,
        expire: 1209600,
        minimum: 300,
      },
      { priority: 1, weight: 2, port: 5060, target: '\\255.audit.test.' },
      'n\\000s.audit.test.',
    ])
    expect(reply.answer.map((r) => r.name)).toEqual([
      'dot\\.inlabel.audit.test.',
      'odd.audit.test.',
      'audit.test.',
      '_sip._tcp.audit.test.',
      'audit.test.',
    ])
  })

  it('refuses a reply whose question has a label holding a dot as another question', () => {
    const other = message(name(['odd.audit', 'test']), 1, [])
    expect(() => parseReply(other, { name: 'odd.audit.test', type: 'A' })).toThrow(
      expect.objectContaining({
        code: 'mismatched_reply',
        message: 'the reply answers odd\\.audit.test. A, not odd.audit.test A',
      }),
    )
  })

  it('refuses a reply whose RDATA length does not fit its type, where dns-packet reads other records', () => {
    // An A record with RDLENGTH 8: dns-packet reads its 4 address bytes and takes the other 4
    // for the start of the next record (a TYPE 65280 one, 8 bytes of RDATA); this walk goes by
    // RDLENGTH and finds an A record. Both end at the message's end, so only the TYPEs differ.
    const a1 = [0, ...u16(1), ...u16(1), ...u32(300), ...u16(8), 192, 0, 2, 1, 0, 0xff, 0x00, 0x00]
    const a2 = [0, ...u16(1), ...u16(1), ...u32(0x00080000), ...u16(4), 192, 0, 2, 2]
    const bytes = message(QNAME, 1, [a1, a2])
    expect(() => parseReply(bytes, { name: 'odd.audit.test', type: 'A' })).toThrow(
      expect.objectContaining({
        code: 'malformed_reply',
        message:
          "the reply is not a well-formed DNS message (a record's RDATA length does not fit its type, so its records cannot be read consistently)",
      }),
    )
  })

  it('reads compression pointers only backwards, so a loop cannot hang it', () => {
    const loop = new Uint8Array([...new Array(12).fill(0), 0xc0, 12])
    expect(() => readName(loop, 12)).toThrow(DnsQueryError)
    expect(readName(new Uint8Array([0]), 0)).toEqual({ text: '.', end: 1 })
  })

  it('prints 0x21-0x7e as is, except the specials', () => {
    expect(escapeLabel(new Uint8Array(ascii('a-Z_*0~!')))).toBe('a-Z_*0~!')
    expect(escapeLabel(new Uint8Array([0x20, 0x7f, 0x80]))).toBe('\\032\\127\\128')
  })
})
