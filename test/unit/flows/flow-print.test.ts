import { describe, expect, it } from 'vitest'
import { createFlowBatch } from '../../../src/flows/flow-batch'
import { openFtStream } from '../../../src/flows/ft-reader'
import { ByteOut } from '../../../src/flows/print/byte-out'
import { choosePrintFormat, printBatch } from '../../../src/flows/print/flow-print'
import { utcTm } from '../../../src/flows/print/flow-time'
import { printNames } from '../../../src/flows/print/print-names'
import { fixture, fixtureText, rng, streamOf } from './flow-test-helpers'

const VERSIONS = ['1', '5', '6', '7', '1005', ...Array.from({ length: 14 }, (_, i) => `8.${i + 1}`)]

async function print(path: string, format?: number, wide = false, names = false): Promise<string> {
  const file = await openFtStream(streamOf(fixture(path), [1000]))
  const { dVersion, aggMethod } = file.header
  const f = choosePrintFormat(file.present, dVersion, aggMethod, format)
  // A small chunk size, so rows cross the hand-off between chunks many times.
  const out = new ByteOut(100)
  out.lit(f.header(wide))
  const o = { wide, tm: utcTm, names: names ? printNames() : undefined }
  for await (const b of file.batches) printBatch(f, b, o, out)
  return out.takeText()
}

describe('flow-print formats', () => {
  for (const v of VERSIONS) {
    it(`prints v${v} in its default format byte for byte`, async () => {
      expect(await print(`versions/flowgen-v${v}-20.ft`)).toBe(
        fixtureText(`expected/versions/v${v}/print-default.txt`),
      )
    })
  }

  it('prints v7 in format 24 byte for byte', async () => {
    expect(await print('versions/flowgen-v7-20.ft', 24)).toBe(
      fixtureText('expected/versions/v7/print-f24.txt'),
    )
  })

  for (const [name, format, wide] of [
    ['print-default', undefined, false],
    ['print-f5', 5, false],
  ] as const) {
    it(`prints seed-all.z.ft as ${name} byte for byte`, async () => {
      expect(await print('seed-all.z.ft', format, wide)).toBe(
        fixtureText(`expected/seed-all.z/${name}.txt`),
      )
    })
  }

  for (const [name, format, wide] of [
    ['print-f0', 0, false],
    ['print-f1', 1, false],
    ['print-f3-wide', 3, true],
    ['print-f4', 4, false],
    ['print-f6', 6, false],
  ] as const) {
    it(`prints seed-all as ${name} byte for byte`, async () => {
      expect(await print('seed-all.z.ft', format, wide)).toBe(
        fixtureText(`expected/seed-all/print-formats/${name}.txt`),
      )
    })
  }

  it('refuses a format whose fields the records lack, naming them', async () => {
    await expect(print('seed-all.z.ft', 7)).rejects.toThrow(
      /missing required field for format 7: router_sc/,
    )
  })

  it('prints a big-endian compressed file exactly like the little-endian one', async () => {
    expect(await print('versions/random-v5-1k.big.z9.ft', 5)).toBe(
      fixtureText('expected/random-v5-1k.z/print-f5.txt'),
    )
  })
})

describe('flow-print -f 2 (scan finder)', () => {
  it('prints only TCP flows of 2 SYN-only packets of 40 bytes, with their times', () => {
    const b = createFlowBatch(2)
    const c = b.cols
    for (const i of [0, 1]) {
      c.input[i] = 3
      c.output[i] = 0x1f
      c.srcaddr[i] = 0xac10010a
      c.dstaddr[i] = 0xc0a80001
      c.prot[i] = 6
      c.srcport[i] = 51234
      c.dstport[i] = 22
      c.dpkts[i] = 2
      c.doctets[i] = 80
      c.tcp_flags[i] = 2
      c.tos[i] = 0x10
      // flow-tools.md §3's example: 2010-11-08 00:01:09.010 UTC.
      c.unix_secs[i] = 1289174481
      c.unix_nsecs[i] = 66000000
      c.sysuptime[i] = 777681066
      c.first[i] = 777669010
      c.last[i] = 777672510
    }
    c.tcp_flags[1] = 0x12 // SYN+ACK: an answer, not a scan
    b.length = 2
    const f = choosePrintFormat(b.present, 5, 0, 2)
    const out = new ByteOut()
    expect(printBatch(f, b, false, out)).toBe(1)
    expect(out.takeText()).toBe(
      '03  172.16.1.10      1f  192.168.0.1     06 c822 16   2          80        \n' +
        ' 1108.00:01:09.010  1108.00:01:12.510      3.500 40  10 02\n\n',
    )
  })
})

