import type { Context, MiddlewareHandler } from 'hono'
import type { BodyData } from 'hono/utils/body'
import { bodyCap } from './body-cap'
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

/**
 * The largest dashboard form: a targets tree or a filter configuration of 256 KiB, URL-encoded
 * (up to three bytes a character), fits.
 */
export const FORM_MAX_BYTES = 1024 * 1024

/**
 * A dashboard form route takes form bodies only. Its path may be an API path too (`/targets`,
 * `/probes`, `/flows/filters`), where an API client's JSON POST got the dashboard's HTML page
 * ("Log in first"): that is a 415 problem naming the API call to use instead. hono's csrf guard
 * checks form posts only, so it let such a body through. The form is at most FORM_MAX_BYTES: it
 * is parsed before the session is checked, so an uncapped one (up to the platform's 100 MB)
 * would be parsed in memory for anyone.
 */
export function formPostOnly(api: string): MiddlewareHandler {
  const cap = bodyCap(FORM_MAX_BYTES, 'a dashboard form')
  return async (c, next) => {
    const type = c.req.header('content-type')?.split(';')[0]?.trim().toLowerCase()
    if (type === 'application/x-www-form-urlencoded' || type === 'multipart/form-data') {
      return cap(c, next)
    }
    const path = new URL(c.req.url).pathname
    throw new ProblemError({
      type: 'about:blank',
      title: 'Unsupported Media Type',
      status: 415,
      detail: `POST ${path} is the dashboard's form and takes a form body from its pages${type ? `, not ${type}` : ''}; ${api}`,
    })
  }
}
