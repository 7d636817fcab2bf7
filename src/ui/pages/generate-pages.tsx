import type { Generator } from '../../generators/generator'

/** A form field, derived from the generator's JSON Schema. */
export type FormField = {
  name: string
  label: string
  kind: 'text' | 'number' | 'select' | 'json' | 'list'
  options?: string[]
  required: boolean
  placeholder?: string
  /** The schema's description, shown under the field (its label is the parameter's name). */
  hint?: string
}

type JsonSchema = {
  type?: string | string[]
  enum?: unknown[]
  description?: string
  default?: unknown
  items?: JsonSchema
  properties?: Record<string, JsonSchema>
  required?: string[]
  anyOf?: JsonSchema[]
  allOf?: JsonSchema[]
}

/** Turns a generator's input schema (top-level properties) into form fields. */
export function formFields(schema: JsonSchema): FormField[] {
  const props: Record<string, JsonSchema> = { ...schema.properties }
  const required = new Set(schema.required ?? [])
  for (const part of schema.allOf ?? []) {
    Object.assign(props, part.properties)
    for (const r of part.required ?? []) required.add(r)
  }
  return Object.entries(props).map(([name, p]) => {
    const enumValues = p.enum ?? p.anyOf?.flatMap((a) => a.enum ?? [])
    const type = Array.isArray(p.type) ? p.type[0] : p.type
    const base = {
      name,
      label: name,
      ...(p.description ? { hint: p.description } : {}),
      required: required.has(name) && p.default === undefined,
      ...(p.default !== undefined ? { placeholder: `default ${JSON.stringify(p.default)}` } : {}),
    }
    if (enumValues && enumValues.length > 0)
      return { ...base, kind: 'select', options: enumValues.map(String) }
    if (type === 'boolean') return { ...base, kind: 'select', options: ['true', 'false'] }
    if (type === 'integer' || type === 'number') return { ...base, kind: 'number' }
    if (type === 'array') {
      const itemType = p.items?.type
      if (itemType === 'object' || p.items?.anyOf) {
        return { ...base, kind: 'json', placeholder: JSON.stringify(skeleton(p)) }
      }
      return { ...base, kind: 'list' }
    }
    if (type === 'object')
      return { ...base, kind: 'json', placeholder: JSON.stringify(skeleton(p)) }
    return { ...base, kind: 'text' }
  })
}

/**
 * The shape of a JSON field as a placeholder: its required members (or its first two) with a
 * value of their type, so a user sees the member names without reading the docs.
 */
function skeleton(p: JsonSchema, depth = 0): unknown {
  const type = Array.isArray(p.type) ? p.type[0] : p.type
  if (depth > 3) return null
  if (p.enum?.length) return p.enum[0]
  if (type === 'array') return p.items ? [skeleton(p.items, depth + 1)] : []
  if (type === 'object' || p.properties) {
    const names = Object.keys(p.properties ?? {})
    const shown = (p.required?.length ? p.required : names).slice(0, 3)
    return Object.fromEntries(shown.map((n) => [n, skeleton(p.properties?.[n] ?? {}, depth + 1)]))
  }
  if (type === 'integer' || type === 'number') return 0
  if (type === 'boolean') return false
  return '…'
}

export function GeneratorList(props: { generators: readonly Generator[] }) {
  return (
    <>
      <p>
        Paste-ready configuration from a few parameters; every output passes its real consumer's
        check.
      </p>
      <div class="tiles">
        {props.generators.map((g) => (
          <section class="card">
            <h2>
              <a href={`/generate/${g.kind}`}>{g.title}</a>
            </h2>
            <p>{g.purpose}</p>
          </section>
        ))}
      </div>
    </>
  )
}

