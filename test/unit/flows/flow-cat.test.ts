import { describe, expect, it } from 'vitest'
import { type CatEvent, catFlows, type FlowInput } from '../../../src/flows/flow-cat'
import { FlowLimitError, FlowParseError } from '../../../src/flows/flow-errors'
import { addToTimeline, createTimeline, timelineResult } from '../../../src/flows/report/timeline'
import { addToTopTalkers, createTopTalkers, topRows } from '../../../src/flows/report/top-talkers'
import { fixture, fixtureText, streamOf } from './flow-test-helpers'

const SEED = [
  '2010-11-08/ft-v05.2010-11-08.000000+0000',
  '2010-11-08/ft-v05.2010-11-08.060000+0000',
  '2010-11-08/ft-v05.2010-11-08.120000+0000',
  '2010-11-08/ft-v05.2010-11-08.180000+0000',
  '2010-11-09/ft-v05.2010-11-09.000000+0000',
  '2010-11-09/ft-v05.2010-11-09.060000+0000',
  '2010-11-09/ft-v05.2010-11-09.120000+0000',
  '2010-11-09/ft-v05.2010-11-09.180000+0000',
]

function input(path: string, name = path): FlowInput {
  return { name, stream: streamOf(fixture(path), [777]) }
}

async function drain(events: AsyncIterable<CatEvent>, each: (e: CatEvent) => void = () => {}) {
  for await (const e of events) each(e)
}

async function failure(p: Promise<unknown>): Promise<Error> {
  try {
    await p
  } catch (err) {
    return err as Error
  }
  throw new Error('expected a failure')
}

describe('catFlows', () => {
  it('reads the eight seed files in order, 1328 flows', async () => {
    const counts: number[] = []
    await drain(catFlows(SEED.map((p) => input(`seed/${p}`))), (e) => {
      if (e.kind === 'close') counts.push(e.file.stats.flows)
    })
    expect(counts).toEqual([66, 84, 96, 490, 106, 100, 302, 84])
  })

  it('refuses mixed record versions like flow-cat, naming the file', async () => {
    const err = await failure(
      drain(
        catFlows([
          input('versions/flowgen-v5-20.ft', 'a'),
          input('versions/flowgen-v7-20.ft', 'b'),
        ]),
      ),
    )
    expect(err).toBeInstanceOf(FlowParseError)
    expect((err as FlowParseError).code).toBe('mixed_versions')
    expect((err as FlowParseError).file).toBe('b')
  })

  it('enforces the file and flow limits across files', async () => {
    const files = await failure(
      drain(
        catFlows([input('versions/flowgen-v5-20.ft'), input('versions/flowgen-v5-20.ft')], {
          limits: { maxFiles: 1 },
        }),
      ),
    )
    expect(files).toBeInstanceOf(FlowLimitError)
    const flows = await failure(
      drain(
        catFlows([input('versions/flowgen-v5-20.ft'), input('versions/flowgen-v5-20.ft')], {
          limits: { maxFlows: 30 },
        }),
      ),
    )
    expect((flows as FlowLimitError).code).toBe('too_many_flows')
  })

  it('reads flow-export CSV and rejects rows with missing columns, naming the line', async () => {
    const csv = fixtureText('expected/seed-all.z/export-f2.csv')
    let n = 0
    await drain(
      catFlows([{ name: 'x.csv', stream: streamOf(new TextEncoder().encode(csv), [100]) }]),
      (e) => {
        if (e.kind === 'batch') n += e.batch.length
      },
    )
    expect(n).toBe(1328)
    const broken = csv.split('\n')
    broken[5] = (broken[5] ?? '').split(',').slice(0, 5).join(',')
    const err = await failure(
      drain(
        catFlows([
          { name: 'x.csv', stream: streamOf(new TextEncoder().encode(broken.join('\n'))) },
        ]),
      ),
    )
    expect(err.message).toContain('line 6: 5 values, the header names 24 columns')
  })
})

