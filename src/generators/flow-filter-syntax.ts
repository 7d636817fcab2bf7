import { z } from 'zod'
import { PRIMITIVE_TYPES as PARSER_TYPES, type PrimitiveType } from '../flows/filter/ast'
import type { Word } from '../flows/filter/config-lexer'
import { parseRule } from '../flows/filter/primitive-rules'

/*
 * What flow-nfilter (flow-tools 0.68.5) accepts: the value syntax of each primitive type and the
 * primitive types each match accepts (reference: flow-tools.md §5.3, §5.4).
 */
export const NAME = /^[A-Za-z0-9_-]{1,64}$/
export const filterName = z.string().regex(NAME, 'must be 1-64 letters, digits, _ or -')

const DOTTED = String.raw`(?:\d{1,3}\.){3}\d{1,3}`
const LIST = (max: number, names: boolean) => ({
  re: new RegExp(
    String.raw`^(?:\d+(?:-\d+)?${names ? '|[a-z][a-z0-9-]*' : ''})(?:,(?:\d+(?:-\d+)?${names ? '|[a-z][a-z0-9-]*' : ''}))*$`,
  ),
  max,
})
const OP = '(?:lt|gt|eq|ne|le|ge)'

// Value syntax per primitive type (flow-tools reference §5.3). `max` bounds table indexes.
export const TYPES: Record<string, { re: RegExp; max?: number; hint: string }> = {
  'ip-address': { re: new RegExp(`^${DOTTED}$`), hint: 'an IPv4 address' },
  'ip-address-mask': {
    re: new RegExp(`^${DOTTED} ${DOTTED}$`),
    hint: "'ADDRESS MASK', both dotted quads",
  },
  'ip-address-prefix': {
    re: new RegExp(`^${DOTTED}/\\d{1,2}$`),
    hint: 'an IPv4 prefix a.b.c.d/len',
  },
  'ip-address-prefix-len': { ...LIST(32, false), hint: 'numbers/ranges 0-32, comma-separated' },
  'ip-protocol': { ...LIST(255, true), hint: 'protocol numbers/ranges or names (tcp,udp)' },
  'ip-port': {
    ...LIST(65535, true),
    hint: 'port numbers/ranges or service names (22,53,6000-7000,ssh)',
  },
  'ip-tos': { ...LIST(255, false), hint: 'numbers/ranges 0-255' },
  'ip-tcp-flags': { ...LIST(255, false), hint: 'numbers/ranges 0-255' },
  ifindex: { ...LIST(65535, false), hint: 'numbers/ranges 0-65535' },
  engine: { ...LIST(255, false), hint: 'numbers/ranges 0-255' },
  as: { ...LIST(65535, false), hint: 'AS numbers/ranges 0-65535' },
  tag: { re: /^\d{1,10}$/, hint: 'a tag number' },
  'tag-mask': { re: /^\d{1,10} \d{1,10}$/, hint: "'TAG MASK'" },
  counter: { re: new RegExp(`^${OP} \\d{1,10}$`), hint: "'OP N', OP one of lt gt eq ne le ge" },
  double: { re: new RegExp(`^${OP} \\d{1,12}(?:\\.\\d{1,6})?$`), hint: "'OP number'" },
  time: { re: new RegExp(`^${OP} \\d{1,2}(?::\\d{2}){0,2}$`), hint: "'OP H[:M[:S]]'" },
  'time-date': {
    re: new RegExp(`^${OP} \\d{4}-\\d{2}-\\d{2}(?: \\d{2}:\\d{2}:\\d{2})?$`),
    hint: "'OP YYYY-MM-DD[ HH:MM:SS]' (local time)",
  },
  rate: { re: /^\d{1,9}$/, hint: 'N: pass one flow in N' },
}
export const PRIMITIVE_TYPES = Object.keys(TYPES) as [string, ...string[]]

const ADDR = ['ip-address', 'ip-address-mask', 'ip-address-prefix']
// Match types and the primitive types they accept (reference §5.4).
export const MATCHES: Record<string, string[]> = {
  'ip-source-address': ADDR,
  'ip-destination-address': ADDR,
  'ip-exporter-address': ADDR,
  'ip-nexthop-address': ADDR,
  'ip-source-address-prefix-len': ['ip-address-prefix-len'],
  'ip-destination-address-prefix-len': ['ip-address-prefix-len'],
  'ip-protocol': ['ip-protocol'],
  'ip-source-port': ['ip-port'],
  'ip-destination-port': ['ip-port'],
  'ip-tos': ['ip-tos'],
  'ip-tcp-flags': ['ip-tcp-flags'],
  'input-interface': ['ifindex'],
  'output-interface': ['ifindex'],
  'source-as': ['as'],
  'destination-as': ['as'],
  'engine-id': ['engine'],
  'engine-type': ['engine'],
  'start-time': ['time', 'time-date'],
  'end-time': ['time', 'time-date'],
  octets: ['counter'],
  packets: ['counter'],
  duration: ['counter'],
  pps: ['double'],
  bps: ['double'],
  'source-tag': ['tag', 'tag-mask'],
  'destination-tag': ['tag', 'tag-mask'],
  'random-sample': ['rate'],
}

