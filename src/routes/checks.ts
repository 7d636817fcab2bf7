import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi'
import { KIND_VARS, type KindVar, type ProbeKind } from '../checks/kinds/kind'
import { probeKind } from '../checks/kinds/registry'
import { hostFits, resolveTargets, usesHost } from '../checks/resolve-targets'
import { runRounds } from '../checks/run-round'
import type { TargetNode } from '../checks/targets-model'
import type { AppEnv } from '../env'
import { requireToken } from '../http/auth'
import { bodyCap } from '../http/body-cap'
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
      description:
        'a host name or IP address, not a URL (an http URL goes in `urlformat`); for dns the resolver (URL, preset or host)',
    }),
    port: z
      .number()
      .int()
      .min(1)
      .max(65535)
      .optional()
      .openapi({ description: 'tcp only (default 80)' }),
    urlformat: line
      .optional()
      .openapi({ example: 'https://%host%/health', description: 'http and referer only' }),
    expect: line.optional().openapi({ description: 'http only: keyword the body must contain' }),
    status: line.optional().openapi({
      example: '200-299',
      description: 'http and referer only: the statuses that count as received',
    }),
    lookup: line.optional().openapi({ example: 'example.com', description: 'dns only' }),
    referer: line.optional().openapi({
      description: 'referer only: the block-listed value; each ping sends one letter-case variant',
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
  .superRefine((body, ctx) => {
    const kind = probeKind(body.probe)
    if (!kind) return
    for (const issue of kindIssues(kind, body)) ctx.addIssue({ code: 'custom', ...issue })
  })
  .openapi('CheckRun', {
    description:
      'An ad-hoc target: `pings` and `timeout` apply to every probe, the other fields only to the probes named in their descriptions; a field the probe does not take is a 422',
  })

/**
 * What the chosen kind cannot take: a variable of another kind (a tree inherits those, but an
 * ad-hoc run that echoed them back would suggest they did something), or a host of the wrong
 * form. Messages never repeat the value, as the validation hook promises.
 */
function kindIssues(
  kind: ProbeKind,
  body: { host: string } & Partial<Record<KindVar, unknown>>,
): { path: string[]; message: string }[] {
  const issues: { path: string[]; message: string }[] = KIND_VARS.filter(
    (v) => body[v] !== undefined && !kind.vars.includes(v),
  ).map((v) => ({
    path: [v],
    message: `the ${kind.name} probe does not take ${v} (it takes ${[...kind.vars, 'pings', 'timeout'].join(', ')})`,
  }))
  // One error per field: an empty or multi-line host has its own already.
  const lineOk = line.safeParse(body.host).success
  const urlformat = typeof body.urlformat === 'string' ? body.urlformat : undefined
  if (lineOk && usesHost(kind, urlformat) && !hostFits(body.host, kind.hostForm))
    issues.push({
      path: ['host'],
      message:
        kind.hostForm === 'address'
          ? `is not a host name or IP address${
              /^[a-z]+:\/\//i.test(body.host) && kind.vars.includes('urlformat')
                ? ' (a URL goes in urlformat)'
                : ''
            }`
          : 'is not a resolver URL, a preset or a host name',
    })
  return issues
}

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
  middleware: [requireToken, bodyCap(64 * 1024, 'a check run body')] as const,
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
    422: problemResponse(
      'Invalid target (probe, host, port, URL, pings), or a field the probe does not take',
    ),
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
