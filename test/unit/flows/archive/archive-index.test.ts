import { describe, expect, it } from 'vitest'
import {
  ArchiveNameError,
  archiveKey,
  captureNameStart,
  checkArchivePath,
  fileSpan,
  keyDayStart,
  keyStart,
  listingReachEnd,
  longSpanWarning,
  overlaps,
} from '../../../../src/flows/archive/archive-index'
import { sniffFtHeader } from '../../../../src/flows/archive/header-sniff'
import { FlowParseError } from '../../../../src/flows/flow-errors'
import { type FtHeader, parseFtHeader } from '../../../../src/flows/ft-header'
import { fixture, rng, streamOf } from '../flow-test-helpers'

const SEED = 'seed/2010-11-09/ft-v05.2010-11-09.000000+0000'

describe('captureNameStart', () => {
  it('reads flow-capture names in UTC and with offsets', () => {
    expect(captureNameStart('ft-v05.2010-11-09.000000+0000')).toBe(Date.UTC(2010, 10, 9) / 1000)
    expect(captureNameStart('ft-v05.2010-11-09.013000+0100')).toBe(
      Date.UTC(2010, 10, 9, 0, 30) / 1000,
    )
    expect(captureNameStart('ft-v05.2010-11-08.220000-0500')).toBe(Date.UTC(2010, 10, 9, 3) / 1000)
  })
  it('refuses other names and impossible dates', () => {
    expect(captureNameStart('tmp-v05.2010-11-09.000000+0000')).toBeNull()
    expect(captureNameStart('ft-v05.2010-02-31.000000+0000')).toBeNull()
    expect(captureNameStart('flows.ft')).toBeNull()
  })
  it('refuses impossible times and offsets instead of rolling them over', () => {
    for (const name of [
      'ft-v05.2010-11-10.009999+0000', // minute 99 (was read as 01:40:39)
      'ft-v05.2010-11-10.240000+0000', // hour 24
      'ft-v05.2010-11-10.000060+0000', // second 60: flow-capture writes no leap second
      'ft-v05.2010-11-10.006000+0000', // minute 60
      'ft-v05.2010-11-10.000000+9999', // offset +99:99 (was stored under 2010-11-05)
      'ft-v05.2010-11-10.000000-1500', // offset hours above 14
      'ft-v05.2010-11-10.000000+0160', // offset minutes above 59
    ]) {
      expect(captureNameStart(name), name).toBeNull()
    }
    // The extremes that exist.
    expect(captureNameStart('ft-v05.2010-11-10.235959+1400')).toBe(
      Date.UTC(2010, 10, 10, 9, 59, 59) / 1000,
    )
    expect(captureNameStart('ft-v05.2010-11-10.000000-1200')).toBe(
      Date.UTC(2010, 10, 10, 12) / 1000,
    )
  })
})

async function headerOf(path: string): Promise<FtHeader> {
  return (await sniffFtHeader(streamOf(fixture(path), [7]))).header
}

describe('fileSpan', () => {
  it('takes capture start and end from a closed file header', async () => {
    const header = await headerOf(SEED)
    expect(header.final).toBe(true)
    const span = fileSpan('anything.ft', header)
    expect(span).toMatchObject({ source: 'header', endEstimated: false })
    expect(span?.start).toBeGreaterThanOrEqual(Date.UTC(2010, 10, 9) / 1000)
    expect(span?.end).toBeLessThan(Date.UTC(2010, 10, 9, 6) / 1000)
  })
  it('falls back to the flow-capture name for an open (streaming) file, estimating the end', async () => {
    const header = await headerOf('random-v5-1k.z.ft')
    expect(header.final).toBe(false)
    expect(fileSpan('ft-v05.2024-01-15.120000+0000', header)).toEqual({
      start: Date.UTC(2024, 0, 15, 12) / 1000,
      end: Date.UTC(2024, 0, 16, 12) / 1000,
      endEstimated: true,
      source: 'name',
    })
    expect(fileSpan('random.ft', header)).toBeNull()
  })
  it('refuses a flow-capture name more than a day from a closed header, and keys by the name', async () => {
    const header = await headerOf(SEED) // capture start 2010-11-09 00:14:16
    expect(() => fileSpan('ft-v05.2010-11-11.000000+0000', header)).toThrow(ArchiveNameError)
    expect(() => fileSpan('ft-v05.2010-11-07.230000+0000', header)).toThrow(/misnamed/)
    const late = fileSpan('ft-v05.2010-11-08.235000+0000', header)
    expect(late?.source).toBe('header')
    if (!late) throw new Error('no span')
    // The name's start decides the stored day; a name that is not flow-capture's, the span's.
    expect(keyStart('ft-v05.2010-11-08.235000+0000', late)).toBe(
      Date.UTC(2010, 10, 8, 23, 50) / 1000,
    )
    expect(keyStart('anything.ft', late)).toBe(late.start)
  })
})

