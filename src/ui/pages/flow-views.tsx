import { protocolName } from '../../flows/filter/symbol-names'
import type { SeenFlow, TimelineResult } from '../../flows/report/timeline'
import type { TOP_KEYS, TopRow } from '../../flows/report/top-talkers'

/** The pieces of a flow answer shown on the job and saved-analysis pages. */

export const TOP_TITLES: Record<(typeof TOP_KEYS)[number], string> = {
  srcaddr: 'Source addresses',
  dstaddr: 'Destination addresses',
  srcport: 'Source ports',
  dstport: 'Destination ports',
  prot: 'Protocols',
  pair: 'Address pairs',
}

/** Unix seconds as ISO 8601, without zero milliseconds. */
export const iso = (unix: number) => new Date(unix * 1000).toISOString().replace('.000Z', 'Z')
export const n = (x: number) => x.toLocaleString('en-US')
export const when = (t: string | null | undefined) =>
  t ? t.replace('T', ' ').replace(/\.\d+Z$/, ' UTC') : '-'

export function Seen(props: { label: string; seen: SeenFlow | null; id: string }) {
  const s = props.seen
  return (
    <p id={props.id}>
      <strong>{props.label}:</strong>{' '}
      {s ? (
        <>
          {when(s.time)}{' '}
          <span class="data">
            {s.srcaddr ?? '?'}:{s.srcport ?? '?'} → {s.dstaddr ?? '?'}:{s.dstport ?? '?'}{' '}
            {s.prot === undefined ? '' : (protocolName(s.prot) ?? `proto ${s.prot}`)}
          </span>{' '}
          <span class="muted">({s.file})</span>
        </>
      ) : (
        'no matching flow'
      )}
    </p>
  )
}

/**
 * `range` (unix seconds, [from, to)): the span the bars stand on, a job's query range; without
 * it, the span of the non-empty buckets.
 */
export function Timeline(props: {
  timeline: TimelineResult
  range?: { from: number; to: number } | undefined
}) {
  const tl = props.timeline
  return (
    <section class="card" aria-label="Timeline">
      <h2>Timeline (matching flows per {tl.bucket}, UTC)</h2>
      <Seen label="First seen" seen={tl.firstSeen} id="first-seen" />
      <Seen label="Last seen" seen={tl.lastSeen} id="last-seen" />
      <BarChart buckets={tl.buckets} step={tl.bucket} range={props.range} />
      <details>
        <summary>As a table</summary>
        <CountsTable
          keyTitle="Start"
          rows={tl.buckets.map((b) => ({
            ...b,
            key: b.start.slice(0, tl.bucket === 'hour' ? 16 : 10),
          }))}
        />
      </details>
    </section>
  )
}

/** At most this many bars; a longer span is drawn from its non-empty buckets only. */
const MAX_BARS = 2000

/** Empty buckets between the non-empty ones, so the bars stand on a true time axis. */
function withGaps(
  buckets: { start: string; flows: number }[],
  step: 'hour' | 'day',
  range?: { from: number; to: number },
): { start: string; flows: number }[] {
  const ms = step === 'hour' ? 3_600_000 : 86_400_000
  let first = Date.parse(buckets[0]?.start ?? '')
  let last = Date.parse(buckets.at(-1)?.start ?? '')
  if (range && range.to > range.from) {
    // The bucket holding `from` to the one holding the range's last second.
    first = Math.min(first, Math.floor((range.from * 1000) / ms) * ms)
    last = Math.max(last, Math.floor((range.to * 1000 - 1) / ms) * ms)
  }
  const span = (last - first) / ms + 1
  if (!Number.isFinite(span) || span > MAX_BARS) return buckets
  const byStart = new Map(buckets.map((b) => [Date.parse(b.start), b.flows]))
  return Array.from({ length: span }, (_, i) => {
    const t = first + i * ms
    return { start: new Date(t).toISOString(), flows: byStart.get(t) ?? 0 }
  })
}

/** Matching flows per bucket as SVG bars, drawn on the server (no chart script needed). */
export function BarChart(props: {
  buckets: { start: string; flows: number }[]
  step: 'hour' | 'day'
  range?: { from: number; to: number } | undefined
}) {
  if (props.buckets.length === 0) return <p class="muted">No matching flow.</p>
  const b = withGaps(props.buckets, props.step, props.range)
  const cut = props.step === 'hour' ? 16 : 10
  const first = (b[0]?.start ?? '').slice(0, cut).replace('T', ' ')
  const last = (b.at(-1)?.start ?? '').slice(0, cut).replace('T', ' ')
  const max = Math.max(...b.map((x) => x.flows))
  const w = 10
  const h = 120
  const label = `Matching flows per ${props.step} from ${first} to ${last} UTC: ${b.length} ${props.step}s, peak ${max}`
  return (
    <figure style="margin:0">
      <svg
        role="img"
        aria-label={label}
        viewBox={`0 0 ${b.length * w} ${h}`}
        width="100%"
        height={h}
        preserveAspectRatio="none"
        style="max-width:100%;display:block;border-bottom:1px solid var(--line)"
      >
        {b.map((x, i) =>
          x.flows === 0 ? null : (
            <rect
              x={i * w + 1}
              y={h - Math.max(1, Math.round((x.flows / max) * (h - 4)))}
              width={w - 2}
              height={Math.max(1, Math.round((x.flows / max) * (h - 4)))}
              fill="currentColor"
              class="info"
            >
              <title>{`${x.start.slice(0, cut).replace('T', ' ')}: ${x.flows} flows`}</title>
            </rect>
          ),
        )}
      </svg>
      <figcaption class="muted" style="display:flex;justify-content:space-between">
        <span>{first}</span>
        <span>peak {max} flows</span>
        <span>{last}</span>
      </figcaption>
    </figure>
  )
}

export function TopTable(props: {
  title: string
  rows: TopRow[]
  bound?: number | undefined
  prot: boolean
}) {
  return (
    <div>
      <h3>{props.title}</h3>
      {props.bound ? <p class="muted">Counts may be short by at most {props.bound}.</p> : null}
      <CountsTable
        keyTitle="Key"
        rows={props.rows.map((row) => ({
          ...row,
          key: props.prot
            ? (protocolName(Number(row.key)) ?? row.key)
            : row.key.replace(' -> ', ' → '),
        }))}
      />
    </div>
  )
}

/** Flows, octets and packets per key (a top-N table, or the timeline's buckets). */
function CountsTable(props: {
  keyTitle: string
  rows: { key: string; flows: number; octets: number; packets: number }[]
}) {
  return (
    <section class="table-wrap" tabindex={0} aria-label="Table, scrollable">
      <table>
        <thead>
          <tr>
            <th scope="col">{props.keyTitle}</th>
            <th scope="col">Flows</th>
            <th scope="col">Octets</th>
            <th scope="col">Packets</th>
          </tr>
        </thead>
        <tbody>
          {props.rows.map((r) => (
            <tr>
              <td class="data">{r.key}</td>
              <td>{n(r.flows)}</td>
              <td>{n(r.octets)}</td>
              <td>{n(r.packets)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  )
}
