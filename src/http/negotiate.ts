import type { Context } from 'hono'

/**
 * The media type of `supports` the request's `Accept` prefers (RFC 9110 §12.5.1): each type gets
 * the q-value of the most specific range that names it (`text/plain` over `text/*` over `*\/*`);
 * `q=0` refuses it. The highest q wins; a tie, no `Accept` or nothing acceptable gives
 * `fallback` (lenient: an answer in the default type rather than a 406), unless `q=0` refused
 * the fallback itself: then the first supported type not refused, and only when every one is
 * refused the fallback anyway (RFC 9110 lets a server disregard Accept rather than send 406).
 */
export function preferredType<T extends string>(
  c: Context,
  supports: readonly T[],
  fallback: T,
): T {
  const header = c.req.header('accept')
  if (!header) return fallback
  const ranges = parseAccept(header)
  let best: T = fallback
  let bestQ = qualityOf(fallback, ranges)
  for (const type of supports) {
    const q = qualityOf(type, ranges)
    if (q > bestQ) {
      best = type
      bestQ = q
    }
  }
  if (bestQ > 0) return best
  if (!refuses(fallback, ranges)) return fallback
  return supports.find((type) => !refuses(type, ranges)) ?? fallback
}

/** Does the most specific range naming `type` give it q=0 (not merely leave it unnamed)? */
function refuses(type: string, ranges: readonly Range[]): boolean {
  return specificityOf(type, ranges) > 0 && qualityOf(type, ranges) === 0
}

type Range = { type: string; q: number; specificity: number }

function parseAccept(header: string): Range[] {
  const ranges: Range[] = []
  for (const item of header.split(',')) {
    const [media = '', ...params] = item.split(';').map((p) => p.trim().toLowerCase())
    if (!/^(?:[a-z0-9!#$&^_.+-]+\/(?:[a-z0-9!#$&^_.+-]+|\*)|\*\/\*|\*)$/.test(media)) continue
    const type = media === '*' ? '*/*' : media
    let q = 1
    for (const p of params) {
      const m = /^q=([01](?:\.\d{0,3})?)$/.exec(p)
      if (m) q = Math.min(1, Number(m[1]))
    }
    const specificity = type === '*/*' ? 1 : type.endsWith('/*') ? 2 : 3
    ranges.push({ type, q, specificity })
  }
  return ranges
}

/** The q-value of the most specific range naming `type`; 0 when none does. */
function qualityOf(type: string, ranges: readonly Range[]): number {
  return mostSpecific(type, ranges)?.q ?? 0
}

/** How specific the range naming `type` is (3 exact, 2 `text/*`, 1 `*\/*`); 0: none names it. */
function specificityOf(type: string, ranges: readonly Range[]): number {
  return mostSpecific(type, ranges)?.specificity ?? 0
}

function mostSpecific(type: string, ranges: readonly Range[]): Range | undefined {
  const [main] = type.split('/')
  let best: Range | undefined
  for (const r of ranges) {
    const names =
      r.type === type || r.type === '*/*' || (r.type.endsWith('/*') && r.type === `${main}/*`)
    if (names && r.specificity > (best?.specificity ?? 0)) best = r
  }
  return best
}

/**
 * Text or JSON: an explicit `format` wins; otherwise JSON unless `Accept` prefers text/plain
 * (`text/plain;q=0.9, application/json;q=0.1` asks for text). `textNames` are the format values
 * meaning text (`dig`, `text`).
 */
export function wantsText(
  c: Context,
  format: string | undefined,
  textNames: readonly string[],
): boolean {
  if (format !== undefined) return textNames.includes(format)
  return preferredType(c, ['application/json', 'text/plain'], 'application/json') === 'text/plain'
}
