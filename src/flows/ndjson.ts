import { ADDRESS_FIELDS, csvColumns } from './csv-export'
import type { FlowBatch, FlowPredicate } from './flow-batch'
import { formatIpv4 } from './ipv4'
import { ftlTimeMs } from './print/flow-time'

/** One JSON object per flow: every present field (addresses dotted) plus start/end in UTC. */
export function ndjsonLines(b: FlowBatch, keep: FlowPredicate, file: string): string {
  const cols = csvColumns(b.present)
  const times = b.present.has('first') && b.present.has('unix_secs')
  const fileJson = JSON.stringify(file)
  let out = ''
  for (let i = 0; i < b.length; i++) {
    if (!keep(b, i)) continue
    let line = `{"file":${fileJson}`
    for (const f of cols) {
      const v = b.cols[f][i] as number
      line += ADDRESS_FIELDS.has(f) ? `,"${f}":"${formatIpv4(v)}"` : `,"${f}":${v}`
    }
    if (times) {
      line += `,"start":"${new Date(ftlTimeMs(b, i, b.cols.first[i] as number)).toISOString()}"`
      line += `,"end":"${new Date(ftlTimeMs(b, i, b.cols.last[i] as number)).toISOString()}"`
    }
    out += `${line}}\n`
  }
  return out
}
