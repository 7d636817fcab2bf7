/** An OpenAPI document's paths: method → operation, as far as naming needs. */
type Paths = Record<string, object | undefined>

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']

const pascal = (word: string): string =>
  word
    .split(/[^A-Za-z0-9]+/)
    .filter((w) => w !== '')
    .map((w) => w[0]?.toUpperCase() + w.slice(1))
    .join('')

/**
 * The operationId an operation gets when its route names none: the method, then each path
 * segment in PascalCase, a parameter as `By` and its name (GET /checks/{id}/graph.svg →
 * getChecksByIdGraphSvg). Derived, so every route has one that client generators can use and a
 * new route cannot forget; stable while the path and method are.
 */
export function operationIdFor(method: string, path: string): string {
  const segments = path
    .split('/')
    .filter((s) => s !== '')
    .map((s) => (s.startsWith('{') && s.endsWith('}') ? `By${pascal(s.slice(1, -1))}` : pascal(s)))
  return method.toLowerCase() + segments.join('')
}

/**
 * Gives every operation of `doc` without an operationId the derived one. Throws if two
 * operations end up with the same id (the spec requires them unique), naming both.
 */
export function withOperationIds<T extends { paths?: Paths }>(doc: T): T {
  const seen = new Map<string, string>()
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const method of METHODS) {
      const op = (item as Record<string, { operationId?: string } | undefined> | undefined)?.[
        method
      ]
      if (!op) continue
      op.operationId ??= operationIdFor(method, path)
      const where = `${method.toUpperCase()} ${path}`
      const other = seen.get(op.operationId)
      if (other) throw new Error(`operationId ${op.operationId} of ${where} is also ${other}'s`)
      seen.set(op.operationId, where)
    }
  }
  return doc
}
