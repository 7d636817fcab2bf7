import type { Loc } from './ast'
import { FilterError } from './filter-error'

/** 1-based line and column of an offset. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1
  let lineStart = 0
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++
      lineStart = i + 1
    }
  }
  return { line, column: offset - lineStart + 1 }
}

/**
 * The line before, the offending line with a caret run under `loc`, and the line after, each
 * prefixed with its number (the layout of smol-toml's errors).
 */
export function caretExcerpt(text: string, loc: Loc): string {
  const { line, column } = lineColumn(text, loc.start)
  const lines = text.split(/\r\n|\n|\r/)
  const width = String(line + 1).length
  let out = ''
  for (let n = line - 1; n <= line + 1; n++) {
    const l = lines[n - 1]
    if (l === undefined || (n !== line && l.trim() === '')) continue
    out += `${String(n).padStart(width)} | ${l}\n`
    if (n === line) {
      const span = Math.max(1, Math.min(loc.end, loc.start + l.length - column + 1) - loc.start)
      out += `${' '.repeat(width)} | ${' '.repeat(column - 1)}${'^'.repeat(span)}\n`
    }
  }
  return out
}

/** Builds a FilterError that points at `loc` in `text`. */
export function errorAt(
  code: string,
  message: string,
  source: FilterError['source'],
  text: string,
  loc: Loc,
  label = '',
): FilterError {
  const { line, column } = lineColumn(text, loc.start)
  const where = `${label}line ${line}, column ${column}`
  return new FilterError(
    code,
    `${where}: ${message}`,
    source,
    line,
    column,
    caretExcerpt(text, loc),
  )
}
