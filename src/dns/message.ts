import { Buffer } from 'node:buffer'
import * as dnsPacket from 'dns-packet'
import { toString as typeName } from 'dns-packet/types'
import { type TxtPart, toTxtPart } from './character-string'
import { type Edns, ednsOf } from './edns'
import { DnsQueryError, malformedReply } from './errors'
import { formatAaaa } from './ipv6-text'
import { absolute } from './name'
import type { RecordType } from './record-types'
import { type MessageNames, messageNames, type RecordNames } from './wire-names'

/** The typed RDATA of a record, as the JSON output shows it. */
export type RecordData =
  | string
  | TxtPart[]
  | { preference: number; exchange: string }
  | { priority: number; weight: number; port: number; target: string }
  | {
      mname: string
      rname: string
      serial: number
      refresh: number
      retry: number
      expire: number
      minimum: number
    }
  | { flags: number; tag: string; value: string }
  | { hex: string }

export type DnsRecord = {
  /** Owner name, absolute (trailing dot), as dig prints it. */
  name: string
  ttl: number
  class: string
  type: string
  data: RecordData
}

export type DnsFlags = {
  aa: boolean
  tc: boolean
  rd: boolean
  ra: boolean
  ad: boolean
  cd: boolean
}

/** One question and its decoded reply. */
export type DnsReply = {
  question: { name: string; type: string; class: string }
  rcode: string
  flags: DnsFlags
  answer: DnsRecord[]
  authority: DnsRecord[]
  additional: DnsRecord[]
  /** The reply's OPT record (EDNS version, UDP size, DO, Extended DNS Errors), when it has one. */
  edns?: Edns
}

export type QueryOptions = { dnssecOk?: boolean; checkingDisabled?: boolean }

/** Every query goes out with ID 0 (RFC 8484 §4.1), so every reply must carry ID 0 back. */
export const QUERY_ID = 0

/**
 * Builds the wire-format query: ID 0 for cache friendliness (RFC 8484 §4.1), RD set, and an
 * EDNS0 OPT record advertising 1232 bytes (the DNS flag day 2020 value dig also sends).
 */
export function buildQuery(name: string, type: RecordType, options: QueryOptions = {}): Uint8Array {
  let flags = dnsPacket.RECURSION_DESIRED
  if (options.checkingDisabled) flags |= dnsPacket.CHECKING_DISABLED
  const packet: dnsPacket.Packet = {
    type: 'query',
    id: QUERY_ID,
    flags,
    questions: [{ type, name, class: 'IN' }],
    additionals: [
      {
        type: 'OPT',
        name: '.',
        udpPayloadSize: 1232,
        extendedRcode: 0,
        ednsVersion: 0,
        flags: options.dnssecOk ? dnsPacket.DNSSEC_OK : 0,
        flag_do: Boolean(options.dnssecOk),
        options: [],
      },
    ],
  }
  return new Uint8Array(dnsPacket.encode(packet))
}

/**
 * Decodes a reply and checks that it answers the question we asked. Anything that is not a DNS
 * response to that question is a `DnsQueryError` (the route maps it to 502).
 */
export function parseReply(bytes: Uint8Array, asked: { name: string; type: RecordType }): DnsReply {
  if (bytes.length < 12) {
    throw new DnsQueryError(
      'malformed_reply',
      `the reply is ${bytes.length} bytes; a DNS header alone is 12`,
    )
  }
  let packet: dnsPacket.DecodedPacket
  let read: number
  try {
    // dns-packet reads through Buffer methods (readUInt16BE...): a plain Uint8Array throws.
    packet = dnsPacket.decode(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength))
    read = dnsPacket.decode.bytes
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err)
    throw malformedReply(why)
  }
  // The header's counts say where the message ends; bytes after it mean the counts and the
  // body disagree (a cut-and-pasted or corrupted message), so none of it can be trusted.
  if (read < bytes.length) {
    throw new DnsQueryError(
      'malformed_reply',
      `the reply has ${bytes.length - read} trailing byte(s) after the ${read}-byte DNS message its header describes`,
    )
  }
  // A decoder that read past the end (dns-packet does not check every length) found bytes that
  // are not there: the message its header describes is longer than the reply.
  if (read > bytes.length) {
    throw new DnsQueryError(
      'malformed_reply',
      `the DNS message its header describes runs ${read - bytes.length} byte(s) past the end of the ${bytes.length}-byte reply`,
    )
  }
  if (!packet.flag_qr)
    throw new DnsQueryError(
      'malformed_reply',
      'the reply has the QR bit clear: it is a query, not a response',
    )
  // RFC 1035 §7.3: a reply whose ID is not the query's answers some other query.
  if (packet.id !== QUERY_ID) {
    throw new DnsQueryError(
      'malformed_reply',
      `the reply has ID ${packet.id ?? 'none'}; the query was sent with ID ${QUERY_ID} (RFC 8484 §4.1), and a reply must echo it (RFC 1035 §7.3)`,
    )
  }
  // dns-packet's names lose a label's dots and non-UTF-8 bytes: every name is read again from
  // the bytes, in dig's escaped form, which also tells `a\.b` from the `a.b` we asked.
  const names = messageNames(bytes)
  // dns-packet moves on by what a type's decoder read (4 bytes for an A record), this walk by
  // RDLENGTH: a record whose RDATA length does not fit its type sends them apart, and the names
  // read here would be pinned on other records. Where they part, the message is not trusted.
  if (!sameRecords(packet, names, read)) {
    throw malformedReply(
      "a record's RDATA length does not fit its type, so its records cannot be read consistently",
    )
  }
  const question = packet.questions?.[0]
  const qname = names.question[0] ?? '.'
  if (!question || !sameName(qname, asked.name) || question.type !== asked.type) {
    const got = question ? `${qname} ${question.type}` : 'no question'
    throw new DnsQueryError(
      'mismatched_reply',
      `the reply answers ${got}, not ${asked.name} ${asked.type}`,
    )
  }
  const rcode = (packet as { rcode?: string }).rcode ?? 'NOERROR'
  const edns = ednsOf(packet)
  return {
    question: { name: qname, type: question.type, class: question.class ?? 'IN' },
    rcode,
    flags: {
      aa: packet.flag_aa,
      tc: packet.flag_tc,
      rd: packet.flag_rd,
      ra: packet.flag_ra,
      ad: packet.flag_ad,
      cd: packet.flag_cd,
    },
    // dns-packet keeps every record of a section in wire order (OPT too), so index i of a section
    // is the i-th record on the wire.
    answer: (packet.answers ?? []).flatMap((a, i) => toRecord(a, names.answer[i])),
    authority: (packet.authorities ?? []).flatMap((a, i) => toRecord(a, names.authority[i])),
    // The OPT pseudo-record is transport metadata, not data (RFC 6891 §6.1.1).
    additional: (packet.additionals ?? []).flatMap((a, i) => toRecord(a, names.additional[i])),
    ...(edns ? { edns } : {}),
  }
}

