import { describe, expect, it } from 'vitest'
import { compileFilter } from '../../../src/flows/filter'
import { FLOW_FIELDS, type FlowField } from '../../../src/flows/flow-batch'
import { catFlows } from '../../../src/flows/flow-cat'
import {
  addToFileSummary,
  FILE_SUMMARY_FIELDS,
  finishFileSummary,
  type SummaryAccumulator,
  startFileSummary,
} from '../../../src/flows/flow-summary'
import { type DecodeFields, openFtStream } from '../../../src/flows/ft-reader'
import { ByteOut } from '../../../src/flows/print/byte-out'
import { printBatch } from '../../../src/flows/print/flow-print'
import { utcTm } from '../../../src/flows/print/flow-time'
import { PRINT_FORMATS } from '../../../src/flows/print/print-formats'
import { printNames } from '../../../src/flows/print/print-names'
import {
  addToStatSummary,
  createStatSummary,
  renderStatSummary,
  STAT_SUMMARY_FIELDS,
} from '../../../src/flows/report/stat-summary'
import {
  addToTimeline,
  createTimeline,
  TIMELINE_FIELDS,
  timelineResult,
} from '../../../src/flows/report/timeline'
import {
  addToTopTalkers,
  createTopTalkers,
  TOP_KEYS,
  TOP_TALKER_FIELDS,
  topRows,
} from '../../../src/flows/report/top-talkers'
import { EXPECTED } from './filter/fixture-flows'
import { fixture, fixtureText, rng, streamOf } from './flow-test-helpers'

const VERSIONS = ['1', '5', '6', '7', '1005', ...Array.from({ length: 14 }, (_, i) => `8.${i + 1}`)]
const FILES = [
  ...VERSIONS.map((v) => `versions/flowgen-v${v}-20.ft`),
  'random-v5-1k.z.ft',
  'versions/random-v5-1k.big.z9.ft',
  'seed-all.ft',
]

/** Every decoded value per field, over the whole file. */
async function columns(
  bytes: Uint8Array,
  decodeFields?: DecodeFields,
): Promise<Map<FlowField, (number | undefined)[]>> {
  const file = await openFtStream(streamOf(bytes, [777]), {
    batchSize: 64,
    ...(decodeFields ? { decodeFields } : {}),
  })
  const out = new Map<FlowField, (number | undefined)[]>(FLOW_FIELDS.map((f) => [f, []]))
  for await (const b of file.batches) {
    for (const f of FLOW_FIELDS) {
      const col = b.cols[f]
      for (let i = 0; i < b.length; i++) out.get(f)?.push(col[i])
    }
  }
  return out
}

/**
 * An s_version 1 file (flow-tools' legacy packed header, 360 bytes, then 60-byte fts1rec_compat
 * records; reference §1.4 and §2.4), little-endian, uncompressed, closed: nothing writes these
 * any more, so the test builds one.
 */
function sVersion1File(records: { secs: number; msecs: number; src: number; flags: number }[]) {
  const out = new Uint8Array(360 + 60 * records.length)
  const dv = new DataView(out.buffer)
  out.set([0xcf, 0x10, 1, 1])
  dv.setUint16(4, 5, true) // d_version
  dv.setUint32(8, 1289174400, true) // start
  dv.setUint32(12, 1289178000, true) // end
  dv.setUint32(16, 0x01, true) // DONE
  dv.setUint32(24, records.length, true) // nflows
  out.set(new TextEncoder().encode('gw1'), 36) // hostname
  records.forEach((r, k) => {
    const at = 360 + 60 * k
    dv.setUint32(at, r.secs, true)
    dv.setUint32(at + 4, r.msecs, true)
    dv.setUint32(at + 8, r.src, true)
    dv.setUint32(at + 12, 0x0a000002, true)
    dv.setUint32(at + 24, 3, true) // dPkts
    dv.setUint32(at + 28, 180, true) // dOctets
    dv.setUint16(at + 42, 80, true) // dstport
    out[at + 46] = 6 // prot
    out[at + 48] = r.flags // flags → tcp_flags
    dv.setUint16(at + 52, 65001, true) // src_as
  })
  return out
}