describe('timeline and top talkers', () => {
  it('finds when port 6667 or 7000 first appeared across the two seed days', async () => {
    // A hand-written predicate standing in for `port 6667 or port 7000` until the filters land.
    const irc = (b: { cols: { srcport: Uint32Array; dstport: Uint32Array } }, i: number) =>
      [6667, 7000].includes(b.cols.srcport[i] as number) ||
      [6667, 7000].includes(b.cols.dstport[i] as number)
    const t = createTimeline('day')
    await drain(catFlows(SEED.map((p) => input(`seed/${p}`))), (e) => {
      if (e.kind === 'batch') addToTimeline(t, e.batch, irc, e.file.name)
    })
    const r = timelineResult(t)
    expect(r.firstSeen).toMatchObject({
      time: '2010-11-09T01:25:41.000Z',
      srcaddr: '189.22.36.165',
      dstaddr: '208.83.20.130',
      dstport: 6667,
    })
    expect(r.buckets.map((b) => b.start)).toEqual(['2010-11-09T00:00:00.000Z'])
  })

  it('ranks destination ports by flows, largest first', async () => {
    const top = createTopTalkers()
    await drain(catFlows([input('seed-all.z.ft')]), (e) => {
      if (e.kind === 'batch') addToTopTalkers(top, e.batch, () => true)
    })
    const rows = topRows(top, 'dstport', 'flows', 5)
    expect(rows).toHaveLength(5)
    for (let k = 1; k < rows.length; k++)
      expect((rows[k - 1]?.flows ?? 0) >= (rows[k]?.flows ?? 0)).toBe(true)
    const pairs = topRows(top, 'pair', 'octets', 1)
    expect(pairs[0]?.key).toMatch(/^\d+\.\d+\.\d+\.\d+ -> \d+\.\d+\.\d+\.\d+$/)
  })
})

describe('flow-print text input', () => {
  for (const [path, wide] of [
    ['expected/seed-all.z/print-default.txt', false],
    ['expected/seed-all/print-formats/print-f3-wide.txt', true],
  ] as const) {
    it(`reads ${path.split('/').pop()} back and prints it identically`, async () => {
      const { choosePrintFormat, printBatch } = await import('../../../src/flows/print/flow-print')
      const { ByteOut } = await import('../../../src/flows/print/byte-out')
      const original = fixtureText(path)
      const out = new ByteOut()
      await drain(
        catFlows([{ name: 'p.txt', stream: streamOf(new TextEncoder().encode(original), [333]) }]),
        (e) => {
          if (e.kind === 'open') out.lit(choosePrintFormat(e.file.present, 5, 0, 3).header(wide))
          if (e.kind === 'batch')
            printBatch(choosePrintFormat(e.file.present, 5, 0, 3), e.batch, wide, out)
        },
      )
      expect(out.takeText()).toBe(original)
    })
  }

  it('names the line of a bad row', async () => {
    const text =
      'srcIP            dstIP            prot  srcPort  dstPort  octets      packets\n1.2.3.4 5.6.7.8 6 80 99999 1 1\n'
    const err = await failure(
      drain(catFlows([{ name: 'p.txt', stream: streamOf(new TextEncoder().encode(text)) }])),
    )
    expect(err.message).toContain('line 2, column 5 (dstport)')
  })
})

describe('bounded top talkers', () => {
  it('keeps the heavy hitters exact-ranked with few keys and says when it had to prune', async () => {
    const { createFlowBatch } = await import('../../../src/flows/flow-batch')
    const b = createFlowBatch(5000, ['srcaddr', 'doctets', 'dpkts'])
    // 5000 flows: address 1 has 1000 flows of 100 octets, 4000 other addresses one flow of 1 octet.
    for (let i = 0; i < 5000; i++) {
      b.cols.srcaddr[i] = i < 1000 ? 1 : 100 + i
      b.cols.doctets[i] = i < 1000 ? 100 : 1
      b.cols.dpkts[i] = 1
    }
    b.length = 5000
    const t = createTopTalkers('octets', 64)
    addToTopTalkers(t, b, () => true)
    expect(t.tables.srcaddr.size).toBeLessThanOrEqual(64)
    expect(topRows(t, 'srcaddr', 'octets', 1)[0]).toMatchObject({
      key: '0.0.0.1',
      flows: 1000,
      octets: 100_000,
    })
    const { approximations } = await import('../../../src/flows/report/top-talkers')
    expect(approximations(t).srcaddr).toBe(1)
    const exact = createTopTalkers('octets', 10_000)
    addToTopTalkers(exact, b, () => true)
    expect(approximations(exact)).toEqual({})
  })
})