describe('flow-print -n (names)', () => {
  for (const [path, expected, format, wide] of [
    ['random-v5-1k.ft', 'random-v5-1k/print-formats/print-f3-names.txt', 3, false],
    ['random-v5-1k.ft', 'random-v5-1k/print-formats/print-f3-names-wide.txt', 3, true],
    ['seed-all.ft', 'seed-all/print-formats/print-f3-names.txt', 3, false],
    ['seed-all.ft', 'seed-all/print-formats/print-f3-names-wide.txt', 3, true],
    // flow-gen counts ports 0-999: every low port's name, cut to 7 and to 15 characters.
    ['flowgen-v5-1k.ft', 'flowgen-v5-1k/print-formats/print-f3-names.txt', 3, false],
    ['flowgen-v5-1k.ft', 'flowgen-v5-1k/print-formats/print-f3-names-wide.txt', 3, true],
    // -f 4 -n -w: protocol and AS names (flow-gen counts AS 0-999 and 65280-65535).
    ['random-v5-1k.ft', 'random-v5-1k/print-formats/print-f4-names-wide.txt', 4, true],
    ['seed-all.ft', 'seed-all/print-formats/print-f4-names-wide.txt', 4, true],
    ['flowgen-v5-1k.ft', 'flowgen-v5-1k/print-formats/print-f4-names-wide.txt', 4, true],
  ] as const) {
    it(`prints ${path} like flow-print -f ${format} -n${wide ? ' -w' : ''} byte for byte`, async () => {
      expect(await print(path, format, wide, true)).toBe(fixtureText(`expected/${expected}`))
    })
  }

  it('prints format 1 with -n exactly as without it, as flow-print does', async () => {
    expect(await print('seed-all.z.ft', 1, false, true)).toBe(
      fixtureText('expected/seed-all/print-formats/print-f1.txt'),
    )
  })
})

describe('time zones', () => {
  it('breaks UTC time down exactly as Date does, before 1970 and across leap years', () => {
    const random = rng(7)
    const times = [
      0, -1, -999, -1000, -1001, 951_782_400_000, 4_107_542_400_000, -62_135_596_800_000,
    ]
    for (let k = 0; k < 20_000; k++) times.push(Math.floor((random() - 0.3) * 2 ** 43))
    for (const ms of times) {
      const d = new Date(ms)
      expect(utcTm(ms), String(ms)).toEqual({
        year: d.getUTCFullYear(),
        mon: d.getUTCMonth() + 1,
        mday: d.getUTCDate(),
        hour: d.getUTCHours(),
        min: d.getUTCMinutes(),
        sec: d.getUTCSeconds(),
        ms: ((ms % 1000) + 1000) % 1000,
      })
    }
  })

  it('prints -f 5 in America/Sao_Paulo exactly like flow-print under that TZ', async () => {
    const { zoneClock } = await import('../../../src/flows/print/flow-time')
    const file = await openFtStream(streamOf(fixture('seed-all.ft')))
    const f = choosePrintFormat(file.present, 5, 0, 5)
    const o = { wide: false, tm: zoneClock('America/Sao_Paulo') }
    const out = new ByteOut()
    out.lit(f.header(false))
    for await (const b of file.batches) printBatch(f, b, o, out)
    expect(out.takeText()).toBe(
      fixtureText('expected/seed-all/print-formats/print-f5-TZ-America_Sao_Paulo.txt'),
    )
  })

  it('refuses an unknown zone', async () => {
    const { zoneClock } = await import('../../../src/flows/print/flow-time')
    expect(() => zoneClock('Mars/Olympus_Mons')).toThrow(RangeError)
  })
})
