import type { FilterStage } from './index'
import { errorAt } from './source-excerpt'

/** Variable names are alphanumeric, as flow-nfilter's `@NAME` (flow-tools.md §5.2). */
const ASSIGNMENT = /^([A-Za-z0-9]+)=(.*)$/s

/**
 * Reads a definition stage written as `NAME[:VAR=value[,VAR=value...]]`, the `def=` query form
 * of the flow endpoints (`def=ip-addr:ADDR=189.22.36.165`), i.e. `flow-nfilter -F NAME -v VAR=value`.
 * A comma starts a new variable only when `WORD=` follows, so a value may hold a list:
 * `def=p:PORTS=22,6667,7000,PROT=6`.
 *
 * @example
 * parseDefinitionStage('not-ip-port:PORT=80') // { kind: 'definition', name: 'not-ip-port', vars: { PORT: '80' } }
 */
export function parseDefinitionStage(text: string): FilterStage {
  const colon = text.indexOf(':')
  const name = colon < 0 ? text : text.slice(0, colon)
  if (!/^[^\s:]+$/.test(name)) {
    throw errorAt(
      'bad_stage',
      'expected a definition name (NAME or NAME:VAR=value,...)',
      'definition',
      text,
      {
        start: 0,
        end: Math.max(1, name.length),
      },
    )
  }
  const vars: Record<string, string> = {}
  if (colon >= 0) {
    let offset = colon + 1
    for (const part of text.slice(colon + 1).split(/,(?=[A-Za-z0-9]+=)/)) {
      const m = ASSIGNMENT.exec(part)
      if (!m?.[1]) {
        throw errorAt(
          'bad_stage',
          'expected VAR=value (variable names are alphanumeric)',
          'definition',
          text,
          {
            start: offset,
            end: offset + Math.max(1, part.length),
          },
        )
      }
      // Later assignments win, as with repeated -v.
      vars[m[1]] = m[2] ?? ''
      offset += part.length + 1
    }
  }
  return { kind: 'definition', name, vars }
}
