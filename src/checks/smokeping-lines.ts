/**
 * One logical line of a SmokePing config: continuations joined, with its first line number and,
 * when a `\` continued it, its last one (Config::Grammar names the last in its errors).
 */
export type ConfigLine = { text: string; line: number; last?: number }

/**
 * Splits a config into logical lines as Config::Grammar (SmokePing's reader) does: each line
 * trimmed, a comment cut at its first `#` wherever it is (with the space before it), empty lines
 * dropped, and while a line ends in a backslash, it is dropped and the next raw line, trimmed
 * (and not stripped of comments), is joined after one space.
 */
export function logicalLines(text: string): ConfigLine[] {
  const out: ConfigLine[] = []
  const raw = text.replace(/\r\n?/g, '\n').split('\n')
  for (let i = 0; i < raw.length; i++) {
    // Perl's s/\s*#.*$//, without a regular expression (quadratic on a long line of spaces).
    let t = (raw[i] ?? '').trim()
    const hash = t.indexOf('#')
    if (hash >= 0) t = t.slice(0, hash).trimEnd()
    if (t === '') continue
    const line = i + 1
    // The parts joined once at the end: appending to a string a line at a time made a long
    // chain of continuations cost seconds. The joined text ends in `\` exactly when its newest
    // part does (an empty part leaves the joining space at the end).
    const parts: string[] = []
    while (t.endsWith('\\')) {
      t = t.slice(0, -1)
      if (i + 1 >= raw.length) break
      parts.push(t)
      i++
      t = (raw[i] ?? '').trim()
    }
    parts.push(t)
    const joined = parts.join(' ')
    out.push(i + 1 > line ? { text: joined, line, last: i + 1 } : { text: joined, line })
  }
  return out
}

/** ` (lines 3-5, joined by \)` for a continued line, else nothing: for error messages. */
export function spanNote(l: ConfigLine): string {
  return l.last !== undefined ? ` (lines ${l.line}-${l.last}, joined by \\)` : ''
}
