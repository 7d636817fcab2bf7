import { z } from '@hono/zod-openapi'
import type { Context } from 'hono'
import type { ContentfulStatusCode } from 'hono/utils/http-status'

/** RFC 9457 problem details, with the extension members edgeping uses. */
export type Problem = {
  type: string
  title: string
  status: ContentfulStatusCode
  detail?: string
  instance?: string
  /** Validation failures: where and what. */
  errors?: { path: string; message: string }[]
  /** Byte offset in an uploaded file. */
  offset?: number
  /** Position in a config or filter text. */
  line?: number
  column?: number
  [extension: string]: unknown
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json'

/** The shared OpenAPI schema of every error response. */
export const ProblemSchema = z
  .object({
    type: z.string().openapi({ example: '/problems/invalid-request' }),
    title: z.string().openapi({ example: 'Invalid request' }),
    status: z.number().int().openapi({ example: 422 }),
    detail: z.string().optional(),
    instance: z.string().optional().openapi({ description: 'The request id' }),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
    offset: z.number().int().optional(),
    line: z.number().int().optional(),
    column: z.number().int().optional(),
  })
  .passthrough()
  .openapi('Problem')

/** A response entry for `createRoute({ responses })`. */
export function problemResponse(description: string) {
  return { description, content: { [PROBLEM_CONTENT_TYPE]: { schema: ProblemSchema } } }
}

/** The answers of a route that takes a JSON body, before the route sees it. */
export const JSON_BODY_ERRORS = {
  400: problemResponse('Malformed JSON body'),
  415: problemResponse('The body is not sent as application/json'),
}

/** Thrown anywhere in a request; `onError` renders it. */
export class ProblemError extends Error {
  override name = 'ProblemError'
  constructor(readonly problem: Problem) {
    super(problem.detail ?? problem.title)
  }
}

/** Shorthand for the most common problem: the request itself is wrong. */
export function invalidRequest(detail: string, extra: Partial<Problem> = {}): ProblemError {
  return new ProblemError({
    type: '/problems/invalid-request',
    title: 'Invalid request',
    status: 422,
    detail,
    ...extra,
  })
}

/** Renders a problem as `application/problem+json`, with the request id as `instance`. */
export function problem(c: Context, p: Problem): Response {
  const requestId: unknown = c.get('requestId')
  const body: Problem =
    typeof requestId === 'string' && !p.instance ? { ...p, instance: requestId } : p
  return c.body(JSON.stringify(body), p.status, { 'content-type': PROBLEM_CONTENT_TYPE })
}
