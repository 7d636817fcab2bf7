import { ProblemError } from './problem'

/**
 * A JSON request body read by hand (routes that are not zod-openapi routes, or that take JSON
 * next to another media type), answered as the zod-openapi routes answer: 415 without a JSON
 * Content-Type, 400 for a body that does not parse. `example` shows what to send.
 */
export async function jsonRequestBody(req: Request, example: string): Promise<unknown> {
  const type = req.headers.get('content-type')?.split(';')[0]?.trim().toLowerCase()
  if (type !== 'application/json' && !type?.endsWith('+json')) {
    const path = new URL(req.url).pathname
    throw new ProblemError({
      type: 'about:blank',
      title: 'Unsupported Media Type',
      status: 415,
      detail: type
        ? `${req.method} ${path} takes application/json, not ${type} (curl -H 'content-type: application/json' -d '${example}')`
        : `the body has no Content-Type: ${req.method} ${path} takes application/json (curl -H 'content-type: application/json' -d '${example}')`,
    })
  }
  return parseJsonBody(req, example)
}

/** The body parsed as JSON, or a 400 problem saying it is not JSON. */
export async function parseJsonBody(req: Request, example: string): Promise<unknown> {
  try {
    return await req.json()
  } catch {
    throw new ProblemError({
      type: '/problems/malformed-json',
      title: 'Malformed JSON body',
      status: 400,
      detail: `the body is not JSON: send ${example}`,
      errors: [{ path: 'json', message: 'not valid JSON' }],
    })
  }
}
