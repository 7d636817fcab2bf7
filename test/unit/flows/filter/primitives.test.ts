import { describe, expect, it } from 'vitest'
import { compileFilterChain, FilterError } from '../../../../src/flows/filter'
import { createFlowBatch, type FlowBatch, type FlowField } from '../../../../src/flows/flow-batch'
import { selectRows } from './fixture-flows'

/** A batch of `n` rows with every field present, filled by `fill(row, cols)`. */
function batchOf(n: number, fill: (i: number, c: FlowBatch['cols']) => void): FlowBatch {
  const b = createFlowBatch(n)
  for (let i = 0; i < n; i++) fill(i, b.cols)
  b.length = n
  return b
}

function rows(
  batch: FlowBatch,
  config: string,
  vars: Record<string, string> = {},
  random?: () => number,
) {
  const pred = compileFilterChain({
    config,
    stages: [{ kind: 'definition', name: 'd', vars }],
    ...(random ? { random } : {}),
  })
  return selectRows(batch, pred)
}

const def = (match: string) => `filter-definition d\n  match ${match} p\n`

// Primitive and match types the v5 fixtures cannot exercise (tags are v1005, marked ToS and
// shortcut routers v8.6-8.8, dFlows v8), on synthetic rows.
describe('primitive types on synthetic flows', () => {
  const b = batchOf(16, (i, c) => {
    c.src_tag[i] = i * 0x10
    c.dst_tag[i] = 0xff00 + i
    c.marked_tos[i] = i * 8
    c.router_sc[i] = 0x0a000000 + i
    c.dflows[i] = i
    c.extra_pkts[i] = 100 - i
    c.exaddr[i] = i < 8 ? 0x0a000001 : 0x0a000102
  })

  it('tag: exact values', () => {
    expect(
      rows(b, `filter-primitive p\n  type tag\n  permit 0x30\n  permit 64\n${def('source-tag')}`),
    ).toEqual([3, 4])
  })

  it('tag-mask: first match of (tag & mask) == value', () => {
    const cfg = `filter-primitive p\n  type tag-mask\n  deny 0xff01 0xffff\n  permit 0xff01 0xff01\n${def('destination-tag')}`
    expect(rows(b, cfg)).toEqual([3, 5, 7, 9, 11, 13, 15])
  })

  it('ip-marked-tos with a mask', () => {
    const cfg = `filter-primitive p\n  type ip-tos\n  mask 0x18\n  permit 0x08\n${def('ip-marked-tos')}`
    expect(rows(b, cfg)).toEqual([1, 5, 9, 13])
  })

  it('ip-shortcut-address by prefix', () => {
    const cfg = `filter-primitive p\n  type ip-address-prefix\n  permit 10.0.0.8/29\n${def('ip-shortcut-address')}`
    expect(rows(b, cfg)).toEqual([8, 9, 10, 11, 12, 13, 14, 15])
  })

  it('ip-exporter-address by mask', () => {
    const cfg = `filter-primitive p\n  type ip-address-mask\n  permit 10.0.1.0 255.255.255.0\n${def('exporter-ip-addr')}`
    expect(rows(b, cfg)).toEqual([8, 9, 10, 11, 12, 13, 14, 15])
  })

  it('flows and extra-packets counters, ne and eq', () => {
    expect(
      rows(b, `filter-primitive p\n  type counter\n  permit ne 0\n  deny ge 0\n${def('flows')}`),
    ).toHaveLength(15)
    expect(
      rows(b, `filter-primitive p\n  type counter\n  permit eq 90\n${def('extra-packets')}`),
    ).toEqual([10])
  })

  it('random-sample passes one flow in N with the injected randomness', () => {
    let k = 0
    const every4th = () => (k++ % 4 === 0 ? 0.1 : 0.9)
    expect(
      rows(b, `filter-primitive p\n  type rate\n  permit 4\n${def('random-sample')}`, {}, every4th),
    ).toEqual([0, 4, 8, 12])
  })

  it('a variable may hold a whole list', () => {
    const cfg = `filter-primitive p\n  type tag\n  permit @{T:-0}\n${def('source-tag')}`
    expect(rows(b, cfg)).toEqual([0])
    expect(rows(b, cfg, { T: '32' })).toEqual([2])
  })
})

