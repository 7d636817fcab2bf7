import { describe, expect, it } from 'vitest'
import { bandGrey, lossBuckets, lossColor } from '../../../src/checks/loss-colors'

describe('SmokePing colours', () => {
  it('gives the 2.9 legend for 20 pings', () => {
    expect(lossBuckets(20).map((b) => [b.label, b.color])).toEqual([
      ['0', '#26ff00'],
      ['1', '#00b8ff'],
      ['2', '#0059ff'],
      ['3', '#7e00ff'],
      ['4-5', '#ff00ff'],
      ['6-10', '#ff5500'],
      ['11-19', '#ff0000'],
      ['20/20', '#a00000'],
    ])
  })

  it('puts a loss in the first bucket whose threshold reaches it', () => {
    const b = lossBuckets(20)
    expect([0, 1, 4, 6, 10, 11, 20].map((l) => lossColor(b, l))).toEqual([
      '#26ff00',
      '#00b8ff',
      '#ff00ff',
      '#ff5500',
      '#ff5500',
      '#ff0000',
      '#a00000',
    ])
  })

  it('greys the bands from #dddddd outside to #323232 in the middle for 20 pings', () => {
    const greys = Array.from({ length: 10 }, (_, i) => bandGrey(i + 1, 10))
    expect(greys).toEqual([
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
})
