import type { z } from 'zod'

/** How a whole-line comment starts in an output format. */
export type CommentStyle = '#' | '!' | ';' | 'REM'

/** What a generator may call besides its input: only the zone generator's live lookup uses one. */
export type GeneratorPorts = {
  /** A and AAAA addresses of a name, from the DNS module. */
  lookupAddresses?: (name: string) => Promise<{ a: string[]; aaaa: string[] }>
}

/** One output kind: a schema for its input and a renderer for its text. */
export type GeneratorSpec<S extends z.ZodType> = {
  kind: string
  title: string
  /** What the text is for and where it goes; becomes the comment header. */
  purpose: string
  comment: CommentStyle
  /** Suggested file name for the output (used in the JSON form and Content-Disposition). */
  filename: string
  /**
   * The file name and purpose for this input, where they name something the input chooses
   * (OpenBSD's /etc/hostname.gif1 for interface=gif1); `filename`/`purpose` otherwise.
   */
  named?: (input: z.output<S>) => { filename: string; purpose: string }
  schema: S
  /**
   * Checks on the raw input that must come before the schema, e.g. a depth limit that keeps a
   * recursive schema from overflowing the stack; any issue is a 422 and the schema never runs.
   */
  preflight?: (raw: unknown) => FieldIssue[]
  render: (input: z.output<S>) => string
  /** Async renderers (live lookups) get ports; `usesNetwork` says whether this input needs them. */
  renderAsync?: (input: z.output<S>, ports: GeneratorPorts) => Promise<string>
  usesNetwork?: (input: z.output<S>) => boolean
}

/** A field-level input problem, reported as a 422 naming the field. */
export type FieldIssue = { path: string; message: string }

/** Bad generator input: every issue names its field. */
export class GeneratorInputError extends Error {
  override name = 'GeneratorInputError'
  readonly code = 'invalid_input'
  constructor(
    readonly kind: string,
    readonly issues: FieldIssue[],
  ) {
    super(
      `invalid input for generator '${kind}': ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
    )
  }
}

/** The type-erased generator the registry and the route work with. */
export type Generator = {
  kind: string
  title: string
  purpose: string
  comment: CommentStyle
  filename: string
  schema: z.ZodType
  /** Validates `raw` (throws GeneratorInputError) and tells whether it needs the network. */
  prepare: (raw: unknown) => {
    usesNetwork: boolean
    /** The file name and purpose for this input (see GeneratorSpec.named). */
    filename: string
    purpose: string
    render: (ports: GeneratorPorts) => Promise<string>
  }
}

/** Erases a spec's input type behind `prepare`, so generators of every schema fit in one list. */
export function defineGenerator<S extends z.ZodType>(spec: GeneratorSpec<S>): Generator {
  return {
    kind: spec.kind,
    title: spec.title,
    purpose: spec.purpose,
    comment: spec.comment,
    filename: spec.filename,
    schema: spec.schema,
    prepare(raw) {
      const early = spec.preflight?.(raw) ?? []
      if (early.length > 0) throw new GeneratorInputError(spec.kind, early)
      const parsed = spec.schema.safeParse(raw)
      if (!parsed.success) {
        throw new GeneratorInputError(
          spec.kind,
          parsed.error.issues.map((i) => ({
            path: i.path.map(String).join('.') || '(body)',
            message: i.message,
          })),
        )
      }
      const input = parsed.data
      const usesNetwork = spec.usesNetwork?.(input) ?? false
      const { filename, purpose } = spec.named?.(input) ?? spec
      return {
        usesNetwork,
        filename,
        purpose,
        render: async (ports) => {
          const body =
            usesNetwork && spec.renderAsync
              ? await spec.renderAsync(input, ports)
              : spec.render(input)
          return withHeader({ ...spec, purpose }, body)
        },
      }
    },
  }
}

/** Prefixes a comment header saying what the text is and what it is for. */
export function withHeader(
  spec: { kind: string; title: string; purpose: string; comment: CommentStyle },
  body: string,
): string {
  const head = [
    `${spec.title} (edgeping generator '${spec.kind}')`,
    spec.purpose,
    'Generated text: review it before use.',
  ]
  // Keep one line ending per file: Windows batch output uses CRLF throughout.
  const eol = body.includes('\r\n') ? '\r\n' : '\n'
  return `${commentLines(spec.comment, head).join(eol)}${eol}${body.endsWith(eol) ? body : `${body}${eol}`}`
}

/** Turns lines into whole-line comments in a given style. */
export function commentLines(style: CommentStyle, lines: readonly string[]): string[] {
  return lines.map((l) => (l === '' ? style : `${style} ${l}`))
}
