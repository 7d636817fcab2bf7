/** One logical line of a SmokePing config: continuations joined, with its first line number. */
export type ConfigLine = { text: string; line: number }

/**
 * Splits a config into logical lines as Config::Grammar reads them: `#` lines and blank lines
 * dropped, surrounding space trimmed, and a `\` at the end of a line joining the next one with a
 * single space.
 */
export function logicalLines(text: string): ConfigLine[] {
  const out: ConfigLine[] = []
  const raw = text.replace(/\r\n?/g, '\n').split('\n')
  let pending: ConfigLine | undefined
  for (let i = 0; i < raw.length; i++) {
    const trimmed = (raw[i] ?? '').trim()
    if (pending === undefined && (trimmed === '' || trimmed.startsWith('#'))) continue
    const continues = trimmed.endsWith('\\')
    const part = continues ? trimmed.slice(0, -1).trim() : trimmed
    if (pending) pending.text = pending.text === '' ? part : `${pending.text} ${part}`
    else pending = { text: part, line: i + 1 }
    if (!continues) {
      out.push(pending)
      pending = undefined
    }
  }
  if (pending) out.push(pending)
  return out
}