/** A range problem the syntax regex cannot see (octets, prefix lengths, table sizes), or null. */
export function outOfRange(value: string, type: string, max: number | undefined): string | null {
  if (type.startsWith('ip-address')) {
    const octets = value.split(/[ /]/)[0]?.split('.').map(Number) ?? []
    const mask = value.includes(' ') ? (value.split(' ')[1]?.split('.').map(Number) ?? []) : []
    if ([...octets, ...mask].some((o) => o > 255)) return 'octets must be 0-255'
    const len = value.includes('/') ? Number(value.split('/')[1]) : 0
    if (len > 32) return 'prefix length must be 0-32'
    return null
  }
  if (max === undefined) return null
  const numbers = value
    .split(/[,-]/)
    .filter((p) => /^\d+$/.test(p))
    .map(Number)
  return numbers.some((n) => n > max) ? `values must be 0-${max}` : null
}

// Types whose numbers flow-nfilter reads with strtoul(…, 0), where a leading 0 means octal.
const STRTOUL_TYPES: ReadonlySet<string> = new Set([
  'ip-address-prefix-len',
  'ip-protocol',
  'ip-port',
  'ip-tos',
  'ip-tcp-flags',
  'ifindex',
  'engine',
  'as',
  'tag',
  'tag-mask',
  'counter',
  'rate',
])

function quadBits(quad: string): number {
  return quad.split('.').reduce((n, o) => n * 256 + Number(o), 0)
}

function quadOf(n: number): string {
  return [24, 16, 8, 0].map((s) => (n >>> s) & 255).join('.')
}

/**
 * A value flow-nfilter reads, but not as a reader of the JSON would (flow-tools.md §5.3, quirks 4
 * and 5), or null: `022` is octal 18; `10.1.2.3/8` keeps its host bits and matches 10.1.2.3 only;
 * `192.0.2.1 255.255.255.0` tests `(ip & MASK) == ADDR` and matches nothing, as does a tag-mask
 * whose tag has bits outside the mask.
 */
export function surprise(value: string, type: string): string | null {
  if (STRTOUL_TYPES.has(type)) {
    const octal = /(?:^|[^\d.])(0\d+)/.exec(value)?.[1]
    if (octal) {
      return `"${octal}": flow-nfilter reads a number with a leading 0 as octal (${octal} = ${Number.parseInt(octal, 8)}); write it without leading zeros`
    }
  }
  if (type === 'ip-address-prefix') {
    const [addr = '', lenText = ''] = value.split('/')
    const len = Number(lenText)
    const mask = len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0
    const bits = quadBits(addr)
    if ((bits & ~mask) >>> 0 !== 0) {
      return `host bits are set after /${len}: flow-nfilter keeps them and matches ${addr} only; the network is ${quadOf((bits & mask) >>> 0)}/${len} (or use type ip-address for one host)`
    }
  }
  if (type === 'ip-address-mask' || type === 'tag-mask') {
    const [v = '', m = ''] = value.split(' ')
    const [bits, mask] =
      type === 'ip-address-mask' ? [quadBits(v), quadBits(m)] : [Number(v), Number(m)]
    if ((bits & ~mask) >>> 0 !== 0) {
      const fixed = (bits & mask) >>> 0
      return `matches nothing: ${v} has bits outside the mask ${m} (flow-nfilter tests value & MASK == ${v}); use ${type === 'ip-address-mask' ? quadOf(fixed) : fixed} ${m}`
    }
  }
  return null
}

/**
 * How many table entries a list value writes (`0-65535` is 65536, a name 1), as the flow
 * analyzer counts them; 0 for the types that are not tables.
 */
export function tableWidth(value: string, type: string): number {
  if (TYPES[type]?.max === undefined) return 0
  return value.split(',').reduce((n, part) => {
    const [lo = '', hi = lo] = part.split('-')
    return n + (/^\d+$/.test(lo) && /^\d+$/.test(hi) ? Number(hi) - Number(lo) + 1 : 1)
  }, 0)
}

/**
 * The flow analyzer's own reading of a `permit`/`deny` value (the function its filter.cfg parser
 * calls), so the generator never writes a line POST /flows/* would refuse: service and protocol
 * names, empty ranges, clock times, calendar dates, 32-bit tags, rate 0. The message, or null.
 */
export function parserRejects(value: string, type: string): string | null {
  if (!(PARSER_TYPES as readonly string[]).includes(type)) return `unknown type ${type}`
  const words: Word[] = []
  for (const m of value.matchAll(/\S+/g)) {
    words.push({ text: m[0], loc: { start: m.index, end: m.index + m[0].length } })
  }
  if (words.length === 0) return 'is empty'
  try {
    parseRule(type as PrimitiveType, 'permit', words, value, {
      fail: (_code, message) => {
        throw new RuleValueError(message)
      },
      warn: () => {},
    })
    return null
  } catch (err) {
    if (err instanceof RuleValueError) return err.message
    throw err
  }
}

class RuleValueError extends Error {
  override name = 'RuleValueError'
}