describe('s_version 1 files (legacy header, fts1rec_compat records)', () => {
  const file = sVersion1File([
    { secs: 1289174401, msecs: 250, src: 0xbd1624a5, flags: 0x12 },
    { secs: 1289174402, msecs: 999, src: 0x4f7367e1, flags: 0x02 },
  ])

  it('reads the header and maps the records to v5 fields, milliseconds to nanoseconds', async () => {
    const ft = await openFtStream(streamOf(file, [100]))
    expect(ft.header).toMatchObject({
      streamVersion: 1,
      dVersion: 5,
      headerLength: 360,
      capStart: 1289174400,
      flowCount: 2,
      hostname: 'gw1',
    })
    await ft.batches.return(undefined)
    const cols = await columns(file)
    expect(cols.get('unix_secs')).toEqual([1289174401, 1289174402])
    expect(cols.get('unix_nsecs')).toEqual([250_000_000, 999_000_000])
    expect(cols.get('srcaddr')).toEqual([0xbd1624a5, 0x4f7367e1])
    expect(cols.get('tcp_flags')).toEqual([0x12, 0x02])
    expect(cols.get('src_as')).toEqual([65001, 65001])
    expect(cols.get('dstport')).toEqual([80, 80])
    expect(cols.get('sysuptime')).toEqual([0, 0])
  })

  it('decodes only the asked fields of one, milliseconds still scaled', async () => {
    const cols = await columns(file, () => new Set<FlowField>(['unix_nsecs', 'tcp_flags']))
    expect(cols.get('unix_nsecs')).toEqual([250_000_000, 999_000_000])
    expect(cols.get('tcp_flags')).toEqual([0x12, 0x02])
    expect(cols.get('srcaddr')).toEqual([undefined, undefined])
    const noTimes = await columns(file, () => new Set<FlowField>(['srcaddr']))
    expect(noTimes.get('srcaddr')).toEqual([0xbd1624a5, 0x4f7367e1])
    expect(noTimes.get('unix_nsecs')).toEqual([undefined, undefined])
  })
})

