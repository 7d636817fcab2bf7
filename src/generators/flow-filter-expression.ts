import { z } from 'zod'
import { FilterError } from '../flows/filter/filter-error'
import { parseExpression } from '../flows/filter/nfdump-parser'
import { expressionToNfilter } from '../flows/filter/nfdump-to-nfilter'
import { filterName } from './flow-filter-syntax'
import { defineGenerator, GeneratorInputError } from './generator'

/*
 * flow-nfilter filter.cfg from an nfdump-style expression, through the flow analyzer's own
 * parser and translator (src/flows/filter): the text is printed from the parsed tree, never
 * copied from the input, so nothing a caller types reaches the file except what the grammar
 * accepted (addresses, numbers, names it knows).
 */
const schema = z.strictObject({
  expression: z
    .string()
    .min(1)
    .max(4096)
    // The grammar's own characters only: no quotes, backslashes, comments, control or shell
    // characters, so nothing odd can travel even into an error message or a log.
    .regex(
      /^[A-Za-z0-9 .:/[\]()<>=!&|,_*+-]+$/,
      'may contain only letters, digits, spaces and . : / [ ] ( ) < > = ! & | , _ * + -',
    )
    .describe('nfdump-style expression, e.g. host 189.22.36.165 and not port 80'),
  name: filterName.default('expr').describe('Name of the filter-definition (flow-nfilter -F NAME)'),
})

export const flowFilterExpression = defineGenerator({
  kind: 'flow-filter-expression',
  title: 'flow-nfilter filter.cfg from an nfdump expression',
  purpose:
    'Save as filter.cfg; use with: flow-cat FILES | flow-nfilter -f filter.cfg -F NAME | flow-print',
  comment: '#',
  filename: 'filter.cfg',
  schema,
  render(input) {
    try {
      const { config, definition } = expressionToNfilter(
        parseExpression(input.expression),
        input.name,
      )
      // The expression itself is not echoed: flow-nfilter expands @VARIABLES even in comments.
      const head = [`# flow-nfilter -f filter.cfg -F ${definition}`]
      // A definition without a match line is constant (flow-tools.md §5.5); say so, rather
      // than hand over a filter that silently drops (or keeps) every flow.
      if (!/^\s*match /m.test(config)) {
        head.push(
          /^\s*invert$/m.test(config)
            ? '# note: the expression is always true here: this definition passes every flow'
            : '# note: the expression is never true here (flow-tools records are IPv4 only: inet6 and IPv6 addresses match nothing): this definition passes no flow',
        )
      }
      return `${head.join('\n')}\n${config.trimEnd()}`
    } catch (err) {
      if (err instanceof FilterError) {
        // A FilterError's message already begins with its place (`line 1, column 13: ...`).
        const where =
          err.line !== undefined && !/^line \d/.test(err.message)
            ? ` (line ${err.line}, column ${err.column})`
            : ''
        throw new GeneratorInputError('flow-filter-expression', [
          { path: 'expression', message: `${err.message}${where}` },
        ])
      }
      throw err
    }
  },
})
