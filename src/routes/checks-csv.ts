import type { Series } from '../checks/history'

/**
 * CSV of a series, one row per round or aggregate, RTTs in ms, `ping1..pingN` the smoke. The
 * only free text (a round's reason) is quoted, and a leading = + - @ is neutralised so a
 * spreadsheet never runs it as a formula.
 */
export function seriesCsv(series: Series, pings: number): string {
  const smokeCols = Array.from({ length: pings }, (_, i) => `ping${i + 1}`)
  const cell = (v: number | null | undefined) => (v == null ? '' : String(v))
  if (series.resolution === 'raw') {
    const head = [
      'time',
      'status',
      'pings',
      'loss',
      'median',
      'min',
      'max',
      'mean',
      'stddev',
      'jitter',
      ...smokeCols,
      'reason',
    ]
    const rows = series.rounds.map((r) =>
      [
        new Date(r.m * 60_000).toISOString(),
        r.status,
        String(r.pings),
        cell(r.loss),
        cell(r.median),
        cell(r.min),
        cell(r.max),
        cell(r.mean),
        cell(r.stddev),
        cell(r.jitter),
        ...smokeCols.map((_, i) => cell(r.smoke?.[i])),
        quote(r.reason ?? ''),
      ].join(','),
    )
    return `${[head.join(','), ...rows].join('\n')}\n`
  }
  const head = ['time', 'rounds', 'unknown', 'pings', 'loss', 'median', 'min', 'max', ...smokeCols]
  const rows = series.points.map((p) =>
    [
      new Date(p.t).toISOString(),
      String(p.n),
      String(p.unknown),
      String(p.pings),
      cell(p.loss),
      cell(p.median),
      cell(p.min),
      cell(p.max),
      ...smokeCols.map((_, i) => cell(p.smoke[i])),
    ].join(','),
  )
  return `${[head.join(','), ...rows].join('\n')}\n`
}

function quote(s: string): string {
  if (s === '') return ''
  const safe = /^[=+\-@]/.test(s) ? `'${s}` : s
  return `"${safe.replace(/"/g, '""').replace(/[\r\n]+/g, ' ')}"`
}
