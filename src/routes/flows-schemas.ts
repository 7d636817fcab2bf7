import { z } from '@hono/zod-openapi'
import { INPUT_FORMATS } from '../flows/input-sniff'
import { TOP_KEYS, TOP_SORTS, type TopKey } from '../flows/report/top-talkers'

const flag = z
  .enum(['1', '0', 'true', 'false', 'yes', 'no'])
  .optional()
  .transform((v) => v === '1' || v === 'true' || v === 'yes')

/** Query parameters shared by every /flows endpoint: input format and filters. */
const common = {
  format: z
    .enum(INPUT_FORMATS as [string, ...string[]])
    .optional()
    .openapi({
      description: `Input format when not sniffed: ${INPUT_FORMATS.join(', ')} (flow-tools files, flow-export -f 2 CSV, flow-print text, nfdump -o csv)`,
    }),
  expr: z.string().max(4096, { error: 'expr is longer than 4096 characters' }).optional().openapi({
    description: 'nfdump-style filter expression',
    example: 'host 189.22.36.165 and not port 80',
  }),
  def: z
    .union(
      [
        z.string().max(1024, { error: 'a def= value is longer than 1024 characters' }),
        z
          .array(z.string().max(1024, { error: 'a def= value is longer than 1024 characters' }))
          .max(32, { error: 'at most 32 def= stages in one request' }),
      ],
      // zod reports a failed union as "Invalid input" without this.
      { error: 'at most 32 def= stages in one request, each at most 1024 characters' },
    )
    .optional()
    .openapi({
      description:
        'flow-nfilter definition with its own variables, NAME:VAR=value,...; repeat to chain stages in order',
      example: 'ip-addr:ADDR=189.22.36.165',
    }),
  filters: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/)
    .optional()
    .openapi({ description: 'Name of a saved filter set (its filter.cfg text)' }),
  partial: flag.openapi({
    description: 'Keep the complete records of a truncated file (reported, never silent)',
  }),
}

export const PrintQuerySchema = z.object({
  ...common,
  output: z
    .string({ error: 'output is given once' })
    .regex(/^(f?([0-9]|1[0-9]|2[0-4])|csv|ndjson)$/, {
      error: 'output is f0 to f24 (flow-print -f N), csv (flow-export -f 2) or ndjson',
    })
    .optional()
    .openapi({
      description: 'f0 ... f24 (flow-print -f N), csv (flow-export -f 2) or ndjson',
      example: 'f5',
    }),
  wide: flag.openapi({
    description:
      'flow-print -w: wider columns in formats 3, 4, 9, 10-14 and 18-23 (the others have no wide form)',
  }),
  names: flag.openapi({
    description:
      'flow-print -n: port, protocol, AS and tag names where the format has those columns, cut to the column as flow-print does; formats without them print as without -n. AS names are known only for the AS numbers of the fixtures (see README)',
  }),
  header: flag.openapi({ description: "flow-print -p: the first file's flow-header block first" }),
  tz: z
    .string()
    .max(64)
    .regex(/^[A-Za-z0-9_+\-/]+$/)
    .default('UTC')
    .openapi({
      description: 'IANA time zone for printed times (flow-tools prints local time)',
      example: 'America/Sao_Paulo',
    }),
})

const save = {
  save: flag.openapi({
    description: 'Also save the result in KV (needs the token); the answer carries its id',
  }),
}

export const ReportQuerySchema = z.object({
  ...common,
  ...save,
  top: z
    .string({ error: 'top is given once: one whole number, 1 to 1000' })
    .regex(/^[0-9]{1,4}$/, { error: 'top is a whole number of rows, 1 to 1000, given once' })
    .default('10')
    .transform(Number)
    .pipe(z.number().min(1, 'top is at least 1').max(1000, 'top is at most 1000'))
    .openapi({ description: 'Rows per top-N table, 1 to 1000', type: 'integer', example: 10 }),
  sort: z.enum(TOP_SORTS).default('octets').openapi({ description: 'Top-N order: largest first' }),
  tables: z
    .string({ error: `tables is given once: a comma-separated list of ${TOP_KEYS.join(', ')}` })
    .default(TOP_KEYS.join(','))
    .transform((text, ctx): TopKey[] => {
      const names = text.split(',').map((k) => k.trim())
      if (names.length === 1 && names[0] === 'none') return []
      if (names.includes('none')) {
        ctx.addIssue({
          code: 'custom',
          message: 'tables=none stands alone: no table, or name the tables',
        })
        return z.NEVER
      }
      const unknown = names.filter((k) => !(TOP_KEYS as readonly string[]).includes(k))
      if (unknown.length > 0) {
        ctx.addIssue({
          code: 'custom',
          message: `unknown top-N table ${unknown.map((k) => JSON.stringify(k)).join(', ')}: tables is a comma-separated list of ${TOP_KEYS.join(', ')}, or none`,
        })
        return z.NEVER
      }
      // In the usual order, each once.
      return TOP_KEYS.filter((k) => names.includes(k))
    })
    .openapi({
      type: 'string',
      description: `Which top-N tables to count, comma-separated (${TOP_KEYS.join(', ')}; all by default), or none for the flow-stat summary alone: a table not asked for is neither counted nor decoded for (1 M flows through the Worker: every table 684 ms, none 202 ms, /flows/summary 152 ms)`,
      example: 'srcaddr,dstport',
    }),
})

