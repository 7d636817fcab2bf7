import type { RefererProbeReport, VariantRecord } from './run-referer-probe'

/**
 * The report as plain text for a terminal: one block per value, the fix rules last so they can
 * be pasted. Values are printable ASCII (checked on input), so they are printed as they are.
 */
export function formatRefererReport(report: RefererProbeReport): string {
  const lines: string[] = []
  const [plain, benign] = report.baseline.requests
  const again = report.baseline.recheck
  lines.push(`${report.method} ${report.url}  header ${report.header}  seed ${report.seed}`)
  lines.push(
    `baseline: ${outcome(plain)} without the header, ${outcome(benign)} with '${benign.value ?? ''}'${again ? `, ${outcome(again)} without it after the variants` : ''}; ${report.baseline.note}`,
  )
  for (const r of report.results) {
    lines.push(
      '',
      `${r.referer}: ${r.verdict.toUpperCase().replaceAll('-', ' ')}`,
      `  ${r.summary}`,
    )
    for (const [name, list] of [
      ['blocked', r.blocked],
      ['allowed', r.allowed],
      ['unknown', r.unknown],
    ] as const) {
      if (list.length > 0) lines.push(`  ${name.padEnd(8)}${list.map(variant).join(', ')}`)
    }
    if (r.fix) lines.push(`  fix: ${r.fix.rule ?? '(none)'}`, `       ${r.fix.note}`)
  }
  const { sent, planned, retried, maxInFlight } = report.requests
  lines.push(
    '',
    `${sent}/${planned} requests${retried ? ` (${retried} sent again after a failed connection)` : ''}, at most ${maxInFlight} in flight, ${report.elapsedMs} ms${report.deadlineReached ? ' (deadline reached)' : ''}`,
  )
  if (report.fixRules) lines.push('', '# ModSecurity rules that close the gaps', report.fixRules)
  return `${lines.join('\n')}\n`
}

function outcome(r: { status?: number; error?: string; partialBody?: true }): string {
  // A cut body is named: its status counted, its fingerprint did not.
  if (r.status !== undefined)
    return r.partialBody ? `${r.status} (body cut by the timeout)` : String(r.status)
  return `failed (${r.error ?? 'unknown'})`
}

function variant(v: VariantRecord): string {
  return `${v.value} ${outcome(v)}`
}
