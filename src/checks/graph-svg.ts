import { bandGrey, lossBuckets, lossColor } from './loss-colors'

/** One step of the graph: a round, or a rollup of several. Times in epoch ms, RTTs in ms. */
export type GraphPoint = {
  t: number
  /** How long the step lasts (the target's step, an hour, a day). */
  span: number
  median: number | null
  /** Lost probes (a count; fractional in rollups). null = unknown step. */
  loss: number | null
  smoke: (number | null)[]
}

export type GraphInput = {
  title: string
  /** e.g. `Last 30 Hours` */
  rangeLabel: string
  start: number
  end: number
  pings: number
  step: number
  /** e.g. `20 TCP connects to port 443` */
  probe: string
  points: GraphPoint[]
}

// SmokePing's detail graph: a 600×200 canvas inside a 697-pixel-wide image, legend below.
const W = 697
const H = 320
const X0 = 67
const Y0 = 33
const CW = 600
const CH = 200

/**
 * Renders the smoke graph in SmokePing's visual language: grey bands pairing the sorted samples
 * from the outside in (darker = more central), the median as a dark line with a 2-pixel bar
 * coloured by that step's loss, and the legend with median and loss statistics.
 */
export function renderSmokeGraph(given: GraphInput): string {
  // A value that is not a finite number (NaN, Infinity from a damaged record or a bad division)
  // is unknown, as RRD reads NaN: one would make the axis NaN and every coordinate with it, and
  // a path with "NaN" in its data is an SVG error that stops the browser drawing the rest of it.
  // A window of no length gets one millisecond, so x() never divides by zero.
  const g: GraphInput = {
    ...given,
    end: given.end > given.start ? given.end : given.start + 1,
    points: given.points
      .filter((p) => Number.isFinite(p.t) && Number.isFinite(p.span))
      .map((p) => ofThisPingCount(p, given.pings)),
  }
  const known = g.points.filter((p) => p.loss !== null)
  const medians = known.map((p) => p.median).filter((m): m is number => m !== null)
  // SmokePing's findmax and `--rigid --upper-limit`: the axis ends exactly at the largest median
  // in the window × 1.2 (not rounded to a tick), so the smoke above it runs off the top.
  const ymax = upperLimit(medians)
  const x = (t: number) => X0 + ((t - g.start) / (g.end - g.start)) * CW
  const y = (v: number) => Y0 + CH - (Math.min(v, ymax) / ymax) * CH
  const out: string[] = []
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="DejaVu Sans Mono, monospace" font-size="10">`,
    `<rect width="${W}" height="${H}" fill="#f3f3f3"/>`,
    `<text x="${W / 2}" y="18" text-anchor="middle" font-size="12">${esc(`${g.rangeLabel} from ${g.title}`)}</text>`,
    `<rect x="${X0}" y="${Y0}" width="${CW}" height="${CH}" fill="#ffffff"/>`,
  )
  out.push(...grid(g, ymax, x, y))

  // SmokePing's smokecol: floor(pings / 2) bands, pairing ping i with ping pings+1-i, and the
  // grey of band i computed with half = pings / 2 unrounded (5 pings: #a4a4a4 and #585858).
  const half = g.pings / 2
  const bands: string[][] = Array.from({ length: Math.floor(half) }, () => [])
  const bars: Map<string, string[]> = new Map()
  let line = ''
  let pen = false
  const buckets = lossBuckets(g.pings)
  for (const p of g.points) {
    const x1 = clampX(x(p.t))
    const x2 = clampX(x(p.t + p.span))
    if (x2 <= x1 || p.loss === null) {
      pen = false
      continue
    }
    const n = p.smoke.length
    if (g.pings >= 3) {
      for (let i = 1; i <= bands.length; i++) {
        const lo = p.smoke[i - 1]
        const hi = p.smoke[n - i]
        // A band with an unknown end is not drawn: lost pings remove the outer bands first.
        if (lo == null || hi == null || lo >= ymax) continue
        bands[i - 1]?.push(rect(x1, y(hi), x2 - x1, y(lo) - y(hi)))
      }
    }
    if (p.median === null) {
      pen = false
      continue
    }
    const ym = y(p.median)
    line += `${pen ? 'L' : 'M'}${f(x1)} ${f(ym)}H${f(x2)}`
    pen = true
    const color = lossColor(buckets, p.loss)
    const list = bars.get(color)
    if (list) list.push(rect(x1, ym - 1, x2 - x1, 2))
    else bars.set(color, [rect(x1, ym - 1, x2 - x1, 2)])
  }
  out.push(`<g id="smoke" clip-path="url(#canvas)">`)
  bands.forEach((parts, i) => {
    if (parts.length) out.push(`<path fill="${bandGrey(i + 1, half)}" d="${parts.join('')}"/>`)
  })
  out.push('</g>')
  if (line)
    out.push(`<path id="median" fill="none" stroke="#202020" stroke-width="1" d="${line}"/>`)
  for (const [color, parts] of bars)
    out.push(`<path class="loss" fill="${color}" d="${parts.join('')}"/>`)
  out.push(
    `<defs><clipPath id="canvas"><rect x="${X0}" y="${Y0}" width="${CW}" height="${CH}"/></clipPath></defs>`,
  )
  out.push(...legend(g, known, medians, buckets))
  out.push('</svg>')
  return out.join('\n')

  function clampX(v: number): number {
    return Math.max(X0, Math.min(X0 + CW, v))
  }
}

function grid(
  g: GraphInput,
  ymax: number,
  x: (t: number) => number,
  y: (v: number) => number,
): string[] {
  const out: string[] = []
  // Grid lines and labels at a round step, never above the (rigid, unrounded) top.
  const stepY = niceStep(ymax / 6)
  for (let k = 0; k * stepY <= ymax * (1 + 1e-9); k++) {
    const v = k * stepY
    const yy = f(y(v))
    out.push(
      `<line x1="${X0}" y1="${yy}" x2="${X0 + CW}" y2="${yy}" stroke="#ff9090" stroke-dasharray="1,2"/>`,
      `<text x="${X0 - 4}" y="${f(y(v) + 3)}" text-anchor="end">${esc(formatMs(v))}</text>`,
    )
  }
  const tick = timeTick(g.end - g.start)
  for (let t = Math.ceil(g.start / tick) * tick; t <= g.end; t += tick) {
    const xx = f(x(t))
    out.push(
      `<line x1="${xx}" y1="${Y0}" x2="${xx}" y2="${Y0 + CH}" stroke="#ff9090" stroke-dasharray="1,2"/>`,
      `<text x="${xx}" y="${Y0 + CH + 12}" text-anchor="middle">${esc(formatTime(t, tick))}</text>`,
    )
  }
  out.push(
    `<line x1="${X0}" y1="${Y0 + CH}" x2="${X0 + CW + 8}" y2="${Y0 + CH}" stroke="#000000"/>`,
    `<line x1="${X0}" y1="${Y0 - 6}" x2="${X0}" y2="${Y0 + CH}" stroke="#000000"/>`,
    `<text transform="translate(14 ${Y0 + CH / 2}) rotate(-90)" text-anchor="middle">Milliseconds</text>`,
  )
  return out
}

function legend(
  g: GraphInput,
  known: GraphPoint[],
  medians: number[],
  buckets: ReturnType<typeof lossBuckets>,
): string[] {
  const avg = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length
  const losses = known.map((p) => ((p.loss ?? 0) * 100) / g.pings)
  const top = Y0 + CH + 30
  const out: string[] = []
  const text = (yy: number, s: string, id: string) =>
    out.push(`<text id="${id}" x="12" y="${yy}" xml:space="preserve">${esc(s)}</text>`)
  if (medians.length) {
    const mean = avg(medians)
    const sd = Math.sqrt(avg(medians.map((m) => (m - mean) ** 2)))
    const now = known.at(-1)?.median
    text(
      top,
      `median rtt:  ${ms(mean)} avg  ${ms(Math.max(...medians))} max  ${ms(Math.min(...medians))} min  ${now == null ? '-' : ms(now)} now  ${ms(sd)} sd  ${sd > 0 ? (mean / sd).toFixed(1) : '-'} am/s`,
      'legend-median',
    )
  } else text(top, 'median rtt:  no data in this range', 'legend-median')
  if (losses.length) {
    text(
      top + 14,
      `packet loss: ${pct(avg(losses))} avg  ${pct(Math.max(...losses))} max  ${pct(Math.min(...losses))} min  ${pct(losses.at(-1) ?? 0)} now`,
      'legend-loss',
    )
  } else text(top + 14, 'packet loss: no data in this range', 'legend-loss')
  out.push(`<text x="12" y="${top + 28}">loss color:</text>`)
  buckets.forEach((b, i) => {
    const xx = 100 + i * 66
    out.push(
      `<rect class="swatch" x="${xx}" y="${top + 20}" width="9" height="9" fill="${b.color}" stroke="#000000" stroke-width="0.5"/>`,
      `<text x="${xx + 13}" y="${top + 28}">${esc(b.label)}</text>`,
    )
  })
  text(top + 42, `probe:       ${g.probe} every ${g.step}s`, 'legend-probe')
  out.push(
    `<text x="${W - 12}" y="${top + 42}" text-anchor="end">${esc(`end: ${new Date(g.end).toUTCString()}`)}</text>`,
  )
  return out
}

/**
 * A point as this graph's ping count reads it, its non-finite values unknown. A round from
 * before the target's `pings` was edited has as many smoke slots as it had pings: pairing them
 * as this count's bands drew them inside out (slot 6 of 10 against slot 5) in the wrong greys,
 * and its loss was read against the wrong count (10 of 10 lost showed as 50 % and orange). Its
 * smoke is left out, as the rollups leave it unknown, and its loss scaled to this count.
 */
function ofThisPingCount(p: GraphPoint, pings: number): GraphPoint {
  const own = p.smoke.length
  const other = own > 0 && own !== pings
  const loss = finiteOrNull(p.loss)
  return {
    ...p,
    median: finiteOrNull(p.median),
    loss: other && loss !== null ? (loss * pings) / own : loss,
    smoke: other ? [] : p.smoke.map(finiteOrNull),
  }
}

function finiteOrNull(v: number | null | undefined): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null
}

function rect(x: number, y: number, w: number, h: number): string {
  return `M${f(x)} ${f(y)}h${f(w)}v${f(Math.max(h, 0.5))}h${f(-w)}z`
}

function f(n: number): string {
  return (Math.round(n * 10) / 10).toString()
}

function ms(v: number): string {
  return `${v < 10 ? v.toFixed(2) : v.toFixed(1)} ms`
}

function pct(v: number): string {
  return `${v.toFixed(2)} %`
}

function formatMs(v: number): string {
  return `${Number(v.toPrecision(3))} ms`
}

/** The smallest 1, 2 or 5 × 10^k step ≥ `raw`. */
function niceStep(raw: number): number {
  const p = 10 ** Math.floor(Math.log10(raw || 1))
  for (const m of [1, 2, 5, 10]) if (raw <= m * p) return m * p
  return 10 * p
}

/**
 * The top of the y axis: SmokePing's findmax (the largest median × 1.2) passed to rrdgraph as
 * `--rigid --upper-limit`. A window without a median gets 1.2 ms (× 1.2 of a nominal 1 ms).
 */
export function upperLimit(medians: readonly number[]): number {
  const max = medians.length ? Math.max(...medians) : 0
  return (max > 0 ? max : 1) * 1.2
}

const MIN = 60_000
const TICKS = [10, 30, 60, 120, 360, 720, 1440, 2880, 10080, 43200].map((m) => m * MIN)

function timeTick(span: number): number {
  return TICKS.find((t) => span / t <= 8) ?? 43200 * MIN
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat']
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']

/** Tick labels in UTC: `Tue 12:00` within days, `Nov 25` across them. */
function formatTime(t: number, tick: number): string {
  const d = new Date(t)
  if (tick < 1440 * MIN) {
    const hh = String(d.getUTCHours()).padStart(2, '0')
    const mm = String(d.getUTCMinutes()).padStart(2, '0')
    return `${DAYS[d.getUTCDay()]} ${hh}:${mm}`
  }
  return `${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()}`
}

/** Text and attribute escaping: a target title can never close an element or open a tag. */
function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}
