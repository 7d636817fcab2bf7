/** The record types a lookup accepts (dns-packet has codecs for all of them). */
export const RECORD_TYPES = [
  'A',
  'AAAA',
  'CNAME',
  'MX',
  'NS',
  'TXT',
  'SOA',
  'PTR',
  'SRV',
  'CAA',
] as const

export type RecordType = (typeof RECORD_TYPES)[number]

export function isRecordType(value: string): value is RecordType {
  return (RECORD_TYPES as readonly string[]).includes(value)
}

/**
 * Parses `A,AAAA` (case-insensitive, duplicates dropped, order kept).
 * Returns the unknown names instead of throwing so the caller can word the error.
 */
export function parseTypeList(text: string): { types: RecordType[]; unknown: string[] } {
  const types: RecordType[] = []
  const unknown: string[] = []
  for (const raw of text.split(',')) {
    const t = raw.trim().toUpperCase()
    if (t === '') continue
    if (isRecordType(t)) {
      if (!types.includes(t)) types.push(t)
    } else unknown.push(raw.trim())
  }
  return { types, unknown }
}
