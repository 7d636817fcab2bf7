import { z } from 'zod'
import { defineGenerator } from './generator'

/*
 * flow-nfilter filter.cfg (flow-tools 0.68.5) from a JSON description. Every line is
 * variable-expanded by flow-nfilter before parsing (`@NAME`), split on blanks, and `#` only
 * comments at the start of a line, so values are allow-listed per primitive type: no `@`, `#`,
 * blanks inside a value (except the documented two-word forms), or control characters.
 * An nfdump-style expression input will reuse the flow analyzer's parser (src/flows/filter) once
 * it lands; until then only the JSON description is accepted.
 */

const NAME = /^[A-Za-z0-9_-]{1,64}$/
const name = z.string().regex(NAME, 'must be 1-64 letters, digits, _ or -')

const DOTTED = String.raw`(?:\d{1,3}\.){3}\d{1,3}`
const LIST = (max: number, names: boolean) => ({
  re: new RegExp(
    String.raw`^(?:\d+(?:-\d+)?${names ? '|[a-z][a-z0-9-]*' : ''})(?:,(?:\d+(?:-\d+)?${names ? '|[a-z][a-z0-9-]*' : ''}))*$`,
  ),
  max,
})
const OP = '(?:lt|gt|eq|ne|le|ge)'

// Value syntax per primitive type (flow-tools reference §5.3). `max` bounds table indexes.
const TYPES: Record<string, { re: RegExp; max?: number; hint: string }> = {
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
const PRIMITIVE_TYPES = Object.keys(TYPES) as [string, ...string[]]

const ADDR = ['ip-address', 'ip-address-mask', 'ip-address-prefix']
// Match types and the primitive types they accept (reference §5.4).
const MATCHES: Record<string, string[]> = {
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

const primitive = z.object({
  name,
  type: z.enum(PRIMITIVE_TYPES),
  rules: z
    .array(z.object({ action: z.enum(['permit', 'deny']), value: z.string().max(200) }))
    .min(1)
    .max(500)
    .describe(
      'permit/deny lines; tables: last listing wins; counters, masks, times: first match wins',
    ),
  default: z
    .enum(['permit', 'deny'])
    .optional()
    .describe('Action for unlisted values (flow-nfilter: deny)'),
  mask: z.number().int().min(0).max(255).optional().describe('ip-tos / ip-tcp-flags only'),
})

const definition = z.object({
  name,
  invert: z.boolean().default(false),
  groups: z
    .array(
      z
        .array(
          z.object({
            match: z.enum(Object.keys(MATCHES) as [string, ...string[]]),
            primitive: name,
          }),
        )
        .min(1)
        .max(50),
    )
    .min(1)
    .max(50)
    .describe('Groups are ORed; the matches inside a group are ANDed'),
})

const schema = z
  .object({
    primitives: z.array(primitive).min(1).max(200),
    definitions: z.array(definition).min(1).max(100),
  })
  .superRefine((f, ctx) => {
    const types = new Map<string, string>()
    f.primitives.forEach((p, i) => {
      const key = p.name.toLowerCase() // names are case-insensitive (§5.1)
      if (types.has(key))
        ctx.addIssue({
          code: 'custom',
          path: ['primitives', i, 'name'],
          message: 'duplicate primitive name',
        })
      types.set(key, p.type)
      const syntax = TYPES[p.type]
      p.rules.forEach((r, j) => {
        const path = ['primitives', i, 'rules', j, 'value']
        if (!syntax?.re.test(r.value)) {
          ctx.addIssue({
            code: 'custom',
            path,
            message: `must be ${syntax?.hint ?? 'valid'} for type ${p.type}`,
          })
          return
        }
        const bad = outOfRange(r.value, p.type, syntax.max)
        if (bad) ctx.addIssue({ code: 'custom', path, message: bad })
      })
      if (p.mask !== undefined && p.type !== 'ip-tos' && p.type !== 'ip-tcp-flags') {
        ctx.addIssue({
          code: 'custom',
          path: ['primitives', i, 'mask'],
          message: 'mask applies to ip-tos and ip-tcp-flags only',
        })
      }
    })
    const defs = new Set<string>()
    f.definitions.forEach((d, i) => {
      if (defs.has(d.name.toLowerCase()))
        ctx.addIssue({
          code: 'custom',
          path: ['definitions', i, 'name'],
          message: 'duplicate definition name',
        })
      defs.add(d.name.toLowerCase())
      d.groups.forEach((g, j) => {
        g.forEach((m, k) => {
          const path = ['definitions', i, 'groups', j, k, 'primitive']
          const type = types.get(m.primitive.toLowerCase())
          if (type === undefined)
            ctx.addIssue({ code: 'custom', path, message: `no primitive named ${m.primitive}` })
          else if (!MATCHES[m.match]?.includes(type))
            ctx.addIssue({
              code: 'custom',
              path,
              message: `match ${m.match} cannot use a ${type} primitive`,
            })
        })
      })
    })
  })

function outOfRange(value: string, type: string, max: number | undefined): string | null {
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

/** flow-nfilter filter.cfg text: primitives first, then definitions. */
export const flowFilter = defineGenerator({
  kind: 'flow-filter',
  title: 'flow-nfilter filter.cfg',
  purpose:
    'Save as filter.cfg; use with: flow-cat FILES | flow-nfilter -f filter.cfg -F DEFINITION | flow-print',
  comment: '#',
  filename: 'filter.cfg',
  schema,
  render(f) {
    const out: string[] = []
    for (const p of f.primitives) {
      out.push(`filter-primitive ${p.name}`, `  type ${p.type}`)
      if (p.mask !== undefined) out.push(`  mask 0x${p.mask.toString(16)}`)
      for (const r of p.rules) out.push(`  ${r.action} ${r.value}`)
      if (p.default) out.push(`  default ${p.default}`)
      out.push('')
    }
    for (const d of f.definitions) {
      out.push(`filter-definition ${d.name}`)
      if (d.invert) out.push('  invert')
      d.groups.forEach((g, j) => {
        if (j > 0) out.push('  or')
        for (const m of g) out.push(`  match ${m.match} ${m.primitive}`)
      })
      out.push('')
    }
    return out.join('\n').trimEnd()
  },
})
