import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi'
import { resolveTargets } from '../checks/resolve-targets'
import { runRounds } from '../checks/run-round'
import type { TargetNode } from '../checks/targets-model'
import type { AppEnv } from '../env'
import { requireToken } from '../http/auth'
import { JSON_BODY_ERRORS, problemResponse } from '../http/problem'
import { validationHook } from '../http/validation'
import { buildProbePorts } from '../ports/probe-ports'
import { checksReadRoutes } from './checks-read'
import { assertTargetsAllowed } from './target-policy-check'

export const checksRoutes = new OpenAPIHono<AppEnv>({ defaultHook: validationHook })
checksRoutes.route('/', checksReadRoutes)

/** An ad-hoc round is answered in the request; 20 probes of 30 s at 5 in flight fit in this. */
const RUN_DEADLINE_MS = 25_000

const line = z
  .string()
  .min(1)
  .max(1000)
  .refine(
    (s) => ![...s].some((ch) => ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f),
    'must be one line without control characters',
  )

const RunBodySchema = z
  .object({
    probe: z.enum(['tcp', 'http', 'dns', 'referer']).openapi({ example: 'tcp' }),
    host: line.openapi({
      example: '192.0.2.10',
      description: 'host; for dns the resolver (URL, preset or host)',
    }),
    port: z.number().int().min(1).max(65535).optional(),
    urlformat: line.optional().openapi({ example: 'https://%host%/health' }),
    expect: line.optional().openapi({ description: 'http: keyword the body must contain' }),
    status: line.optional().openapi({ example: '200-299' }),
    lookup: line.optional().openapi({ example: 'example.com' }),
    referer: line.optional().openapi({
      description: 'referer: the block-listed value; each ping sends one letter-case variant',
    }),
    pings: z.number().int().min(3).max(20).default(5),
    timeout: z
      .number()
      .int()
      .min(1)
      .max(30)
      .optional()
      .openapi({ description: 'seconds per probe' }),
  })
  .strict()
  .openapi('CheckRun')

const RoundSchema = z
  .object({
    id: z.string(),
    t: z.number(),
    status: z.enum(['ok', 'unknown']),
    reason: z.string().optional(),
    pings: z.number().int(),
    loss: z.number().optional(),
    lossPercent: z.number().optional(),
    median: z.number().nullable().optional(),
    min: z.number().nullable().optional(),
    max: z.number().nullable().optional(),
    mean: z.number().nullable().optional(),
    stddev: z.number().nullable().optional(),
    jitter: z.number().nullable().optional(),
    smoke: z.array(z.number().nullable()).optional(),
    reasons: z.record(z.string(), z.number()).optional(),
  })
  .openapi('Round')

const runRoute = createRoute({
  method: 'post',
  path: '/run',
  tags: ['Checks'],
  summary: 'One round now against an ad-hoc target; the result in the response',
  security: [{ bearer: [] }],
  middleware: [requireToken] as const,
  request: { body: { required: true, content: { 'application/json': { schema: RunBodySchema } } } },
  responses: {
    200: {
      description:
        'The round: sorted samples (smoke), loss, median, min, max, mean, stddev, jitter (ms)',
      content: {
        'application/json': {
          schema: z.object({ target: z.object({}).passthrough(), round: RoundSchema }),
        },
      },
    },
    ...JSON_BODY_ERRORS,
    401: problemResponse('No or wrong API token'),
    422: problemResponse('Invalid target (probe, host, port, URL, pings)'),
  },
})

checksRoutes.openapi(runRoute, async (c) => {
  const body = c.req.valid('json')
  // Drop absent keys: the tree's optional fields are absent, never undefined.
  const node = Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined))
  const { targets } = resolveTargets({
    targets: { name: '', children: [{ ...(node as unknown as TargetNode), name: 'adhoc' }] },
  })
  assertTargetsAllowed(targets, c.env.ALLOW_PRIVATE_TARGETS === 'true')
  const rounds = await runRounds(targets, buildProbePorts(c.env), {
    deadline: AbortSignal.timeout(RUN_DEADLINE_MS),
    now: () => Date.now(),
  })
  const target = targets[0]
  const round = rounds[0]
  if (!target || !round) throw new Error('resolveTargets returned no target for a host')
  const { alerts: _alerts, ...shown } = target
  return c.json({ target: shown as Record<string, string | number>, round }, 200)
})
