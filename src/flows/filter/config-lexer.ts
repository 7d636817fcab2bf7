import type { Loc } from './ast'
import { errorAt } from './source-excerpt'

/** One word of a config line, located in the original (unexpanded) text. */
export type Word = { text: string; loc: Loc; at?: number }

export type ConfigLine = {
  /** 1-based line number. */
  line: number
  words: Word[]
  /** Offset of the line's first character. */
  start: number
  /** The expanded text after the first word (time-date takes the rest of the line). */
  restAfter: (wordIndex: number) => string
  /** A variable on this line was unset and had no default (validation mode skips the data). */
  unsetVariable: boolean
  /** The variables the line refers to, and where each value came from. */
  variables: VariableUse[]
}

/** One `@NAME` reference: set by the stage (`-v`), or not (then its default, if it has one). */
export type VariableUse = { name: string; set: boolean; fallback: string | undefined }

export type LexOptions = {
  vars: Readonly<Record<string, string>>
  /** Name of the text in messages (`built-in filter.cfg `), empty for the caller's text. */
  label: string
  source: 'config' | 'definition'
}

/** flow-tools reads lines into a 1024-byte buffer. */
const MAX_LINE = 1024

/**
 * Splits a flow-nfilter configuration into lines of words. As in flow-tools, each line is
 * variable-expanded first (`@NAME`, `@{NAME}`, `@{NAME:-default}`; names are alphanumeric, unset
 * without a default = empty string), then split on spaces and tabs. Blank lines and lines whose
 * first word starts with `#` are skipped (there are no trailing comments).
 */
export function lexConfig(text: string, opts: LexOptions): ConfigLine[] {
  const out: ConfigLine[] = []
  let start = 0
  let lineNo = 0
  while (start <= text.length) {
    let end = text.indexOf('\n', start)
    if (end < 0) end = text.length
    lineNo++
    const raw = text.slice(start, end).replace(/\r$/, '')
    if (raw.length > MAX_LINE) {
      throw errorAt(
        'line_too_long',
        `line longer than ${MAX_LINE} bytes`,
        opts.source,
        text,
        { start, end: start + 1 },
        opts.label,
      )
    }
    const expanded = expandLine(raw, start, text, opts)
    const words = splitWords(expanded.text, expanded.origin, start)
    const first = words[0]
    if (first && !first.text.startsWith('#')) {
      out.push({
        line: lineNo,
        words,
        start,
        unsetVariable: expanded.unset,
        variables: expanded.uses,
        restAfter: (i) => {
          const w = words[i]
          return w ? expanded.text.slice(w.at ?? 0).trim() : ''
        },
      })
    }
    if (end === text.length) break
    start = end + 1
  }
  return out
}

type Expanded = { text: string; origin: number[]; unset: boolean; uses: VariableUse[] }

/** Expands variables; `origin[i]` is the column in the raw line that produced expanded char i. */
function expandLine(raw: string, lineStart: number, text: string, opts: LexOptions): Expanded {
  let out = ''
  const origin: number[] = []
  let unset = false
  const uses: VariableUse[] = []
  const fail = (code: string, msg: string, col: number, len: number): never => {
    throw errorAt(
      code,
      msg,
      opts.source,
      text,
      { start: lineStart + col, end: lineStart + col + len },
      opts.label,
    )
  }
  let i = 0
  while (i < raw.length) {
    const ch = raw[i]
    if (ch !== '@') {
      out += ch
      origin.push(i)
      i++
      continue
    }
    const at = i
    let name = ''
    let fallback: string | undefined
    if (raw[i + 1] === '{') {
      let j = i + 2
      while (j < raw.length && /[A-Za-z0-9]/.test(raw[j] ?? '')) j++
      name = raw.slice(i + 2, j)
      if (raw[j] === ':') {
        if (raw[j + 1] !== '-')
          fail('bad_variable', 'expecting "-" after ":" (@{NAME:-default})', at, j + 2 - at)
        const close = raw.indexOf('}', j + 2)
        if (close < 0) fail('bad_variable', 'Missing }', at, raw.length - at)
        fallback = raw.slice(j + 2, close)
        j = close
      } else if (raw[j] !== '}') {
        if (j >= raw.length) fail('bad_variable', 'Missing }', at, raw.length - at)
        fail(
          'bad_variable',
          'missing ":" (variable names are alphanumeric: @{NAME:-default})',
          at,
          j + 1 - at,
        )
      }
      i = j + 1
    } else {
      let j = i + 1
      while (j < raw.length && /[A-Za-z0-9]/.test(raw[j] ?? '')) j++
      name = raw.slice(i + 1, j)
      if (name === '') {
        out += '@'
        origin.push(i)
        i++
        continue
      }
      i = j
    }
    let value = Object.hasOwn(opts.vars, name) ? opts.vars[name] : undefined
    uses.push({ name, set: value !== undefined, fallback })
    if (value === undefined) {
      value = fallback ?? ''
      if (fallback === undefined) unset = true
    }
    if (/[\r\n]/.test(value))
      fail('bad_variable', `variable ${name} holds a line break`, at, i - at)
    out += value
    for (let k = 0; k < value.length; k++) origin.push(at)
  }
  origin.push(raw.length)
  return { text: out, origin, unset, uses }
}

function splitWords(expanded: string, origin: number[], lineStart: number): Word[] {
  const words: Word[] = []
  const re = /[^ \t]+/g
  for (let m = re.exec(expanded); m; m = re.exec(expanded)) {
    const s = origin[m.index] ?? 0
    const lastCol = origin[m.index + m[0].length - 1] ?? s
    // A word that came from a variable ends where the reference ends in the raw text.
    const e = Math.max(lastCol + 1, origin[m.index + m[0].length] ?? lastCol + 1)
    words.push({
      text: m[0],
      loc: { start: lineStart + s, end: lineStart + Math.max(e, s + 1) },
      at: m.index,
    })
  }
  return words
}
