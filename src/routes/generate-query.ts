import type { z } from 'zod'
import { invalidRequest } from '../http/problem'

/*
 * GET /generate/{kind}?... turns query parameters into the JSON the generator's schema expects:
 * numbers and booleans are converted by the field's declared type, arrays come from repeated
 * parameters or comma lists, and object-valued fields take JSON text. The schema then validates
 * the result exactly as for POST.
 */

type Def = {
  type: string
  innerType?: z.ZodType
  in?: z.ZodType
  element?: z.ZodType
  shape?: Record<string, z.ZodType>
  left?: z.ZodType
  right?: z.ZodType
  options?: z.ZodType[]
  values?: unknown[]
  getter?: () => z.ZodType
}

function def(schema: z.ZodType): Def {
  return (schema as unknown as { _zod: { def: Def } })._zod.def
}

/** Strips optional/default/pipe/lazy wrappers to the type that decides the conversion. */
function base(schema: z.ZodType): z.ZodType {
  let s = schema
  for (let i = 0; i < 10; i++) {
    const d = def(s)
    if ((d.type === 'optional' || d.type === 'default' || d.type === 'nullable') && d.innerType)
      s = d.innerType
    else if (d.type === 'pipe' && d.in) s = d.in
    else if (d.type === 'lazy' && d.getter) s = d.getter()
    else break
  }
  return s
}

/** The top-level fields of a generator schema (objects, intersections, pipes). */
export function topLevelFields(schema: z.ZodType): Record<string, z.ZodType> {
  const s = base(schema)
  const d = def(s)
  if (d.type === 'object' && d.shape) return d.shape
  if (d.type === 'intersection' && d.left && d.right) {
    return { ...topLevelFields(d.left), ...topLevelFields(d.right) }
  }
  return {}
}

function kindOf(schema: z.ZodType): string {
  const d = def(base(schema))
  if (d.type === 'union' && d.options?.every((o) => def(o).type === 'literal')) {
    const values = d.options.flatMap((o) => def(o).values ?? [])
    return values.every((v) => typeof v === 'number') ? 'number' : 'string'
  }
  return d.type
}

function convertScalar(value: string, schema: z.ZodType): unknown {
  const kind = kindOf(schema)
  if (kind === 'number') return /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value
  if (kind === 'boolean') {
    if (['true', '1', 'yes', 'on'].includes(value)) return true
    if (['false', '0', 'no', 'off'].includes(value)) return false
    return value
  }
  if (kind === 'object' || kind === 'record' || kind === 'intersection') return parseJson(value)
  return value
}

function parseJson(value: string): unknown {
  try {
    return JSON.parse(value)
  } catch {
    return value // the schema reports the wrong type with the field's name
  }
}

/** The 422 for a scalar query parameter that appears more than once. */
export function givenTwice(key: string) {
  return invalidRequest(`${key} is given once`, {
    errors: [{ path: `query.${key}`, message: `${key} is given once` }],
  })
}

/** Builds the generator's raw input from query parameters; unknown parameters are a 422. */
export function queryToInput(
  schema: z.ZodType,
  query: Record<string, string[]>,
  reserved: readonly string[],
): Record<string, unknown> {
  const fields = topLevelFields(schema)
  const out: Record<string, unknown> = {}
  for (const [key, values] of Object.entries(query)) {
    if (reserved.includes(key)) continue
    const field = fields[key]
    if (!field || !Object.hasOwn(fields, key)) {
      throw invalidRequest(
        `unknown parameter '${key}'; this generator takes: ${Object.keys(fields).join(', ')}`,
        {
          errors: [{ path: `query.${key}`, message: 'unknown parameter' }],
        },
      )
    }
    const d = def(base(field))
    if (d.type === 'array' && d.element) {
      const element = d.element
      const elementKind = kindOf(element)
      const items =
        elementKind === 'object' || elementKind === 'lazy'
          ? values.flatMap((v) => {
              const parsed = parseJson(v)
              return Array.isArray(parsed) ? parsed : [parsed]
            })
          : values
              .flatMap((v) => v.split(','))
              .filter((v) => v !== '')
              .map((v) => convertScalar(v, element))
      out[key] = items
    } else {
      // Taking the first or the last copy would hide a mistake in the URL.
      if (values.length > 1) throw givenTwice(key)
      out[key] = convertScalar(values[0] ?? '', field)
    }
  }
  return out
}
