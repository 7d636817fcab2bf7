import type { MiddlewareHandler } from 'hono'
import { drainStream } from '../flows/chunk-reader'

/** The platform's request body limit (Workers, every plan below Enterprise): 100 MB. */
export const DRAIN_MAX_BYTES = 100 * 1024 * 1024

/**
 * After an error answer (4xx, 5xx), reads the rest of the upload and throws it away, so the
 * client gets that answer. workerd drops the connection under an answer whose upload is still
 * coming, and `wrangler dev`'s proxy turns that into a 500 "Network connection lost"
 * (cloudflare/workers-sdk#15709): a 422 for a misspelt `def=` on a 90 MB upload came out as a
 * 500. A body declared larger than the platform takes is not read (it is refused whole).
 */
export const drainUnreadBody: MiddlewareHandler = async (c, next) => {
  await next()
  const body = c.req.raw.body
  if (!body || c.res.status < 400) return
  const declared = Number(c.req.header('content-length') ?? 0)
  if (declared > DRAIN_MAX_BYTES) return
  await drainStream(body, DRAIN_MAX_BYTES)
}