describe('time primitives', () => {
  // Export 2010-11-09 12:00:00 UTC, uptime 1,000,000 ms; flows start i hours before export.
  const exportSecs = Date.UTC(2010, 10, 9, 12) / 1000
  const b = batchOf(24, (i, c) => {
    c.unix_secs[i] = exportSecs
    c.sysuptime[i] = 100_000_000
    c.first[i] = 100_000_000 - i * 3_600_000
    c.last[i] = 100_000_000 - i * 3_600_000 + 1000
  })

  it('time-date compares the start instant', () => {
    const cfg = `filter-primitive p\n  type time-date\n  permit lt November 9, 2010 00:00:00\n${def('start-time')}`
    expect(rows(b, cfg)).toEqual([13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23])
  })

  it('time compares the clock time of the flow’s own day', () => {
    const cfg = `filter-primitive p\n  type time\n  permit ge 22:00\n${def('end-time')}`
    // Starts at 12:00 - i h; ends 1 s later: 22:00:01 (i=14), 23:00:01 (i=13).
    expect(rows(b, cfg)).toEqual([13, 14])
  })

  it('reads times in the zone the caller names (flow-nfilter under TZ=...)', () => {
    const zoned = (config: string) =>
      selectRows(
        b,
        compileFilterChain({
          config,
          stages: [{ kind: 'definition', name: 'd', vars: {} }],
          timeZone: 'America/Sao_Paulo', // UTC-2 in November 2010 (summer time)
        }),
      )
    expect(zoned(`filter-primitive p\n  type time\n  permit ge 22:00\n${def('end-time')}`)).toEqual(
      [11, 12],
    )
    expect(
      zoned(
        `filter-primitive p\n  type time-date\n  permit lt November 9, 2010 00:00:00\n${def('start-time')}`,
      ),
    ).toEqual([11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23])
    // An explicit zone in the date wins.
    expect(
      zoned(
        `filter-primitive p\n  type time-date\n  permit lt November 9, 2010 00:00:00 UTC\n${def('start-time')}`,
      ),
    ).toEqual([13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23])
  })

  it('refuses an unknown time zone', () => {
    expect(() =>
      compileFilterChain({
        stages: [{ kind: 'expression', text: 'any' }],
        timeZone: 'Mars/Olympus',
      }),
    ).toThrow(/unknown time zone/)
  })

  it('refuses a relative date', () => {
    expect(() =>
      rows(b, `filter-primitive p\n  type time-date\n  permit ge yesterday\n${def('start-time')}`),
    ).toThrow(FilterError)
  })
})

describe('limits', () => {
  it('refuses a primitive that lists more than a million values', () => {
    const big = Array.from({ length: 20 }, () => '  permit 0-65535').join('\n')
    expect(() =>
      rows(
        batchOf(1, () => {}),
        `filter-primitive p\n  type ip-port\n${big}\n${def('ip-source-port')}`,
      ),
    ).toThrow(/more than 1048576 values/)
  })

  it('refuses a line longer than 1024 bytes, as flow-tools reads 1024-byte lines', () => {
    const cfg = `filter-primitive p\n  type ip-port\n  permit ${'1,'.repeat(600)}1\n`
    expect(() =>
      rows(
        batchOf(1, () => {}),
        cfg,
      ),
    ).toThrow(/longer than 1024/)
  })
})

describe('field presence', () => {
  it('lets a filter run when the batch carries what it reads', () => {
    const present: FlowField[] = ['srcaddr', 'dstaddr']
    const b = createFlowBatch(2, present)
    b.length = 2
    const pred = compileFilterChain({ stages: [{ kind: 'expression', text: 'host 0.0.0.0' }] })
    expect(selectRows(b, pred)).toEqual([0, 1])
  })
})