describe('decoding only the fields a request reads', () => {
  it('decodes the asked fields exactly as a full decode, and leaves the others empty', async () => {
    const asked = new Set<FlowField>(['srcaddr', 'dstport', 'unix_nsecs', 'tcp_flags', 'dflows'])
    for (const path of FILES) {
      const bytes = fixture(path)
      const full = await columns(bytes)
      const part = await columns(bytes, () => asked)
      for (const f of FLOW_FIELDS) {
        const got = part.get(f) ?? []
        if (asked.has(f)) expect(got, `${path} ${f}`).toEqual(full.get(f))
        else
          expect(
            got.every((v) => v === undefined),
            `${path} ${f} not decoded`,
          ).toBe(true)
      }
    }
  })

  it('asks once the header is read, with the fields the file carries', async () => {
    const seen: string[] = []
    const file = await openFtStream(streamOf(fixture('versions/flowgen-v8.1-20.ft')), {
      decodeFields: (present, header) => {
        seen.push(`${header.dVersion}.${header.aggMethod} ${present.has('src_as')}`)
        return undefined
      },
    })
    for await (const _ of file.batches) {
      // drained
    }
    expect(seen).toEqual(['8.1 true'])
  })

  it('prints every flow-print format the same from its own required fields alone', async () => {
    let compared = 0
    for (const path of FILES) {
      const bytes = fixture(path)
      for (const [n, f] of Object.entries(PRINT_FORMATS)) {
        const header = await openFtStream(streamOf(bytes))
        const fits = f.requires.every((r) => header.present.has(r))
        await header.batches.return(undefined)
        if (!fits) continue
        for (const wide of [false, true]) {
          for (const names of [false, true]) {
            const print = async (decodeFields?: DecodeFields) => {
              const file = await openFtStream(streamOf(bytes, [500]), {
                batchSize: 100,
                ...(decodeFields ? { decodeFields } : {}),
              })
              const out = new ByteOut()
              const o = { wide, tm: utcTm, names: names ? printNames() : undefined }
              for await (const b of file.batches) printBatch(f, b, o, out)
              return out.takeText()
            }
            const full = await print()
            expect(
              await print(() => new Set(f.requires)),
              `${path} -f ${n} w${wide} n${names}`,
            ).toBe(full)
            compared++
          }
        }
      }
    }
    // Every file has at least its default format; v5 files have most of the 25.
    expect(compared).toBeGreaterThan(200)
  }, 60_000)

  it('passes the same flows through every semantics probe from the fields its filter reads', async () => {
    const config = fixtureText('semantics-filter.cfg')
    for (const file of ['seed-all', 'random-v5-1k'] as const) {
      const bytes = fixture(`${file}.ft`)
      for (const name of Object.keys(EXPECTED[file].semantics)) {
        // A fixed random source: the sampling probes pass the same rows both times.
        const filter = () =>
          compileFilter({
            config,
            stages: [{ kind: 'definition', name, vars: {} }],
            random: rng(7),
          })
        const passed = async (only: boolean) => {
          const f = filter()
          const ft = await openFtStream(streamOf(bytes, [333]), {
            batchSize: 100,
            ...(only ? { decodeFields: () => f.fields } : {}),
          })
          const rows: number[] = []
          let n = 0
          for await (const b of ft.batches)
            for (let i = 0; i < b.length; i++, n++) if (f.predicate(b, i)) rows.push(n)
          return rows
        }
        expect(await passed(true), `${file} ${name}`).toEqual(await passed(false))
      }
    }
  })

  it('gives the same summaries, flow-stat, top-N and timeline from their declared fields', async () => {
    type Sink = 'files' | 'stat' | 'top' | 'timeline'
    const reads: Record<Sink, readonly FlowField[]> = {
      files: FILE_SUMMARY_FIELDS,
      stat: STAT_SUMMARY_FIELDS,
      top: TOP_TALKER_FIELDS,
      timeline: TIMELINE_FIELDS,
    }
    // One sink at a time, decoding only its fields (or all of them).
    const run = async (path: string, sink: Sink, only: boolean): Promise<unknown> => {
      const stat = createStatSummary()
      const top = createTopTalkers('octets', 40)
      const timeline = createTimeline('hour')
      const files = []
      let acc: SummaryAccumulator | undefined
      const events = catFlows([{ name: path, stream: streamOf(fixture(path), [999]) }], {
        batchSize: 50,
        ...(only ? { decodeFields: () => new Set(reads[sink]) } : {}),
      })
      const keep = () => true
      for await (const ev of events) {
        if (ev.kind === 'open') acc = startFileSummary(ev.file)
        else if (ev.kind === 'batch' && acc) {
          const b = ev.batch
          if (sink === 'files') addToFileSummary(acc, b, keep)
          else if (sink === 'stat') addToStatSummary(stat, b, keep)
          else if (sink === 'top') addToTopTalkers(top, b, keep)
          else addToTimeline(timeline, b, keep, path)
        } else if (ev.kind === 'close' && acc) files.push(finishFileSummary(acc))
      }
      if (sink === 'files') return files
      if (sink === 'stat') return renderStatSummary(stat)
      if (sink === 'top') return TOP_KEYS.map((k) => topRows(top, k, 'octets', 10))
      return timelineResult(timeline)
    }
    for (const path of ['random-v5-1k.z.ft', 'seed-all.ft', 'versions/flowgen-v1-20.ft']) {
      for (const sink of ['files', 'stat', 'top', 'timeline'] as const) {
        expect(await run(path, sink, true), `${path} ${sink}`).toEqual(await run(path, sink, false))
      }
    }
  })
})
