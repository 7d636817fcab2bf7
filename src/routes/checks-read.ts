import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi'
import type { Context } from 'hono'
import { buildCheckTree } from '../checks/check-tree'
import { type GraphPoint, renderSmokeGraph } from '../checks/graph-svg'
import {
  HistoryTooCostlyError,
  lastRounds,
  MAX_FUTURE_MS,
  MAX_SPAN_DAYS,
  type Resolution,
  readSeries,
  type Series,
} from '../checks/history'
import { probeKind } from '../checks/kinds/registry'
import type { ResolvedTarget } from '../checks/kinds/resolved-target'
import type { StoredConfig } from '../checks/records'
import type { AppEnv } from '../env'
import { invalidRequest, ProblemError, problemResponse } from '../http/problem'
import { validationHook } from '../http/validation'
import { createCheckStore, getChecksConfig, retentionFrom } from '../kv/checks-store'
import { seriesCsv } from './checks-csv'

export const checksReadRoutes = new OpenAPIHono<AppEnv>({ defaultHook: validationHook })

const IdParam = z.object({
  id: z
    .string()
    .regex(/^[-_0-9a-zA-Z]+(\.[-_0-9a-zA-Z]+)*$/, 'a target path like Test.James')
    .openapi({ example: 'local.web' }),
})

async function loadConfig(c: Context<AppEnv>): Promise<StoredConfig> {
  const stored = await getChecksConfig(c.env.EDGEPING_KV)
  if (!stored)
    throw new ProblemError({
      type: '/problems/no-targets',
      title: 'No targets',
      status: 404,
      detail: 'PUT /targets first',
    })
  return stored
}

function findTarget(stored: StoredConfig, id: string): ResolvedTarget {
  const t = stored.resolved.find((r) => r.id === id)
  if (!t)
    throw new ProblemError({
      type: '/problems/no-such-target',
      title: 'No such target',
      status: 404,
      detail: `no target '${id}' in the targets tree`,
    })
  return t
}

const store = (c: Context<AppEnv>) => createCheckStore(c.env.EDGEPING_KV, retentionFrom(c.env))

checksReadRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/',
    tags: ['Checks'],
    summary: "The targets tree with each target's last round (median, loss, status)",
    responses: {
      200: {
        description: 'The tree',
        content: { 'application/json': { schema: z.object({}).passthrough() } },
      },
      404: problemResponse('No targets stored yet'),
    },
  }),
  async (c) => {
    const stored = await loadConfig(c)
    const last = await lastRounds(stored, store(c), Date.now())
    const tree = buildCheckTree(stored, last)
    return c.json(
      {
        updatedAt: stored.updatedAt,
        unscheduled: stored.plan.unscheduled,
        tree,
      } as unknown as Record<string, string>,
      200,
    )
  },
)

const Time = z
  .string()
  .regex(/^(\d{9,13}|\d{4}-\d{2}-\d{2}T[\d:.]+Z?)$/, 'epoch seconds or an ISO 8601 UTC time')
  .optional()

function parseTime(v: string | undefined, fallback: number): number {
  if (v === undefined) return fallback
  if (/^\d+$/.test(v)) return Number(v) * (v.length <= 10 ? 1000 : 1)
  const t = Date.parse(v.endsWith('Z') ? v : `${v}Z`)
  if (Number.isNaN(t)) throw invalidRequest(`'${v}' is not a time`)
  return t
}

/** readSeries, with a plan over KV's per-request budget answered as the 422 it is. */
async function seriesOf(...args: Parameters<typeof readSeries>): ReturnType<typeof readSeries> {
  try {
    return await readSeries(...args)
  } catch (err) {
    if (!(err instanceof HistoryTooCostlyError)) throw err
    throw invalidRequest(err.message, {
      code: 'too_many_reads',
      errors: [{ path: 'query.from', message: 'range too long for this target' }],
    })
  }
}

/**
 * Refuses an end further ahead than clock skew explains: nothing is recorded there, and the
 * caller most likely mistyped it. Within the allowance the read itself stops at now.
 */
function assertNotFarFuture(param: 'to' | 'end', t: number, now: number): void {
  if (t - now <= MAX_FUTURE_MS) return
  const message = `must be at most ${MAX_FUTURE_MS / 3600_000} hours after now: nothing is recorded in the future`
  throw invalidRequest(`\`${param}\` ${message}`, {
    errors: [{ path: `query.${param}`, message }],
  })
}

checksReadRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/{id}/rounds',
    tags: ['Checks'],
    summary: "One target's rounds (raw) or rollups (hour, day), as JSON or CSV",
    request: {
      params: IdParam,
      query: z.object({
        from: Time.openapi({ description: 'default: 3 hours before `to`' }),
        to: Time.openapi({ description: 'default: now; at most 24 hours after now' }),
        resolution: z
          .enum(['raw', 'hour', 'day'])
          .optional()
          .openapi({ description: 'default by span: raw ≤ 2 d, hour ≤ 60 d, else day' }),
        format: z.enum(['json', 'csv']).optional(),
      }),
    },
    responses: {
      200: {
        description:
          'Rounds or aggregates, RTTs in ms, `smoke` = sorted samples with lost slots null',
        content: {
          'application/json': { schema: z.object({}).passthrough() },
          'text/csv': { schema: z.string() },
        },
      },
      404: problemResponse('No such target'),
      422: problemResponse(
        'Bad time range, `to` more than 24 hours after now, a span too long for the resolution, or a range needing more KV reads than one request may make (code too_many_reads: a short-step target)',
      ),
    },
  }),
  async (c) => {
    const { id } = c.req.valid('param')
    const q = c.req.valid('query')
    const now = Date.now()
    const to = parseTime(q.to, now)
    assertNotFarFuture('to', to, now)
    const from = parseTime(q.from, to - 3 * 3600_000)
    if (from >= to) throw invalidRequest('`from` must be before `to`')
    const days = (to - from) / 86_400_000
    const resolution: Resolution = q.resolution ?? (days <= 2 ? 'raw' : days <= 60 ? 'hour' : 'day')
    if (days > MAX_SPAN_DAYS[resolution]) {
      throw invalidRequest(
        `resolution ${resolution} covers at most ${MAX_SPAN_DAYS[resolution]} days per request; ask a coarser resolution or a shorter range`,
      )
    }
    const stored = await loadConfig(c)
    const target = findTarget(stored, id)
    const series = await seriesOf(stored, store(c), target, from, to, resolution, now)
    const csv =
      q.format === 'csv' ||
      (q.format === undefined && (c.req.header('accept') ?? '').startsWith('text/csv'))
    if (csv)
      return c.body(seriesCsv(series, target.pings), 200, {
        'content-type': 'text/csv; charset=utf-8',
      })
    return c.json(
      {
        id,
        from: new Date(from).toISOString(),
        to: new Date(to).toISOString(),
        ...series,
      } as unknown as Record<string, string>,
      200,
    )
  },
)

const RANGES = {
  '3h': { label: 'Last 3 Hours', ms: 3 * 3600_000, resolution: 'raw' },
  '30h': { label: 'Last 30 Hours', ms: 30 * 3600_000, resolution: 'raw' },
  '10d': { label: 'Last 10 Days', ms: 10 * 86_400_000, resolution: 'hour' },
  '400d': { label: 'Last 400 Days', ms: 400 * 86_400_000, resolution: 'day' },
} as const

checksReadRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/{id}/graph.svg',
    tags: ['Checks'],
    summary: "A target's smoke graph (SVG), SmokePing's detail ranges",
    request: {
      params: IdParam,
      query: z.object({
        range: z.enum(['3h', '30h', '10d', '400d']).default('3h'),
        end: Time.openapi({
          description: 'right edge (default now): zoom into the past; at most 24 hours after now',
        }),
      }),
    },
    responses: {
      200: { description: 'image/svg+xml', content: { 'image/svg+xml': { schema: z.string() } } },
      404: problemResponse('No such target'),
      422: problemResponse(
        'Unknown or malformed range or `end`, `end` more than 24 hours after now, or more KV reads than one request may make (code too_many_reads)',
      ),
    },
  }),
  async (c) => {
    const { id } = c.req.valid('param')
    const q = c.req.valid('query')
    const now = Date.now()
    const range = RANGES[q.range]
    const end = parseTime(q.end, now)
    assertNotFarFuture('end', end, now)
    const stored = await loadConfig(c)
    const target = findTarget(stored, id)
    const start = end - range.ms
    const series = await seriesOf(stored, store(c), target, start, end, range.resolution, now)
    const svg = renderSmokeGraph({
      title: target.title,
      rangeLabel: range.label,
      start,
      end,
      pings: target.pings,
      step: target.step,
      probe: probeKind(target.kind)?.describe(target) ?? target.probe,
      points: graphPoints(series, target),
    })
    return c.body(svg, 200, {
      'content-type': 'image/svg+xml; charset=utf-8',
      'cache-control': 'max-age=60',
    })
  },
)

function graphPoints(series: Series, target: ResolvedTarget): GraphPoint[] {
  if (series.resolution === 'raw') {
    return series.rounds.map((r) => ({
      t: r.m * 60_000,
      span: target.step * 1000,
      median: r.median ?? null,
      loss: r.status === 'ok' ? (r.loss ?? null) : null,
      smoke: r.smoke ?? [],
    }))
  }
  const span = series.resolution === 'hour' ? 3600_000 : 86_400_000
  return series.points.map((p) => ({
    t: p.t,
    span,
    median: p.median,
    loss: p.loss,
    smoke: p.smoke,
  }))
}