export const TimelineQuerySchema = z.object({
  ...common,
  ...save,
  bucket: z.enum(['hour', 'day']).default('hour'),
})

export const SummaryQuerySchema = z.object({ ...common, ...save })

const FileSummarySchema = z
  .object({
    name: z.string(),
    format: z.string(),
    recordVersion: z.string(),
    flows: z.number(),
    matched: z.number(),
    bytes: z.number(),
    octets: z.number(),
    packets: z.number(),
    firstFlowStart: z.string().nullable(),
    lastFlowEnd: z.string().nullable(),
    header: z.record(z.string(), z.unknown()).nullable(),
    headerText: z.string().nullable().openapi({ description: 'flow-header output for the file' }),
    truncated: z
      .object({
        offset: z.number().openapi({
          description:
            'Where the damage was found: a byte offset in the file, or in its inflated records when `inflated`',
        }),
        inflated: z.boolean(),
        bytesLost: z.number().nullable().openapi({
          description:
            'Bytes of a cut record, or of a text input from its bad line on; null when not known (a damaged zlib stream)',
        }),
        flowsLost: z.number().nullable().openapi({
          description:
            "As flowsLostBy says: the header's flow count less the flows read, or the rows of a text input from its bad line on; null without a count",
        }),
        flowsLostBy: z.enum(['header', 'rows']),
        message: z.string(),
      })
      .optional()
      .openapi({
        description:
          'Only with partial=1: the file was cut short or damaged; what was kept and lost',
      }),
    warnings: z.array(z.string()).optional().openapi({
      description: "What is odd about a file read whole: its header's flow count disagrees",
    }),
  })
  .openapi('FlowFileSummary')

const TotalsSchema = z.object({
  files: z.number(),
  flows: z.number(),
  matched: z.number(),
  octets: z.number(),
  packets: z.number(),
  bytes: z.number(),
  firstFlowStart: z.string().nullable(),
  lastFlowEnd: z.string().nullable(),
})

/** With save=1: the saved analysis' id (also in the Location header). */
const savedId = {
  id: z
    .string()
    .optional()
    .openapi({ description: 'save=1: the id of the saved analysis (GET /flows/analyses/{id})' }),
}

/** What flow-nfilter would print on stderr and go on: `permit !80`, a variable left to its default. */
const filterWarnings = {
  filterWarnings: z
    .array(z.object({ code: z.string(), message: z.string() }))
    .optional()
    .openapi({ description: "The filter's warnings (absent when there are none)" }),
}

export const SummaryResponseSchema = z
  .object({
    files: z.array(FileSummarySchema),
    totals: TotalsSchema,
    ...filterWarnings,
    ...savedId,
  })
  .openapi('FlowSummary')

const TopRowSchema = z.object({
  key: z.string(),
  flows: z.number(),
  octets: z.number(),
  packets: z.number(),
})

export const ReportResponseSchema = z
  .object({
    stat: z.object({
      flows: z.number(),
      octets: z.number(),
      packets: z.number(),
      text: z.string().openapi({ description: 'flow-stat -f 0, byte for byte' }),
    }),
    sort: z.enum(TOP_SORTS),
    top: z.record(z.string(), z.array(TopRowSchema)),
    approximate: z.record(z.string(), z.number()).openapi({
      description:
        'Top-N tables that had more distinct keys than the 50,000 kept: counts there may be short by at most this much',
    }),
    files: z.array(FileSummarySchema),
    totals: TotalsSchema,
    ...filterWarnings,
    ...savedId,
  })
  .openapi('FlowReport')

const SeenSchema = z
  .object({
    time: z.string(),
    file: z.string(),
    srcaddr: z.string().optional(),
    srcport: z.number().optional(),
    dstaddr: z.string().optional(),
    dstport: z.number().optional(),
    prot: z.number().optional(),
  })
  .nullable()

export const TimelineResponseSchema = z
  .object({
    bucket: z.enum(['hour', 'day']),
    flows: z.number(),
    firstSeen: SeenSchema,
    lastSeen: SeenSchema,
    buckets: z.array(
      z.object({ start: z.string(), flows: z.number(), octets: z.number(), packets: z.number() }),
    ),
    files: z.array(FileSummarySchema),
    ...filterWarnings,
    ...savedId,
  })
  .openapi('FlowTimeline')

export const AnalysisParamsSchema = z.object({
  id: z
    .string()
    // Handed out in lower case; one copied in upper case is the same id.
    .transform((v) => v.toLowerCase())
    .pipe(
      z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/, {
        error: 'not an analysis id (a UUID, as save=1 answered)',
      }),
    )
    .openapi({
      param: { name: 'id', in: 'path' },
      example: '3b241101-e2bb-4255-8caf-4136c566a962',
    }),
})

export const SavedAnalysisSchema = z
  .object({
    id: z.string(),
    kind: z.enum(['summary', 'report', 'timeline']),
    createdAt: z.string(),
    query: z.record(z.string(), z.unknown()),
    result: z.unknown(),
  })
  .openapi('SavedFlowAnalysis')
