import type { ErrorHandler, NotFoundHandler } from 'hono'
import { HTTPException } from 'hono/http-exception'
import type { AppEnv } from '../env'
import { domainProblem } from './domain-errors'
import { allowedMethods } from './method-not-allowed'
import { ProblemError, problem } from './problem'

/** The media types an operation's request body takes (from the OpenAPI document), if known. */
export type BodyMediaTypes = (method: string, path: string) => string[] | undefined

/**
 * The one error handler: known errors become their problem, anything else a logged 500.
 * `mediaTypes` lets a 415 name what the route takes instead of pointing at /docs.
 */
export const onErrorWith =
  (mediaTypes?: BodyMediaTypes): ErrorHandler<AppEnv> =>
  (err, c) =>
    handleError(err, c, mediaTypes)

export const onError: ErrorHandler<AppEnv> = onErrorWith()

function handleError(
  err: Error,
  c: Parameters<ErrorHandler<AppEnv>>[1],
  mediaTypes?: BodyMediaTypes,
) {
  if (err instanceof ProblemError) return problem(c, err.problem)
  const known = domainProblem(err)
  if (known) return problem(c, known)
  if (err instanceof HTTPException && err.status === 400 && /^Malformed JSON/.test(err.message)) {
    // zod-openapi's JSON validator: answered as the hand-read JSON bodies are (json-body.ts).
    return problem(c, {
      type: '/problems/malformed-json',
      title: 'Malformed JSON body',
      status: 400,
      detail: `the body is not JSON: ${err.message}`,
      errors: [{ path: 'json', message: 'not valid JSON' }],
    })
  }
  if (err instanceof HTTPException) {
    // Hono raises these for body limits, malformed JSON bodies and (zod-openapi) a body of a
    // media type the route does not declare.
    const type = c.req.header('content-type')
    const path = new URL(c.req.url).pathname
    const takes = err.status === 415 ? mediaTypes?.(c.req.method, path) : undefined
    const detail =
      err.status === 415
        ? type
          ? takes?.length
            ? `${c.req.method} ${path} takes ${takes.join(' or ')}, not ${type.split(';')[0]}`
            : `${c.req.method} ${path} does not take ${type.split(';')[0]}: see /docs for the media types it takes`
          : 'the body has no Content-Type: say what it is (text/plain, application/json...; curl -H "content-type: text/plain")'
        : err.status === 403 && !err.message
          ? // hono's csrf guard on the dashboard's form posts, which carries no message.
            `${c.req.method} ${new URL(c.req.url).pathname} is a dashboard form: it takes form posts from the dashboard's own pages only (Origin or Sec-Fetch-Site). API clients: the API's own paths in /docs, with the token`
          : err.message || undefined
    return problem(c, {
      type: 'about:blank',
      title:
        err.status === 415
          ? 'Unsupported Media Type'
          : err.status === 403
            ? 'Forbidden'
            : err.message || 'Error',
      status: err.status,
      ...(detail ? { detail } : {}),
    })
  }
  console.error(`[${c.get('requestId')}]`, err)
  return problem(c, { type: 'about:blank', title: 'Internal Server Error', status: 500 })
}

export const notFound: NotFoundHandler<AppEnv> = (c) =>
  problem(c, {
    type: 'about:blank',
    title: 'Not Found',
    status: 404,
    detail: `No route for ${c.req.method} ${new URL(c.req.url).pathname}; see /docs`,
  })

/**
 * 404, or 405 with `Allow` when the path exists for other methods (GET on POST /flows/print).
 * `routes` is read when a request comes, so it holds every route the app has by then.
 */
export function notFoundOrWrongMethod(
  routes: readonly { path: string; method: string }[],
): NotFoundHandler<AppEnv> {
  return (c) => {
    const path = new URL(c.req.url).pathname
    const allowed = allowedMethods(routes, path)
    if (allowed.length === 0 || allowed.includes(c.req.method)) return notFound(c)
    c.header('Allow', allowed.join(', '))
    return problem(c, {
      type: 'about:blank',
      title: 'Method Not Allowed',
      status: 405,
      detail: `${path} answers ${allowed.join(', ')}, not ${c.req.method}; see /docs`,
    })
  }
}
