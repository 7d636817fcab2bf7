import { escapeCharacterString, type TxtPart } from './character-string'
import { ednsLines } from './edns'
import type { DnsRecord, RecordData } from './message'
import type { DnsResult } from './resolve'

/**
 * dig's column rule (lib/dns/masterdump.c): after each field, pad to the next target column
 * (owner → 24, TTL → 32, class → 40, type → 48) with TABs of 8 columns; if the text already
 * reaches the target, one space instead. Columns are visual, so TABs are expanded when counting.
 */
function columns(fields: readonly string[], targets: readonly number[]): string {
  let out = ''
  let col = 0
  fields.forEach((field, i) => {
    out += field
    col += field.length
    const target = targets[i]
    if (target === undefined) return
    if (col >= target) {
      out += ' '
      col += 1
      return
    }
    while (col < target) {
      out += '\t'
      col = (Math.floor(col / 8) + 1) * 8
    }
  })
  return out
}

/** One record as dig prints it: `www.example.test.\t300\tIN\tCNAME\twww.l.example.test.` */
export function formatRecord(r: DnsRecord): string {
  return columns([r.name, String(r.ttl), r.class, r.type, formatData(r.data)], [24, 32, 40, 48])
}

/** The question line: `;www.example.test.\t\tIN\tAAAA` (the name is counted without the `;`). */
export function formatQuestion(q: DnsResult['question']): string {
  return `;${columns([q.name, q.class, q.type], [32, 40])}`
}

/** RDATA in presentation format (RFC 1035 §5.1). */
export function formatData(data: RecordData): string {
  if (typeof data === 'string') return data
  if (Array.isArray(data)) return data.map(quoteString).join(' ')
  if ('exchange' in data) return `${data.preference} ${data.exchange}`
  if ('target' in data) return `${data.priority} ${data.weight} ${data.port} ${data.target}`
  if ('mname' in data) {
    return `${data.mname} ${data.rname} ${data.serial} ${data.refresh} ${data.retry} ${data.expire} ${data.minimum}`
  }
  if ('tag' in data) return `${data.flags} ${data.tag} ${quoteString(data.value)}`
  // RFC 3597 §5 generic form for types we have no codec for.
  return `\\# ${data.hex.length / 2} ${data.hex}`.trimEnd()
}

/**
 * A character-string, quoted and escaped as dig does (`"`, `\` escaped; non-printables \DDD).
 * Text is escaped from its UTF-8 bytes; a part that was not UTF-8 already holds the escapes.
 */
function quoteString(part: TxtPart): string {
  if (typeof part !== 'string') return `"${part.escaped}"`
  return `"${escapeCharacterString(new TextEncoder().encode(part))}"`
}

function flagList(r: DnsResult): string {
  const f = r.flags
  const names: string[] = ['qr']
  if (f.aa) names.push('aa')
  if (f.tc) names.push('tc')
  if (f.rd) names.push('rd')
  if (f.ra) names.push('ra')
  if (f.ad) names.push('ad')
  if (f.cd) names.push('cd')
  return names.join(' ')
}

/**
 * `dig +short`: the data of every answer record, one per line, CNAMEs included (dig prints the
 * chain's targets too); nothing for an empty answer (NXDOMAIN, NODATA), as dig prints nothing.
 */
export function formatShort(result: DnsResult): string {
  return result.answer.map((r) => `${formatData(r.data)}\n`).join('')
}

/**
 * A dig-like report of one result: header, question, answer, authority and additional sections,
 * then the timing and the resolver. The section lines are byte for byte what dig prints.
 */
export function formatDig(result: DnsResult, resolver: string): string {
  const lines = [
    `;; ->>HEADER<<- opcode: QUERY, status: ${result.rcode}, id: 0`,
    // dig counts the OPT pseudo-record in ADDITIONAL and shows it apart.
    `;; flags: ${flagList(result)}; QUERY: 1, ANSWER: ${result.answer.length}, AUTHORITY: ${result.authority.length}, ADDITIONAL: ${result.additional.length + (result.edns ? 1 : 0)}`,
    '',
    ...(result.edns ? [';; OPT PSEUDOSECTION:', ...ednsLines(result.edns)] : []),
    ';; QUESTION SECTION:',
    formatQuestion(result.question),
  ]
  const sections: [string, DnsRecord[]][] = [
    ['ANSWER', result.answer],
    ['AUTHORITY', result.authority],
    ['ADDITIONAL', result.additional],
  ]
  for (const [title, records] of sections) {
    if (records.length === 0) continue
    lines.push('', `;; ${title} SECTION:`, ...records.map(formatRecord))
  }
  lines.push('', `;; Query time: ${result.elapsedMs} msec`, `;; SERVER: ${resolver}`, '')
  return lines.join('\n')
}
