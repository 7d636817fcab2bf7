import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi'
import type { AppEnv } from '../env'
import { checkRouter } from '../flows/archive/archive-index'
import { requireToken } from '../http/auth'
import { invalidRequest } from '../http/problem'
import { validationHook } from '../http/validation'
import { deleteFlowFiles, listFlowFiles } from '../storage/flow-archive'
import {
  ArchivedFileSchema,
  archiveErrors as errors,
  named,
  type ValueSource,
} from './flow-archive-common'
import { flowArchiveFileRoutes } from './flow-archive-files'

/**
 * The flow archive: flow files kept in R2 by router and time, for queries that span more files
 * than one request can carry. Everything here needs the API token (flow data is sensitive).
 */
export const flowArchiveRoutes = new OpenAPIHono<AppEnv>({ defaultHook: validationHook })
flowArchiveRoutes.use('/archive', requireToken)
flowArchiveRoutes.use('/archive/*', requireToken)
flowArchiveRoutes.route('/', flowArchiveFileRoutes)

const RangeQuery = z.object({
  router: z.string().openapi({ example: 'rtr8' }),
  from: z.string().openapi({
    example: '2010-11-09T00:00:00Z',
    description: 'ISO 8601 time or unix seconds (inclusive)',
  }),
  to: z.string().openapi({
    example: '2010-11-09T23:59:59Z',
    description:
      'ISO 8601 time or unix seconds (inclusive); a date alone is that midnight, not included (from=2010-11-09&to=2010-11-10 is the day 2010-11-09)',
  }),
})

flowArchiveRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/archive',
    tags: ['Flow archive'],
    summary:
      "List a router's files that may hold flows started in [from, to] (capture span from an hour before its start)",
    security: [{ bearer: [] }],
    request: {
      query: RangeQuery.extend({
        // Digits only: coerce would take 0x10, 1e3 and " 1".
        limit: z
          .string({ error: 'limit is given once: one whole number, 1 to 10000' })
          .regex(/^[0-9]{1,5}$/, { error: 'limit is a whole number of files, 1 to 10000' })
          .default('1000')
          .transform(Number)
          .pipe(z.number().min(1, 'limit is at least 1').max(10000, 'limit is at most 10000'))
          .openapi({ type: 'integer', description: 'Files listed at most, 1 to 10000' }),
      }),
    },
    responses: {
      200: {
        description: 'The files, oldest first; truncated when more than limit match',
        content: {
          'application/json': {
            schema: z
              .object({ files: z.array(ArchivedFileSchema), truncated: z.boolean() })
              .openapi('ArchiveListing'),
          },
        },
      },
      ...errors,
    },
  }),
  async (c) => {
    const q = c.req.valid('query')
    const { from, to } = timeRange(q.from, q.to)
    // The router is a query-string parameter here, not a path one.
    named(() => checkRouter(q.router), 'query')
    return c.json(await listFlowFiles(c.env.FLOW_ARCHIVE, q.router, from, to, q.limit), 200)
  },
)

flowArchiveRoutes.openapi(
  createRoute({
    method: 'delete',
    path: '/archive',
    tags: ['Flow archive'],
    summary: 'Delete the files of a router that START within [from, to] (at most 1000 per call)',
    security: [{ bearer: [] }],
    request: { query: RangeQuery },
    responses: {
      200: {
        description: 'What was deleted; call again while more remain',
        content: {
          'application/json': {
            schema: z
              .object({ deleted: z.array(z.string()), more: z.boolean() })
              .openapi('ArchiveDeletion'),
          },
        },
      },
      ...errors,
    },
  }),
  async (c) => {
    const q = c.req.valid('query')
    const { from, to } = timeRange(q.from, q.to)
    // The router is a query-string parameter here, not a path one.
    named(() => checkRouter(q.router), 'query')
    return c.json(await deleteArchivedRange(c.env.FLOW_ARCHIVE, q.router, from, to), 200)
  },
)

