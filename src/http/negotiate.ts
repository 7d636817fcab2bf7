import type { Context } from 'hono'
import { accepts } from 'hono/accepts'

/**
 * The media type of `supports` the request's `Accept` prefers, by q-value then specificity
 * (hono's accepts: `q=0` refuses a type, `*` / `*\/*` leave the choice to `fallback`).
 */
export function preferredType<T extends string>(
  c: Context,
  supports: readonly T[],
  fallback: T,
): T {
  return accepts(c, { header: 'Accept', supports: [...supports], default: fallback }) as T
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
