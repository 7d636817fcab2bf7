import { writeFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { renderSmokeGraph } from '../../../src/checks/graph-svg'
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
})