/** Deletes the router's files that START within [from, to], at most 1000 per call. */
export async function deleteArchivedRange(
  bucket: R2Bucket,
  router: string,
  from: number,
  to: number,
): Promise<{ deleted: string[]; more: boolean }> {
  const { files, truncated } = await listFlowFiles(bucket, router, from, to, 1000)
  const doomed = files.filter((f) => f.start >= from && f.start <= to)
  await deleteFlowFiles(
    bucket,
    doomed.map((f) => f.key),
  )
  return { deleted: doomed.map((f) => f.name), more: truncated }
}

/**
 * ISO 8601 or unix seconds → the range [from, to] in unix seconds, both ends inclusive to the
 * second: a flow (or file) belongs to it when its start's whole second s has from ≤ s ≤ to. A
 * date alone as `to` (2010-11-10) is that midnight, not included (to = 2010-11-09 23:59:59), so
 * day ranges side by side (from=2010-11-09&to=2010-11-10, then from=2010-11-10&to=2010-11-11)
 * never share a flow, and the README's day ranges keep their meaning; a full time
 * (2010-11-10T00:00:00Z) is that second itself. from ≤ to.
 * `source` is where the caller took the two values from (the query string, a JSON body), so an
 * error's path names that place: `body.from` for POST /flows/archive/query, not `query.from`.
 */
export function timeRange(
  fromText: string,
  toText: string,
  source: ValueSource = 'query',
): { from: number; to: number } {
  const from = parseTime(fromText, 'from', source)
  const dateOnly = DATE_ONLY.test(toText)
  const to = parseTime(toText, 'to', source) - (dateOnly ? 1 : 0)
  if (from > to)
    throw invalidRequest(
      `from (${fromText}) is after to (${toText})${
        dateOnly
          ? `: a date alone as to is that midnight, not included (the day ${toText} is to=${nextDay(toText)})`
          : ''
      }`,
      { errors: [{ path: `${source}.from`, message: 'after to' }] },
    )
  return { from, to }
}

function parseTime(text: string, field: string, source: ValueSource): number {
  const seconds = /^\d{1,11}$/.test(text) ? Number(text) : isoSeconds(text)
  if (seconds === undefined) {
    // Strict: a loose parse turned "oops 2010" into 2010-01-01, and a DELETE took its files.
    throw invalidRequest(
      `${field} '${text.slice(0, 40)}' is neither an ISO 8601 time (2010-11-09, 2010-11-09T01:25:41Z, 2010-11-09T01:25:41-02:00; UTC without a zone) nor unix seconds`,
      {
        errors: [{ path: `${source}.${field}`, message: 'not a time' }],
      },
    )
  }
  return seconds
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/

/** 2010-11-09 → 2010-11-10 (a valid date, as parseTime has checked). */
function nextDay(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10)
}

const ISO_TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/

/** A date or date-time of ISO 8601 (UTC without a zone) as unix seconds; undefined otherwise. */
export function isoSeconds(text: string): number | undefined {
  const m = ISO_TIME.exec(text)
  if (!m) return undefined
  const [y, mo, d, h = 0, mi = 0, s = 0] = m.slice(1, 7).map((v) => Number(v ?? 0))
  const utc = Date.UTC(y as number, (mo as number) - 1, d, h, mi, s)
  // Date.UTC rolls 2010-11-31 over to December 1st: such a day does not exist.
  const back = new Date(utc)
  if (
    back.getUTCFullYear() !== y ||
    back.getUTCMonth() !== (mo as number) - 1 ||
    back.getUTCDate() !== d ||
    (h as number) > 23 ||
    (mi as number) > 59 ||
    (s as number) > 59
  )
    return undefined
  const zone = m[7]
  let offset = 0
  if (zone && zone !== 'Z') {
    const z = /^([+-])(\d{2}):?(\d{2})$/.exec(zone)
    if (!z || Number(z[2]) > 23 || Number(z[3]) > 59) return undefined
    offset = (z[1] === '-' ? -1 : 1) * (Number(z[2]) * 3600 + Number(z[3]) * 60)
  }
  return Math.floor(utc / 1000) - offset
}
