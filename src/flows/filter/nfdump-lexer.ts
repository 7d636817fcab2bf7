import type { Loc } from './ast'
import { errorAt } from './source-excerpt'

export type Token = {
  kind: 'word' | 'op' | '(' | ')' | '[' | ']' | ',' | 'eof'
  text: string
  loc: Loc
}

const OPS = ['==', '>=', '<=', '&&', '||', '=', '>', '<', '!']

/**
 * Splits an nfdump filter into tokens: words (keywords, numbers, addresses, `a.b.c.d/len`),
 * comparison operators, `!`/`&&`/`||`, parentheses, brackets and commas. `#` starts a comment
 * that runs to the end of the line (nfdump(1)).
 */
export function lexExpression(text: string): Token[] {
  const tokens: Token[] = []
  let i = 0
  while (i < text.length) {
    const ch = text[i] ?? ''
    if (/\s/.test(ch)) {
      i++
      continue
    }
    if (ch === '#') {
      while (i < text.length && text[i] !== '\n') i++
      continue
    }
    if ('()[],'.includes(ch)) {
      tokens.push({ kind: ch as Token['kind'], text: ch, loc: { start: i, end: i + 1 } })
      i++
      continue
    }
    const op = OPS.find((o) => text.startsWith(o, i))
    if (op) {
      tokens.push({ kind: 'op', text: op, loc: { start: i, end: i + op.length } })
      i += op.length
      continue
    }
    const m = /^[A-Za-z0-9._:/+-]+/.exec(text.slice(i))
    if (!m) {
      throw errorAt('syntax_error', `unexpected character "${ch}"`, 'expression', text, {
        start: i,
        end: i + 1,
      })
    }
    tokens.push({ kind: 'word', text: m[0], loc: { start: i, end: i + m[0].length } })
    i += m[0].length
  }
  tokens.push({ kind: 'eof', text: '', loc: { start: text.length, end: text.length } })
  return tokens
}