/** True when dns-packet and the wire walk met the same records, ending where the message ends. */
function sameRecords(packet: dnsPacket.DecodedPacket, names: MessageNames, read: number): boolean {
  const same = (decoded: dnsPacket.Answer[] | undefined, walked: RecordNames[]) =>
    (decoded ?? []).length === walked.length &&
    walked.every((w, i) => decoded?.[i]?.type === typeName(w.type))
  return (
    names.end === read &&
    same(packet.answers, names.answer) &&
    same(packet.authorities, names.authority) &&
    same(packet.additionals, names.additional)
  )
}

/**
 * Names compare case-insensitively (RFC 4343) and with or without the root dot: dns-packet
 * decodes `example.test.` as `example.test` but the root as `.`, never as the empty string.
 */
function sameName(a: string, b: string): boolean {
  return absolute(a).toLowerCase() === absolute(b).toLowerCase()
}

/**
 * The TTL as a cache may use it. RFC 2181 §8: a TTL is 31 bits; a value with the most
 * significant bit set is treated as zero, so a resolver's 0xFFFFFFFF is not "136 years".
 */
export function wireTtl(ttl: number | undefined): number {
  return ttl === undefined || ttl > 0x7fffffff ? 0 : ttl
}

/** `wire`: the record's names as read from the bytes (absent only if the walk disagreed). */
function toRecord(a: dnsPacket.Answer, wire: RecordNames | undefined): DnsRecord[] {
  if (a.type === 'OPT') return []
  return [
    {
      name: wire?.owner ?? absolute(a.name),
      ttl: wireTtl(a.ttl),
      class: a.class ?? 'IN',
      type: a.type,
      data: toData(a, wire?.rdata ?? []),
    },
  ]
}

/** `names`: the RDATA's names in wire order, escaped; dns-packet's own are the fallback. */
function toData(a: Exclude<dnsPacket.Answer, dnsPacket.OptAnswer>, names: string[]): RecordData {
  switch (a.type) {
    case 'A':
      return a.data
    case 'AAAA':
      return formatAaaa(a.data)
    case 'CNAME':
    case 'DNAME':
    case 'NS':
    case 'PTR':
      return names[0] ?? absolute(a.data)
    case 'MX':
      return { preference: a.data.preference ?? 0, exchange: names[0] ?? absolute(a.data.exchange) }
    case 'SRV':
      return {
        priority: a.data.priority ?? 0,
        weight: a.data.weight ?? 0,
        port: a.data.port ?? 0,
        target: names[0] ?? absolute(a.data.target),
      }
    case 'SOA':
      return {
        mname: names[0] ?? absolute(a.data.mname),
        // dns-packet escapes only the dots of an RNAME's first label; the wire form escapes all.
        rname: names[1] ?? absolute(a.data.rname),
        serial: a.data.serial ?? 0,
        refresh: a.data.refresh ?? 0,
        retry: a.data.retry ?? 0,
        expire: a.data.expire ?? 0,
        minimum: a.data.minimum ?? 0,
      }
    case 'TXT': {
      const parts = Array.isArray(a.data) ? a.data : [a.data]
      return parts.map((p) => (typeof p === 'string' ? p : toTxtPart(p)))
    }
    case 'CAA':
      return { flags: a.data.flags ?? 0, tag: a.data.tag, value: a.data.value }
    default: {
      const raw: unknown = a.data
      const bytes = raw instanceof Uint8Array ? raw : new Uint8Array()
      return { hex: Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('') }
    }
  }
}
