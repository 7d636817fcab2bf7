import type { Context } from 'hono'

/**
 * Text or JSON: an explicit `format` wins; otherwise `Accept: text/plain` before JSON asks for
 * text. `textNames` are the format values meaning text (`dig`, `text`).
 */
export function wantsText(
  c: Context,
  format: string | undefined,
  textNames: readonly string[],
): boolean {
  if (format !== undefined) return textNames.includes(format)
  const accept = c.req.header('accept') ?? ''
  const text = accept.indexOf('text/plain')
  const json = accept.indexOf('application/json')
  return text >= 0 && (json < 0 || text < json)
}
