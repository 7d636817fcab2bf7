import { z } from '@hono/zod-openapi'

/** A TXT string that is not valid UTF-8 comes as dig's escapes of its bytes (src/dns/character-string.ts). */
const TxtPart = z.union([
  z.string(),
  z
    .object({ escaped: z.string() })
    .openapi({ description: 'bytes that are not UTF-8, as dig escapes them: \\DDD, \\", \\\\' }),
])

const RecordData = z
  .union([
    z.string(),
    z.array(TxtPart),
    z.object({ preference: z.number(), exchange: z.string() }),
    z.object({ priority: z.number(), weight: z.number(), port: z.number(), target: z.string() }),
    z.object({
      mname: z.string(),
      rname: z.string(),
      serial: z.number(),
      refresh: z.number(),
      retry: z.number(),
      expire: z.number(),
      minimum: z.number(),
    }),
    z.object({ flags: z.number(), tag: z.string(), value: z.string() }),
    z.object({ hex: z.string() }),
  ])
  .openapi({
    description:
      'Typed RDATA: a string (A, AAAA, CNAME, NS, PTR), strings (TXT; a string that is not UTF-8 as { escaped }), or an object (MX, SRV, SOA, CAA; hex for others)',
  })

export const DnsRecordSchema = z
  .object({
    name: z.string().openapi({
      example: 'www.example.test.',
      description:
        'Absolute, in presentation form as dig prints it (RFC 1035 §5.1): a dot inside a label as \\., " ( ) ; @ $ \\ behind a backslash, other bytes outside 0x21-0x7e as \\DDD; names in RDATA likewise',
    }),
    ttl: z.number().int(),
    class: z.string().openapi({ example: 'IN' }),
    type: z.string().openapi({ example: 'CNAME' }),
    data: RecordData,
  })
  .openapi('DnsRecord')

export const DnsResultSchema = z
  .object({
    question: z.object({ name: z.string(), type: z.string(), class: z.string() }),
    rcode: z
      .string()
      .openapi({ example: 'NOERROR', description: 'NXDOMAIN and SERVFAIL are answers too' }),
    flags: z.object({
      aa: z.boolean(),
      tc: z.boolean(),
      rd: z.boolean(),
      ra: z.boolean(),
      ad: z.boolean(),
      cd: z.boolean(),
    }),
    answer: z.array(DnsRecordSchema),
    authority: z.array(DnsRecordSchema),
    additional: z.array(DnsRecordSchema),
    edns: z
      .object({
        version: z.number().int(),
        udpSize: z.number().int(),
        do: z.boolean(),
        ede: z.array(
          z.object({
            code: z.number().int(),
            purpose: z.string().optional().openapi({
              example: 'DNSSEC Bogus',
              description: "RFC 8914's name for the code; absent for a code the registry lacks",
            }),
            text: z.string().optional(),
          }),
        ),
      })
      .optional()
      .openapi({
        description:
          "The reply's OPT record (RFC 6891): EDNS version, UDP size, DO bit, and Extended DNS Errors (RFC 8914) saying why an answer failed or was blocked",
      }),
    cnameChain: z
      .array(z.string())
      .openapi({ example: ['www.example.test.', 'www.l.example.test.'] }),
    elapsedMs: z.number(),
    cache: z.enum(['hit', 'miss']),
  })
  .openapi('DnsResult')

export const ResolverSchema = z.object({ name: z.string(), url: z.string() }).openapi('Resolver')

export const LookupResponseSchema = z
  .object({
    name: z.string(),
    resolver: ResolverSchema,
    elapsedMs: z.number(),
    cache: z.enum(['hit', 'miss', 'partial']),
    results: z.array(DnsResultSchema),
  })
  .openapi('LookupResponse')

/** Present but empty (`type=`) is refused rather than read as "the default": leave it out. */
const typeText = z
  .string()
  .regex(/[^\s,]/, 'empty: leave type out for the default, or name types such as A,MX')
const typeField = typeText.openapi({
  description:
    'Comma-separated: A, AAAA, CNAME, MX, NS, TXT, SOA, PTR, SRV, CAA (default A,AAAA; PTR for an IP address; NS for the root "."); at most 100 characters; may be repeated',
  example: 'A,AAAA',
})
const resolverField = z.string().openapi({
  description:
    'cloudflare, google, quad9, he, or (with the API token) an https DoH URL; default DOH_URL',
  example: 'cloudflare',
})
const formatField = z.enum(['json', 'dig', 'short']).openapi({
  description:
    "Overrides the Accept header: json, dig (dig's sections), short (dig +short: the answers' data, one per line)",
})
const transportField = z
  .enum(['post', 'get'])
  .openapi({ description: 'RFC 8484 method towards the resolver: POST (default) or GET ?dns=' })

export const LookupQuerySchema = z.object({
  name: z.string().min(1).max(1024).openapi({
    example: 'www.example.test',
    description: 'A domain name, "." for the root, or an IPv4 (dotted quad) or IPv6 address',
  }),
  // Repeated (`type=A&type=MX`) reads as one list, as a JSON array does.
  type: z.union([typeField, z.array(typeText).min(1).max(10)]).optional(),
  resolver: resolverField.optional(),
  format: formatField.optional(),
  transport: transportField.optional(),
})

export const LookupBodySchema = z
  .object({
    name: z.string().min(1).max(1024),
    type: z.union([typeField, z.array(typeText).min(1).max(10)]).optional(),
    resolver: resolverField.optional(),
    format: formatField.optional(),
    transport: transportField.optional(),
  })
  .openapi('LookupRequest')

export const ReadinessQuerySchema = z.object({
  domain: z.string().min(1).max(1024).openapi({
    example: 'example.test',
    description:
      'A domain name; not an address, the root or a name with a wildcard label `*` (code wildcard)',
  }),
  resolver: resolverField.optional(),
  format: z
    .enum(['json', 'text'])
    .optional()
    .openapi({ description: 'Overrides the Accept header' }),
  // Checked by parsePorts (src/dns/reach-ports.ts), whose 422 names the rule in `code`.
  ports: z.string().optional().openapi({
    description:
      'TCP ports for the web reachability check (default 80,443; max 4; a repeated port counts once)',
    example: '80,443',
  }),
})

const CheckSchema = z.object({
  id: z.enum(['web_aaaa_apex', 'web_aaaa_www', 'ns_aaaa', 'mx_aaaa', 'web_reach']),
  title: z.string(),
  verdict: z.enum(['pass', 'fail', 'warning', 'info', 'unknown']).openapi({
    description:
      'unknown: a lookup the check needs failed (SERVFAIL, REFUSED, timeout); not scored',
  }),
  summary: z.string(),
  evidence: z.array(z.string()),
  fix: z.array(z.string()).optional(),
})

export const ReadinessResponseSchema = z
  .object({
    domain: z.string(),
    score: z.number().int().min(0).max(100).openapi({
      description: 'Over the pass/warning/fail checks; info and unknown checks are not counted',
    }),
    verdict: z.enum(['pass', 'fail', 'warning', 'info', 'unknown']).openapi({
      description:
        'unknown when a check could not be determined and none failed, or none was scored',
    }),
    checks: z.array(CheckSchema),
    resolver: ResolverSchema,
  })
  .openapi('Ipv6ReadinessReport')
