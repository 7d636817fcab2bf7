import { malformedReply } from './errors'

/**
 * Domain names read again from the raw message, in dig's presentation form.
 *
 * dns-packet decodes a name by joining its labels with dots and reading them as UTF-8: a label
 * holding a dot (`dot.inlabel` is one label) comes out as two labels, and bytes that are not
 * UTF-8 are lost. Those bytes matter: dig prints `dot\.inlabel.audit.test.`, and a different name
 * is a different record. So the message is walked once more (RFC 1035 §4.1) for every owner name
 * and every name in the RDATA of the types whose RDATA dns-packet decodes as names.
 */

/**
 * The names of one resource record: its owner, and the names in its RDATA, in wire order; and
 * its TYPE value, by which the caller checks this walk met the record dns-packet decoded.
 */
export type RecordNames = { owner: string; rdata: string[]; type: number }

export type MessageNames = {
  question: string[]
  answer: RecordNames[]
  authority: RecordNames[]
  additional: RecordNames[]
  /** The offset after the last record: the message's length, if the walk read it as a whole. */
  end: number
}

/** Where in the RDATA the names are (RFC 1035 §3.3, RFC 2782, RFC 6672), by TYPE value. */
const NAME_RDATA: Record<number, 'one' | 'mx' | 'srv' | 'soa'> = {
  2: 'one', // NS
  5: 'one', // CNAME
  6: 'soa', // SOA: MNAME, RNAME
  12: 'one', // PTR
  15: 'mx', // MX: PREFERENCE, EXCHANGE
  33: 'srv', // SRV: PRIORITY, WEIGHT, PORT, TARGET
  39: 'one', // DNAME
}

/**
 * Every name of a message dns-packet has already decoded (so the counts and lengths hold).
 * Throws `DnsQueryError` malformed_reply if a name cannot be read after all.
 */
export function messageNames(msg: Uint8Array): MessageNames {
  const view = new DataView(msg.buffer, msg.byteOffset, msg.byteLength)
  const u16 = (at: number) => {
    if (at + 2 > msg.length) throw malformedReply('the message ends inside a record')
    return view.getUint16(at)
  }
  let offset = 12
  const question: string[] = []
  for (let i = u16(4); i > 0; i--) {
    const q = readName(msg, offset)
    question.push(q.text)
    offset = q.end + 4
  }
  const section = (count: number): RecordNames[] => {
    const records: RecordNames[] = []
    for (let i = 0; i < count; i++) {
      const owner = readName(msg, offset)
      const type = u16(owner.end)
      const rdlength = u16(owner.end + 8)
      const rdata = owner.end + 10
      offset = rdata + rdlength
      if (offset > msg.length) throw malformedReply('a record runs past the end of the message')
      records.push({ owner: owner.text, rdata: rdataNames(msg, type, rdata), type })
    }
    return records
  }
  const answer = section(u16(6))
  const authority = section(u16(8))
  const additional = section(u16(10))
  return { question, answer, authority, additional, end: offset }
}

function rdataNames(msg: Uint8Array, type: number, rdata: number): string[] {
  switch (NAME_RDATA[type]) {
    case 'one':
      return [readName(msg, rdata).text]
    case 'mx':
      return [readName(msg, rdata + 2).text]
    case 'srv':
      return [readName(msg, rdata + 6).text]
    case 'soa': {
      const mname = readName(msg, rdata)
      return [mname.text, readName(msg, mname.end).text]
    }
    default:
      return []
  }
}

/**
 * Reads the name at `offset` (RFC 1035 §4.1.4 compression: a pointer must point before the name
 * or label it stands in, as dns-packet and BIND require, so it cannot loop). Returns the name in
 * presentation form and the offset after it in place.
 */
export function readName(msg: Uint8Array, offset: number): { text: string; end: number } {
  const labels: string[] = []
  let at = offset
  let end: number | undefined
  let floor = offset
  let length = 0
  for (;;) {
    const len = msg[at]
    if (len === undefined) throw malformedReply('a name runs past the end of the message')
    if (len === 0) {
      end ??= at + 1
      break
    }
    if ((len & 0xc0) === 0xc0) {
      const low = msg[at + 1]
      if (low === undefined) throw malformedReply('a name runs past the end of the message')
      const target = ((len & 0x3f) << 8) | low
      if (target >= floor) throw malformedReply('a compression pointer points forward')
      end ??= at + 2
      at = target
      floor = target
      continue
    }
    if ((len & 0xc0) !== 0)
      throw malformedReply(`a label has the reserved type bits 0x${len.toString(16)}`)
    if (at + 1 + len > msg.length) throw malformedReply('a label runs past the end of the message')
    length += len + 1
    if (length > 254) throw malformedReply('a name is longer than 255 octets')
    labels.push(escapeLabel(msg.subarray(at + 1, at + 1 + len)))
    at += 1 + len
  }
  return { text: labels.length === 0 ? '.' : `${labels.join('.')}.`, end }
}

/**
 * A label as dig prints it (BIND lib/dns/name.c, dns_name_totext): `" ( ) . ; \ @ $` behind a
 * backslash, other bytes from 0x21 to 0x7e as they are, everything else (space, controls, bytes
 * of UTF-8 text) as \DDD in decimal. A label of a name is bytes, not text (RFC 2181 §11).
 */
export function escapeLabel(bytes: Uint8Array): string {
  let out = ''
  for (const b of bytes) {
    if (SPECIAL.has(b)) out += `\\${String.fromCharCode(b)}`
    else if (b > 0x20 && b < 0x7f) out += String.fromCharCode(b)
    else out += `\\${b.toString().padStart(3, '0')}`
  }
  return out
}

const SPECIAL = new Set([0x22, 0x28, 0x29, 0x2e, 0x3b, 0x5c, 0x40, 0x24])
