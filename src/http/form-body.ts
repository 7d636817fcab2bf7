import type { Context } from 'hono'
import type { BodyData } from 'hono/utils/body'
import { ProblemError } from './problem'

/**
 * A dashboard form's fields. A body that does not parse as the form its Content-Type says (a
 * multipart type without a boundary, a cut multipart body, a form in another charset than
 * UTF-8) is the client's fault: a 400 naming why, never the 500 Hono's parser error would be.
 */
export async function readForm(c: Context): Promise<BodyData> {
  try {
    return await c.req.parseBody()
  } catch (err) {
    throw new ProblemError({
      type: '/problems/malformed-form',
      title: 'Malformed form body',
      status: 400,
      detail: `the body does not parse as a form (${err instanceof Error ? err.message : String(err)}): send the dashboard's form as the browser posts it, multipart/form-data with its boundary or UTF-8 application/x-www-form-urlencoded`,
    })
  }
}