export function GeneratorForm(props: {
  generator: Generator
  fields: FormField[]
  values: Record<string, string>
  output?: string | undefined
  /** This input's file name and purpose (OpenBSD's hostname.gif1), once it rendered. */
  named?: { filename: string; purpose: string } | undefined
  errors?: { path: string; message: string }[] | undefined
  needsLogin: boolean
  /** This page with its query, where login returns to. */
  next?: string | undefined
}) {
  const g = props.generator
  const { filename, purpose } = props.named ?? g
  return (
    <>
      <p>{purpose}</p>
      {props.errors && props.errors.length > 0 ? (
        <div class="error" role="alert">
          <strong>Fix these fields</strong>
          <ul>
            {props.errors.map((e) => {
              // The field an error is about (`hosts.0.name` is the hosts field), as a link to it.
              const field = props.fields.find((f) => f.name === e.path.split('.')[0])
              return (
                <li>
                  {field ? (
                    <a href={`#f-${field.name}`}>
                      <code>{e.path}</code>
                    </a>
                  ) : (
                    <code>{e.path}</code>
                  )}
                  : {e.message}
                </li>
              )
            })}
          </ul>
        </div>
      ) : null}
      <form class="card" method="get" action={`/generate/${g.kind}`}>
        <div class="fields">
          {props.fields.map((f) => {
            const invalid = props.errors?.some((e) => e.path.split('.')[0] === f.name) ?? false
            const aria = {
              ...(f.hint ? { 'aria-describedby': `h-${f.name}` } : {}),
              ...(invalid ? { 'aria-invalid': 'true' as const } : {}),
            }
            return (
              <div class="field">
                <label for={`f-${f.name}`}>{f.label}</label>
                {f.kind === 'select' ? (
                  <select id={`f-${f.name}`} name={f.name} {...aria}>
                    {f.required ? null : <option value="">(default)</option>}
                    {(f.options ?? []).map((o) => (
                      <option value={o} selected={props.values[f.name] === o}>
                        {o}
                      </option>
                    ))}
                  </select>
                ) : f.kind === 'json' ? (
                  <textarea
                    id={`f-${f.name}`}
                    name={f.name}
                    rows={4}
                    cols={40}
                    placeholder={f.placeholder ?? 'JSON'}
                    required={f.required}
                    {...aria}
                  >
                    {props.values[f.name] ?? ''}
                  </textarea>
                ) : (
                  <input
                    id={`f-${f.name}`}
                    name={f.name}
                    type={f.kind === 'number' ? 'number' : 'text'}
                    value={props.values[f.name] ?? ''}
                    required={f.required}
                    placeholder={f.kind === 'list' ? 'comma-separated' : f.placeholder}
                    {...aria}
                  />
                )}
                {f.hint ? (
                  <small id={`h-${f.name}`} class="muted hint">
                    {f.hint}
                  </small>
                ) : null}
              </div>
            )
          })}
          <button type="submit">Generate</button>
        </div>
        {props.needsLogin ? (
          <div class="error" role="alert">
            <strong>A live lookup needs the API token</strong>
            <div>
              <a href={`/login?next=${encodeURIComponent(props.next ?? `/generate/${g.kind}`)}`}>
                Log in
              </a>{' '}
              and generate again (the form stays filled in).
            </div>
          </div>
        ) : null}
      </form>
      {props.output !== undefined ? (
        <section class="card" aria-label="Generated configuration">
          <p>
            <code>{filename}</code>{' '}
            <button type="button" id="copy" data-target="output">
              Copy
            </button>{' '}
            <span id="copied" role="status" aria-live="polite" />
          </p>
          <pre id="output" tabindex={0}>
            {props.output}
          </pre>
          <script dangerouslySetInnerHTML={{ __html: COPY_SCRIPT }} />
        </section>
      ) : null}
    </>
  )
}

// The only client script of the dashboard: copy the output to the clipboard.
// A browser that refuses the clipboard (no permission, not a secure context) gets told so, with the
// output selected for a manual copy, instead of a button that silently does nothing.
const COPY_SCRIPT = `document.getElementById('copy').addEventListener('click', async () => {
  const output = document.getElementById('output')
  const status = document.getElementById('copied')
  status.textContent = ''
  try {
    await navigator.clipboard.writeText(output.textContent)
    status.textContent = 'Copied'
  } catch {
    getSelection().selectAllChildren(output)
    status.textContent = 'Copy failed: the text is selected, press Ctrl+C'
  }
})`
