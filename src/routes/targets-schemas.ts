import { z } from '@hono/zod-openapi'
import {
  breaksLine,
  KEPT_VARS,
  MAX_COUNT,
  MAX_VALUE_CHARS,
  type TargetNode,
  type TargetsConfig,
} from '../checks/targets-model'

/**
 * A config value: one line, no control characters, no `#` and no trailing backslash (which would
 * join the next line when exported as SmokePing text), so nothing can break out of its line.
 */
const value = z
  .string()
  .max(MAX_VALUE_CHARS)
  .refine((s) => !breaksLine(s), 'must be one line without control characters or line separators')
  .refine((s) => s === s.trim(), 'must not start or end with spaces')
  // SmokePing's config reader cuts a comment at any #, so the text export could not hold it.
  .refine((s) => !s.includes('#'), 'must not contain # (SmokePing reads the rest as a comment)')
  .refine((s) => !s.endsWith('\\'), 'must not end with a backslash')
const name = z.string().regex(/^[-_0-9a-zA-Z]+$/, 'section names are [-_0-9a-zA-Z]+')
// 32-bit, as the SmokePing text export and RRD print it.
const count = z.number().int().min(1).max(MAX_COUNT)

const NodeSchema: z.ZodType<TargetNode> = z.lazy(() =>
  z
    .object({
      name: z.union([name, z.literal('')]),
      menu: value.optional(),
      title: value.optional(),
      remark: value.optional(),
      host: value.optional(),
      probe: value.optional(),
      pings: count.optional(),
      step: count.optional(),
      timeout: count.optional(),
      port: count.max(65535).optional(),
      urlformat: value.optional(),
      expect: value.optional(),
      status: value.optional(),
      lookup: value.optional(),
      referer: value.optional(),
      alerts: z.array(name).optional(),
      extra: z.partialRecord(z.enum(KEPT_VARS), value).optional(),
      children: z.array(NodeSchema).max(500).optional(),
    })
    .strict(),
) as z.ZodType<TargetNode>

const probeVars = z
  .object({
    pings: count.optional(),
    step: count.optional(),
    timeout: count.optional(),
    port: count.max(65535).optional(),
    urlformat: value.optional(),
    expect: value.optional(),
    status: value.optional(),
    lookup: value.optional(),
    referer: value.optional(),
  })
  .strict()

/** The JSON form of `PUT /targets`: validated here, then checked semantically by the domain. */
export const TargetsConfigSchema: z.ZodType<TargetsConfig> = z
  .object({
    database: z
      .object({ step: count.optional(), pings: count.min(3).optional() })
      .strict()
      .optional(),
    probes: z.array(z.object({ name, module: name, vars: probeVars }).strict()).optional(),
    alerts: z
      .object({
        to: value.optional(),
        list: z.array(
          z
            .object({
              name,
              type: z.enum(['loss', 'rtt']),
              pattern: value,
              comment: value,
              edgetrigger: z.boolean().optional(),
              // 0 is SmokePing's "no priority" (it sets no mark).
              priority: z.number().int().min(0).max(MAX_COUNT).optional(),
              to: value.optional(),
            })
            .strict(),
        ),
      })
      .strict()
      .optional(),
    // The root is `*** Targets ***`, which has no name in SmokePing text: one set here would be
    // lost by the export.
    targets: NodeSchema.refine((n) => n.name === '', {
      message: 'the root is *** Targets *** and has no name: use ""',
      path: ['name'],
    }),
  })
  .strict() as z.ZodType<TargetsConfig>

export const TargetsSummarySchema = z
  .object({
    targets: z.number().int(),
    multihost: z.number().int(),
    since: z.string(),
    plan: z.object({
      writingTicksPerDay: z.number().int(),
      peakProbes: z.number().int(),
      unscheduled: z.array(z.object({ id: z.string(), reason: z.string() })),
    }),
  })
  .openapi('TargetsSummary')
