import { spawnSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { renderSmokeGraph, upperLimit } from '../../../src/checks/graph-svg'
import { sampleSeries } from './sample-series'

const END = Date.UTC(2026, 10, 25, 16, 30)
const input = {
  title: 'vm <script>',
  rangeLabel: 'Last 30 Hours',
  start: END - 30 * 3600_000,
  end: END,
  pings: 20,
  step: 300,
  probe: '20 TCP connects to port 443',
  points: sampleSeries(END),
}

describe('renderSmokeGraph', () => {
  const svg = renderSmokeGraph(input)
  // GRAPH_OUT=/tmp/x.svg npx vitest run test/unit/checks/graph-svg.test.ts, then rsvg-convert, to look at it.
  if (process.env.GRAPH_OUT) writeFileSync(process.env.GRAPH_OUT, svg)

  it('draws ten smoke bands for 20 pings, outermost (lightest) first', () => {
    const fills = [...svg.matchAll(/<path fill="(#[0-9a-f]{6})" d=/g)].map((m) => m[1])
    expect(fills).toEqual([
      '#dddddd',
      '#cacaca',
      '#b7b7b7',
      '#a4a4a4',
      '#919191',
      '#7e7e7e',
      '#6b6b6b',
      '#585858',
      '#454545',
      '#323232',
    ])
  })

  it('draws the median line and loss-coloured median bars, 6/20 loss in orange', () => {
    expect(svg).toMatch(/<path id="median" fill="none" stroke="#202020"/)
    const colors = [...svg.matchAll(/<path class="loss" fill="(#[0-9a-f]{6})"/g)].map((m) => m[1])
    expect(colors).toEqual(expect.arrayContaining(['#26ff00', '#00b8ff', '#ff5500']))
  })

  it('has the SmokePing legend: median avg/max/min/now/sd, loss avg/max/min/now, colours, probe', () => {
    expect(svg).toMatch(
      /median rtt: +[\d.]+ ms avg +[\d.]+ ms max +[\d.]+ ms min +[\d.]+ ms now +[\d.]+ ms sd/,
    )
    expect(svg).toMatch(/packet loss: [\d.]+ % avg +30\.00 % max +0\.00 % min/)
    expect([...svg.matchAll(/class="swatch"/g)]).toHaveLength(8)
    expect(svg).toContain('>20/20<')
    expect(svg).toContain('20 TCP connects to port 443 every 300s')
  })

  it('escapes the title and stays well-formed', () => {
    expect(svg).toContain('Last 30 Hours from vm &#60;script&#62;')
    expect(svg).not.toContain('<script')
    expect(svg.match(/<svg/g)).toHaveLength(1)
    expect(svg.trim().endsWith('</svg>')).toBe(true)
  })

  it('leaves lost outer bands out and skips unknown steps', () => {
    const one = renderSmokeGraph({
      ...input,
      points: [
        {
          t: input.start,
          span: 300_000,
          median: 20,
          loss: 2,
          smoke: [null, ...Array<number>(18).fill(20), null],
        },
        { t: input.start + 300_000, span: 300_000, median: null, loss: null, smoke: [] },
      ],
    })
    const fills = [...one.matchAll(/<path fill="(#[0-9a-f]{6})" d=/g)].map((m) => m[1])
    expect(fills).not.toContain('#dddddd')
    expect(fills).toHaveLength(9)
  })

  const fillsFor = (pings: number) =>
    [
      ...renderSmokeGraph({
        ...input,
        pings,
        points: [
          {
            t: input.start,
            span: 300_000,
            median: 100,
            loss: 0,
            smoke: Array.from({ length: pings }, (_, k) => 10 + k),
          },
        ],
      }).matchAll(/<path fill="(#[0-9a-f]{6})" d=/g),
    ].map((m) => (m[1] ?? '').slice(1))

  // SmokePing 2.7.3's own smokecol (Smokeping.pm), run as
  // perl -MSmokeping -e 'print join(" ", map { /STACK:smoke\d+#(\w+)/ ? $1 : () } @{Smokeping::smokecol($ARGV[0])})' N
  // It divides by half = count / 2 unrounded, so odd counts are not those of count - 1.
  const SMOKECOL: Record<number, string[]> = {
    3: ['717171'],
    5: ['a4a4a4', '585858'],
    7: ['b9b9b9', '838383', '4d4d4d'],
    20: [
      ...['dddddd', 'cacaca', 'b7b7b7', 'a4a4a4', '919191'],
      ...['7e7e7e', '6b6b6b', '585858', '454545', '323232'],
    ],
  }

  it.each([3, 5, 7, 20])('greys the bands for %i pings as SmokePing smokecol does', (pings) => {
    expect(fillsFor(pings)).toEqual(SMOKECOL[pings])
  })

  const smokeping = spawnSync('perl', ['-MSmokeping', '-e1']).status === 0
  it.skipIf(!smokeping)('matches the installed Smokeping::smokecol for 3..40 pings', () => {
    const run = spawnSync(
      'perl',
      [
        '-MSmokeping',
        '-e',
        'for my $n (3..40) { print join(" ", map { /STACK:smoke\\d+#(\\w+)/ ? $1 : () } @{Smokeping::smokecol($n)}), "\\n" }',
      ],
      { encoding: 'utf8' },
    )
    const lines = run.stdout.trim().split('\n')
    expect(lines).toHaveLength(38)
    lines.forEach((line, i) => {
      expect(fillsFor(i + 3), `${i + 3} pings`).toEqual(line.split(' '))
    })
  })

  it('ends the y axis exactly at the largest median × 1.2 (--rigid --upper-limit)', () => {
    expect(upperLimit([3, 21, 17])).toBeCloseTo(25.2, 9)
    expect(upperLimit([])).toBeCloseTo(1.2, 9)
    const svg21 = renderSmokeGraph({
      ...input,
      points: [
        { t: input.start, span: 300_000, median: 21, loss: 0, smoke: Array(20).fill(21) },
        { t: input.start + 300_000, span: 300_000, median: 3, loss: 0, smoke: Array(20).fill(3) },
      ],
    })
    // the largest median sits at 1/1.2 of the canvas height (top 33, height 200): y = 66.3
    expect(svg21).toMatch(/<path id="median" [^>]*d="M67 66\.3H/)
    // tick labels on a round step inside the range: 0 to 25 ms, none above 25.2
    const labels = [...svg21.matchAll(/text-anchor="end">([\d.]+) ms</g)].map((m) => m[1])
    expect(labels).toEqual(['0', '5', '10', '15', '20', '25'])
  })
})

describe('renderSmokeGraph with data SmokePing would call unknown', () => {
  const base = { ...input, start: END - 3 * 3600_000, pings: 5 }
  const numbersIn = (svg: string) => !/NaN|Infinity/.test(svg)

  it('draws no NaN for a NaN or infinite median, loss or smoke value: they are unknown', () => {
    const svg = renderSmokeGraph({
      ...base,
      points: [
        { t: base.start, span: 300_000, median: 10, loss: 0, smoke: [8, 9, 10, 11, 12] },
        {
          t: base.start + 300_000,
          span: 300_000,
          median: Number.NaN,
          loss: 0,
          smoke: [8, Number.NaN, 10, Number.POSITIVE_INFINITY, 12],
        },
        {
          t: base.start + 600_000,
          span: 300_000,
          median: 12,
          loss: 0,
          smoke: [12, 12, 12, 12, 12],
        },
        // an unknown loss makes the step unknown: its median neither drawn nor scaling the axis
        {
          t: base.start + 900_000,
          span: 300_000,
          median: 50,
          loss: Number.NaN,
          smoke: [50, 50, 50, 50, 50],
        },
      ],
    })
    expect(numbersIn(svg)).toBe(true)
    // the axis from the known medians only: 12 × 1.2 = 14.4, labels every 5 ms
    const labels = [...svg.matchAll(/text-anchor="end">([\d.]+) ms</g)].map((m) => m[1])
    expect(labels).toEqual(['0', '5', '10'])
    // the two known medians are drawn; the NaN one is a break in the line
    expect(svg).toMatch(/<path id="median" [^>]*d="M[^"]*M/)
    expect(svg).toContain('median rtt:  11.0 ms avg  12.0 ms max  10.0 ms min')
  })

  it('draws an empty window and a window of no length without NaN', () => {
    const empty = renderSmokeGraph({ ...base, points: [] })
    expect(numbersIn(empty)).toBe(true)
    expect(empty).toContain('median rtt:  no data in this range')
    expect(empty).toContain('packet loss: no data in this range')
    expect(numbersIn(renderSmokeGraph({ ...base, end: base.start, points: [] }))).toBe(true)
  })

  it('shows an all-lost window as 100 % loss and no median, as SmokePing leaves U undrawn', () => {
    const lost = Array.from({ length: 6 }, (_, i) => ({
      t: base.start + i * 300_000,
      span: 300_000,
      median: null,
      loss: 5,
      smoke: [null, null, null, null, null],
    }))
    const svg = renderSmokeGraph({ ...base, points: lost })
    expect(numbersIn(svg)).toBe(true)
    expect(svg).not.toContain('id="median"')
    expect(svg).toContain('packet loss: 100.00 % avg  100.00 % max  100.00 % min  100.00 % now')
  })
})

describe('renderSmokeGraph across a change of pings', () => {
  const start = END - 3 * 3600_000
  const g = { ...input, start, pings: 20 }
  // a round from before pings went from 10 to 20: 10 smoke slots, every ping lost
  const old10 = { t: start, span: 300_000, median: null, loss: 10, smoke: Array(10).fill(null) }
  const old10ok = {
    t: start + 300_000,
    span: 300_000,
    median: 15,
    loss: 0,
    smoke: [10, 11, 12, 13, 14, 16, 17, 18, 19, 20],
  }
  const now20 = {
    t: start + 600_000,
    span: 300_000,
    median: 15,
    loss: 0,
    smoke: Array.from({ length: 20 }, (_, i) => 10 + i / 2),
  }

  it("reads an older round's loss against its own ping count: 10 of 10 lost is 100 %", () => {
    const svg = renderSmokeGraph({ ...g, points: [old10, now20] })
    expect(svg).toContain('packet loss: 50.00 % avg  100.00 % max  0.00 % min  0.00 % now')
  })

  it("draws no smoke for an older round's slots, rather than bands paired inside out", () => {
    const svg = renderSmokeGraph({ ...g, points: [old10ok] })
    // its median is drawn, its 10 slots make no 20-ping band
    expect(svg).toContain('id="median"')
    expect(svg).not.toMatch(/<path fill="#[0-9a-f]{6}" d=/)
    const both = renderSmokeGraph({ ...g, points: [old10ok, now20] })
    expect(
      [...both.matchAll(/<path fill="#[0-9a-f]{6}" d="([^"]*)"/g)].map(
        (m) => m[1]?.split('z').length,
      ),
    ).toEqual(Array(10).fill(2))
  })
})
