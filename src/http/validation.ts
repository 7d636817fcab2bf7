import type { Hook } from '@hono/zod-openapi'
import type { AppEnv } from '../env'
import { problem } from './problem'

/**
 * The default hook of every OpenAPI route: a zod failure becomes a 422 problem listing each issue
 * as `{ path, message }`. Received values are never echoed (they may hold secrets).
 */
// biome-ignore lint/suspicious/noExplicitAny: the hook is shared by routes of every input type
export const validationHook: Hook<any, AppEnv, any, any> = (result, c) => {
  if (result.success) return
  const errors = result.error.issues.map((issue) => ({
    path: [result.target, ...issue.path.map(String)].join('.'),
    message: issue.message,
  }))
  return problem(c, {
    type: '/problems/invalid-request',
    title: 'Invalid request',
    status: 422,
    detail: errors.map((e) => `${e.path}: ${e.message}`).join('; '),
    errors,
  })
}
