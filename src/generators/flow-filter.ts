import { z } from 'zod'
import {
  filterName,
  MATCHES,
  outOfRange,
  PRIMITIVE_TYPES,
  parserRejects,
  surprise,
  TYPES,
  tableWidth,
} from './flow-filter-syntax'
import { defineGenerator } from './generator'

/*
 * flow-nfilter filter.cfg (flow-tools 0.68.5) from a JSON description. Every line is
 * variable-expanded by flow-nfilter before parsing (`@NAME`), split on blanks, and `#` only
 * comments at the start of a line, so values are allow-listed per primitive type: no `@`, `#`,
 * blanks inside a value (except the documented two-word forms), or control characters.
 * From an nfdump-style expression instead: the `flow-filter-expression` generator.
 */

// The flow analyzer's bound on the table writes of one primitive (MAX_TABLE_WORK in
// src/flows/filter/config-parser.ts): sixteen full port tables.
const MAX_TABLE_VALUES = 16 * 65536

const primitive = z.strictObject({
  name: filterName,
  type: z.enum(PRIMITIVE_TYPES),
  rules: z
    .array(z.strictObject({ action: z.enum(['permit', 'deny']), value: z.string().max(200) }))
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

const definition = z.strictObject({
  name: filterName,
  invert: z.boolean().default(false),
  groups: z
    .array(
      z
        .array(
          z.strictObject({
            match: z.enum(Object.keys(MATCHES) as [string, ...string[]]),
            primitive: filterName,
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
        if (bad) {
          ctx.addIssue({ code: 'custom', path, message: bad })
          return
        }
        const refused = parserRejects(r.value, p.type)
        if (refused) {
          ctx.addIssue({ code: 'custom', path, message: `flow-nfilter cannot read it: ${refused}` })
          return
        }
        const odd = surprise(r.value, p.type)
        if (odd) ctx.addIssue({ code: 'custom', path, message: odd })
      })
      const values = p.rules.reduce((n, r) => n + tableWidth(r.value, p.type), 0)
      if (values > MAX_TABLE_VALUES) {
        ctx.addIssue({
          code: 'custom',
          path: ['primitives', i, 'rules'],
          message: `lists ${values} values in all; the flow analyzer (POST /flows/*) takes at most ${MAX_TABLE_VALUES} per primitive`,
        })
      }
      if (p.mask !== undefined && p.type !== 'ip-tos' && p.type !== 'ip-tcp-flags') {
        ctx.addIssue({
          code: 'custom',
          path: ['primitives', i, 'mask'],
          message: 'mask applies to ip-tos and ip-tcp-flags only',
        })
      } else if (p.mask !== undefined) {
        const mask = p.mask
        p.rules.forEach((r, j) => {
          const dead = maskedOut(r.value, mask)
          if (dead)
            ctx.addIssue({
              code: 'custom',
              path: ['primitives', i, 'rules', j, 'value'],
              message: `${dead} has bits outside mask 0x${mask.toString(16)}: flow-nfilter looks up value & mask, so it never matches`,
            })
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

/**
 * The first list entry of an ip-tos / ip-tcp-flags value that no flow can match under `mask`
 * (every number in it has a bit the mask clears, flow-tools.md §5.3 `table[field & mask]`), or
 * undefined. Only plain numbers are judged; the parser has already read the value.
 */
function maskedOut(value: string, mask: number): string | undefined {
  return value.split(',').find((part) => {
    const [lo = '', hi = lo] = part.split('-')
    if (!/^\d+$/.test(lo) || !/^\d+$/.test(hi)) return false
    for (let v = Number(lo); v <= Number(hi); v++) if ((v & ~mask) === 0) return false
    return true
  })
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
