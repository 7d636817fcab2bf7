import { z } from '@hono/zod-openapi'
import { REFERER_PROBE_LIMITS as L } from '../probes'

const Value = z.string().min(1).max(L.maxValueLength)

export const RefererProbeBodySchema = z
  .strictObject({
    url: z.string().min(1).max(2048).openapi({ example: 'https://www.example.com/' }),
    referers: z
      .array(Value)
      .min(1)
      .max(L.maxReferers)
      .openapi({
        description: 'Values to test, each sent exactly as given and in its variants',
        example: ['http://porn.example/', 'casinospam'],
      }),
    header: z
      .string()
      .min(1)
      .max(64)
      .optional()
      .openapi({ description: 'The request header to test (default Referer)', example: 'Referer' }),
    variants: z
      .union([
        z.enum(['case', 'none']),
        z
          .array(Value)
          .min(1)
          .max(L.maxVariants - 1),
      ])
      .optional()
      .openapi({
        description:
          '"case" (default): lower, UPPER, Capitalized, aLtErNaTiNg and randomMixes seeded mixes; "none": the value only; a list: the value plus these strings (one referer only)',
      }),
    method: z.enum(['GET', 'HEAD']).optional(),
    encodings: z
      .boolean()
      .optional()
      .openapi({ description: 'Also send percent-encoded letters (p%6Frn)' }),
    blockedStatus: z
      .array(z.number().int().min(100).max(599))
      .max(20)
      .optional()
      .openapi({ description: 'Statuses that always count as blocked' }),
    seed: z
      .number()
      .int()
      .min(0)
      .max(0xffff_ffff)
      .optional()
      .openapi({ description: 'Replays the random mixes of an earlier report' }),
    randomMixes: z.number().int().min(0).max(L.maxRandomMixes).optional(),
    benign: Value.optional().openapi({
      description: 'The harmless value of the second baseline (default: the target origin)',
    }),
    timeoutMs: z.number().int().min(100).max(L.maxTimeoutMs).optional(),
    deadlineMs: z.number().int().min(100).max(L.maxDeadlineMs).optional(),
    fix: z
      .strictObject({
        baseId: z.number().int().min(1).max(2_000_000_000).optional(),
        status: z.number().int().min(400).max(599).optional(),
        caseMode: z.enum(['lowercase', 'regex-i']).optional(),
      })
      .optional()
      .openapi({
        description: 'Shape of the fix rules (default: ids from 10100, status 403, t:lowercase)',
      }),
  })
  .openapi('RefererProbeRequest')

const ProbeRecord = z.object({
  label: z.string(),
  value: z.string().nullable(),
  status: z.number().int().optional(),
  elapsedMs: z.number().optional(),
  fingerprint: z.string().optional().openapi({ description: 'SHA-256 of the first KiB, 64 bits' }),
  location: z
    .string()
    .optional()
    .openapi({ description: "a redirect's Location, compared with the baseline's (not followed)" }),
  partialBody: z.literal(true).optional().openapi({
    description:
      'the body stalled past timeoutMs: the status is whole, the fingerprint covers the bytes read',
  }),
  error: z.string().optional(),
})
const VariantRecord = ProbeRecord.extend({ reason: z.string() })

export const RefererProbeReportSchema = z
  .object({
    url: z.string(),
    method: z.enum(['GET', 'HEAD']),
    header: z.string(),
    seed: z.number().int(),
    baseline: z.object({
      usable: z.boolean(),
      note: z.string(),
      fingerprintStable: z.boolean(),
      requests: z.tuple([ProbeRecord, ProbeRecord]),
      recheck: ProbeRecord.optional().openapi({
        description:
          'the request without the header, sent again after the variants: a page that changed over time falls back to status classes, a site that then refused gives no verdict',
      }),
    }),
    results: z.array(
      z.object({
        referer: z.string(),
        verdict: z.enum([
          'blocked-in-every-case',
          'case-sensitive-gap',
          'encoding-gap',
          'partial',
          'not-blocked',
          'inconclusive',
        ]),
        summary: z.string(),
        blocked: z.array(VariantRecord),
        allowed: z.array(VariantRecord),
        unknown: z.array(VariantRecord),
        fix: z.object({ rule: z.string().nullable(), note: z.string() }).nullable(),
      }),
    ),
    fixRules: z.string(),
    requests: z.object({
      planned: z.number().int(),
      sent: z.number().int(),
      skipped: z.number().int(),
      retried: z.number().int().openapi({
        description: 'Requests sent again (up to twice each) after a failed connection',
      }),
      maxInFlight: z.number().int(),
    }),
    elapsedMs: z.number(),
    deadlineReached: z.boolean(),
  })
  .openapi('RefererProbeReport')