describe('sniffFtHeader', () => {
  it('gives back every byte of the file, whatever the chunking', async () => {
    const bytes = fixture(SEED)
    const next = rng(7)
    const randomSizes = Array.from({ length: 50 }, () => 1 + Math.floor(next() * 40))
    for (const sizes of [[1], [3], [64], [100_000], randomSizes]) {
      const { header, stream } = await sniffFtHeader(streamOf(bytes, sizes))
      expect(header).toEqual(parseFtHeader(bytes.subarray(0, header.headerLength)))
      const back = new Uint8Array(await new Response(stream).arrayBuffer())
      expect(back).toEqual(bytes)
    }
  })
  it('names what is wrong with a non-ft upload', async () => {
    const code = async (bytes: Uint8Array) => {
      try {
        await sniffFtHeader(streamOf(bytes, [5]))
      } catch (err) {
        if (err instanceof FlowParseError) return `${err.code}@${err.offset}`
        throw err
      }
      return 'ok'
    }
    expect(await code(new Uint8Array())).toBe('empty_file@0')
    expect(await code(new TextEncoder().encode('<html>'))).toBe('bad_magic@0')
    const seed = fixture(SEED)
    expect(await code(seed.subarray(0, 30))).toMatch(/^truncated_header@30$/)
  })
  it('leaves a non-ft upload unlocked with the rest unread, for the answer to read away', async () => {
    const body = streamOf(new Uint8Array(1000).fill(0x3c), [100])
    await expect(sniffFtHeader(body)).rejects.toThrow('bad magic')
    expect(body.locked).toBe(false)
    let rest = 0
    const reader = body.getReader()
    for (let r = await reader.read(); !r.done; r = await reader.read()) rest += r.value.length
    expect(rest).toBe(900)
  })
})

describe('archive paths', () => {
  it('builds day-sorted keys', () => {
    expect(archiveKey('rtr8', Date.UTC(2010, 10, 9, 1) / 1000, 'ft-v05.x')).toBe(
      'flows/v1/rtr8/2010-11-09/ft-v05.x',
    )
  })
  it('keeps only the base name of a directory path and refuses traversal and odd names', () => {
    expect(checkArchivePath('rtr8', '2010/2010-11/2010-11-09/ft-v05.2010-11-09.000000+0000')).toBe(
      'ft-v05.2010-11-09.000000+0000',
    )
    for (const [router, path] of [
      ['rtr8', '../etc/passwd'],
      ['rtr8', 'a/../b.ft'],
      ['rtr/8', 'x.ft'],
      ['rtr8', 'tmp-v05.2010-11-09.000000+0000'],
      ['rtr8', 'name with space'],
      ['', 'x.ft'],
    ] as const) {
      expect(() => checkArchivePath(router, path), `${router} ${path}`).toThrow(ArchiveNameError)
    }
  })
  it('overlaps is inclusive at both ends', () => {
    expect(overlaps({ start: 10, end: 20 }, 20, 30)).toBe(true)
    expect(overlaps({ start: 10, end: 20 }, 21, 30)).toBe(false)
    expect(overlaps({ start: 10, end: 20 }, 0, 9)).toBe(false)
  })
})

describe('longSpanWarning', () => {
  const at = (iso: string) => Date.parse(iso) / 1000

  it('reads the day a key is stored under', () => {
    expect(keyDayStart('flows/v1/rtr8/2010-11-01/cat.ft')).toBe(at('2010-11-01T00:00:00Z'))
    expect(keyDayStart('flows/v1/rtr8/cat.ft')).toBeNull()
  })

  it('names the first from that misses a file longer than the look-back', () => {
    const key = at('2010-11-01T06:00:00Z')
    expect(listingReachEnd(key)).toBe(at('2010-11-04T00:00:00Z'))
    const warning = longSpanWarning(key, { start: key, end: key + 5 * 86400 })
    expect(warning).toContain('2010-11-01T06:00:00Z .. 2010-11-06T06:00:00Z')
    expect(warning).toContain('ranges whose from is 2010-11-04T00:00:00Z or later do not find it')
  })

  it('stays quiet for a file every range meeting it finds', () => {
    const key = at('2010-11-01T23:00:00Z')
    // a day-long file named just before midnight, its header a day on: still within reach
    expect(longSpanWarning(key, { start: key + 3600, end: key + 3600 + 86400 })).toBeNull()
    expect(longSpanWarning(key, { start: key, end: at('2010-11-03T23:59:59Z') })).toBeNull()
    expect(longSpanWarning(key, { start: key, end: at('2010-11-04T00:00:00Z') })).not.toBeNull()
  })
})
