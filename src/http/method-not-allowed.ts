/**
 * The methods the app answers on a path, for a 405 with `Allow` instead of a bare 404 when only
 * the method is wrong (GET /flows/print). Hono's route list holds middleware too (method ALL):
 * those are not answers.
 */
export function allowedMethods(
  routes: readonly { path: string; method: string }[],
  path: string,
): string[] {
  const allowed = new Set<string>()
  for (const r of routes) {
    if (r.method === 'ALL') continue
    if (patternOf(r.path).test(path)) allowed.add(r.method)
  }
  // Hono answers HEAD with the GET route.
  if (allowed.has('GET')) allowed.add('HEAD')
  return [...allowed].sort()
}

const patterns = new Map<string, RegExp>()

/** A Hono route path as a regular expression: `:name` (with or without `{...}`) is one segment. */
function patternOf(path: string): RegExp {
  let re = patterns.get(path)
  if (!re) {
    const body = path
      .split('/')
      .map((seg) =>
        seg === '*'
          ? '.*'
          : seg.startsWith(':')
            ? '[^/]+'
            : seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'),
      )
      .join('/')
    // Exact, as Hono routes: /flows/print/ is another path (404), and must not get an Allow
    // that then 404s.
    re = new RegExp(`^${body}$`)
    patterns.set(path, re)
  }
  return re
}
