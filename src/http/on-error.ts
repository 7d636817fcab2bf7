import type { ErrorHandler, NotFoundHandler } from 'hono'
import { HTTPException } from 'hono/http-exception'
import type { AppEnv } from '../env'
import { domainProblem } from './domain-errors'
import { ProblemError, problem } from './problem'

/** The one error handler: known errors become their problem, anything else a logged 500. */
export const onError: ErrorHandler<AppEnv> = (err, c) => {
  if (err instanceof ProblemError) return problem(c, err.problem)
  const known = domainProblem(err)
  if (known) return problem(c, known)
  if (err instanceof HTTPException) {
    // Hono raises these for body limits and malformed JSON bodies.
    return problem(c, {
      type: 'about:blank',
      title: err.message || 'Error',
      status: err.status,
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
