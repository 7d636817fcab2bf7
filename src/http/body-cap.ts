import type { MiddlewareHandler } from 'hono'
import { chunkReader } from '../flows/chunk-reader'
import { joinBytes } from '../lib/bytes'
import { ProblemError } from './problem'

/**
 * A request body of at most `maxSize` bytes, or a 413 problem saying `what` (e.g. "a lookup
 * request body") may be at most that. A declared Content-Length over the cap is refused before
 * anything is read. A chunked body (no length) is read here, counted, and handed on whole; one
 * that goes past the cap is refused with its reader kept where drainStream finds it, so the rest
 * is read away before the answer (hono's bodyLimit kept its own reader: the rest stayed unread,
 * and the client's send broke under the 413).
 */
export function bodyCap(maxSize: number, what: string): MiddlewareHandler {
  const tooLarge = () =>
    new ProblemError({
      type: '/problems/body-too-large',
      title: 'Request body too large',
      status: 413,
      detail: `${what} may be at most ${maxSize} bytes`,
      errors: [{ path: 'body', message: `larger than ${maxSize} bytes` }],
    })
  return async (c, next) => {
    const body = c.req.raw.body
    // A GET or HEAD body means nothing to these routes, and `new Request` below refuses one.
    if (!body || c.req.method === 'GET' || c.req.method === 'HEAD') return next()
    const declared = c.req.header('content-length')
    // With Transfer-Encoding too, the length is not the body's (RFC 9112 §6.3): counted below.
    if (declared !== undefined && !c.req.raw.headers.has('transfer-encoding')) {
      // The runtime holds a body to its declared length.
      if (Number(declared) > maxSize) throw tooLarge()
      return next()
    }
    const reader = chunkReader(body, 1)
    const parts: Uint8Array[] = []
    let size = 0
    for (let chunk = await reader.read(); chunk !== undefined; chunk = await reader.read()) {
      size += chunk.length
      if (size > maxSize) throw tooLarge()
      parts.push(chunk)
    }
    c.req.raw = new Request(c.req.raw, { body: joinBytes(parts, size) })
    return next()
  }
}
