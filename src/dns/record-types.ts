import { DnsParamError } from './errors'

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

/** One `type` value holds at most every type name and comma: 100 characters is plenty. */
export const MAX_TYPE_TEXT = 100

/**
 * The record types a request asks for: `type` as given once (`A,MX`), repeated (`type=A&type=MX`)
 * or as a JSON array, all read as one list; absent → the default. Refusals never echo more than
 * a short prefix of what was sent.
 *
 * @example typesFromParam(['A', 'mx,A'], 'example.test') // ['A', 'MX']
 */
export function typesFromParam(
  param: string | string[] | undefined,
  defaultTypes: () => RecordType[],
): RecordType[] {
  if (param === undefined) return defaultTypes()
  const values = Array.isArray(param) ? param : [param]
  const long = values.find((v) => v.length > MAX_TYPE_TEXT)
  if (long !== undefined) {
    throw new DnsParamError(
      'type_too_long',
      'type',
      `type is ${long.length} characters long; at most ${MAX_TYPE_TEXT} are allowed (e.g. A,AAAA,MX)`,
      `at most ${MAX_TYPE_TEXT} characters`,
    )
  }
  const { types, unknown } = parseTypeList(values.join(','))
  if (types.length === 0 && unknown.length === 0) {
    // A present but empty type is more likely a form or script bug than a wish for the default.
    throw new DnsParamError(
      'empty_type',
      'type',
      'type is empty: leave it out for the default (A,AAAA; PTR for an IP address) or name types, e.g. A,MX',
      'empty',
    )
  }
  if (unknown.length > 0) {
    const named = unknown.slice(0, 5).map((u) => `'${shorten(u)}'`)
    if (unknown.length > 5) named.push(`and ${unknown.length - 5} more`)
    throw new DnsParamError(
      'unknown_type',
      'type',
      `unknown record type ${named.join(', ')}; use ${RECORD_TYPES.join(', ')} (HTTPS/SVCB are not supported)`,
      `unknown type: ${named.join(', ')}`,
    )
  }
  return types
}

function shorten(text: string): string {
  return text.length > 20 ? `${text.slice(0, 20)}…` : text
}