describe('nfdump csv input', () => {
  it('reads nfdump -o csv back to the same flows as flow-export (times to the second)', async () => {
    const { csvColumns, csvLines } = await import('../../../src/flows/csv-export')
    const text = fixtureText('nfdump/seed-first300.nfdump.csv')
    const rows: string[] = []
    const starts: number[] = []
    await drain(
      catFlows([{ name: 'nf.csv', stream: streamOf(new TextEncoder().encode(text), [500]) }]),
      (e) => {
        if (e.kind !== 'batch') return
        const cols = csvColumns(e.file.present).filter((f) =>
          [
            'srcaddr',
            'dstaddr',
            'srcport',
            'dstport',
            'prot',
            'tcp_flags',
            'dpkts',
            'doctets',
            'input',
            'output',
            'nexthop',
          ].includes(f),
        )
        rows.push(
          ...csvLines(
            e.batch,
            cols,
            Array.from({ length: e.batch.length }, (_, i) => i),
          )
            .trim()
            .split('\n'),
        )
        for (let i = 0; i < e.batch.length; i++) {
          const b = e.batch.cols
          starts.push(
            (b.unix_secs[i] as number) * 1000 +
              Math.floor((b.unix_nsecs[i] as number) / 1e6) -
              (b.sysuptime[i] as number) +
              (b.first[i] as number),
          )
        }
      },
    )
    expect(rows).toHaveLength(300)
    // The same columns from flow-export -f 2 of the same flows.
    const ref = fixtureText('expected/seed-all.z/export-f2.csv').trim().split('\n')
    const names = (ref[0] ?? '').slice(2).split(',')
    const pick = [
      'srcaddr',
      'dstaddr',
      'nexthop',
      'input',
      'output',
      'srcport',
      'dstport',
      'prot',
      'tcp_flags',
      'dpkts',
      'doctets',
    ]
    const order = [
      'dpkts',
      'doctets',
      'srcaddr',
      'dstaddr',
      'nexthop',
      'input',
      'output',
      'srcport',
      'dstport',
      'prot',
      'tcp_flags',
    ]
    const expected = ref.slice(1, 301).map((l) => {
      const v = l.split(',')
      return order
        .filter((f) => pick.includes(f))
        .map((f) => v[names.indexOf(f)])
        .join(',')
    })
    expect(rows).toEqual(expected)
    // 2010-11-08 00:01:09 UTC: nfdump prints whole seconds.
    expect(new Date(starts[0] ?? 0).toISOString()).toBe('2010-11-08T00:01:09.000Z')
  })

  it('refuses an IPv6 flow by line', async () => {
    const text = fixtureText('nfdump/seed-first300.nfdump.csv').split('\n')
    text[3] = (text[3] ?? '').replace('189.22.36.165', '2001:db8::1')
    const err = await failure(
      drain(
        catFlows([{ name: 'nf.csv', stream: streamOf(new TextEncoder().encode(text.join('\n'))) }]),
      ),
    )
    expect(err.message).toMatch(/line 4, column (sa|da): IPv6 flows cannot be read/)
  })

  it('refuses a row with fewer or more values than the header names', async () => {
    const text = fixtureText('nfdump/seed-first300.nfdump.csv').split('\n')
    const names = (text[0] ?? '').split(',').length
    for (const [row, why] of [
      [`${text[5]},extra`, `${names + 1} values`],
      [(text[5] ?? '').split(',').slice(0, 5).join(','), '5 values'],
    ] as const) {
      const lines = text.slice()
      lines[5] = row
      const err = await failure(
        drain(
          catFlows([
            { name: 'nf.csv', stream: streamOf(new TextEncoder().encode(lines.join('\n'))) },
          ]),
        ),
      )
      expect(err.message).toContain(`line 6, column`)
      expect(err.message).toContain(`${why}, the header names ${names}`)
    }
  })
})
