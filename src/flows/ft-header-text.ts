import { FT_FLAG, type FtHeader } from './ft-header'

const AGG_NAMES = [
  '',
  'AS',
  'Protocol Port',
  'Source Prefix',
  'Destination Prefix',
  'Prefix',
  'Destination',
  'Source Destination',
  'Full Flow',
  'ToS AS',
  'ToS Proto Port',
  'ToS Source Prefix',
  'ToS Destination Prefix',
  'ToS Prefix',
  'ToS Prefix Port',
]
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat']
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']

/** strftime "%a, %d %b %Y %H:%M:%S %z" in UTC (flow-tools prints local time; UTC here). */
function rfc2822(secs: number): string {
  const d = new Date(secs * 1000)
  const p = (n: number) => String(n).padStart(2, '0')
  return `${DAYS[d.getUTCDay()]}, ${p(d.getUTCDate())} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`
}

/**
 * flow-header's text for one file (ftio_header_print), byte for byte on the fixtures: totals and
 * capture times only when the writer filled them in (DONE, or PRELOADED by flow-cat -p).
 */
export function renderFtHeader(h: FtHeader, cc = '#'): string {
  const line = (label: string, value: string | number) =>
    `${cc} ${`${label}:`.padEnd(22)}${value}\n`
  const preloaded = (h.flags & FT_FLAG.PRELOADED) !== 0
  const closed = (h.flags & FT_FLAG.DONE) !== 0 || preloaded
  const complete = !h.streaming || preloaded
  let out = `${cc}\n`
  out += line('mode', h.streaming ? 'streaming' : 'normal')
  if (complete && h.hostname) out += line('capture hostname', h.hostname)
  if (complete && h.capStart !== undefined) out += line('capture start', rfc2822(h.capStart))
  if (closed && h.capEnd !== undefined) {
    out += line('capture end', rfc2822(h.capEnd))
    if (h.capStart !== undefined) out += line('capture period', `${h.capEnd - h.capStart} seconds`)
  }
  out += line('compress', h.compressed ? 'on' : 'off')
  out += line('byte order', h.byteOrder)
  out += line('stream version', h.streamVersion)
  out += line('export version', h.dVersion)
  if (h.dVersion === 8) {
    out += line('export agg_version', h.aggVersion ?? 0)
    out += line(
      'export agg_method',
      `${h.aggMethod ?? 0} (${AGG_NAMES[h.aggMethod ?? 0] ?? 'unknown'})`,
    )
  }
  if (complete && h.flowsLost !== undefined) out += line('lost flows', h.flowsLost)
  if (complete && h.pktsCorrupt !== undefined) out += line('corrupt packets', h.pktsCorrupt)
  if (h.comments) out += line('comments', h.comments)
  if (closed && h.flowCount !== undefined) out += line('capture flows', h.flowCount)
  else if (!h.streaming) out += `${cc} note, incomplete flow file\n`
  return `${out}${cc}\n`
}
