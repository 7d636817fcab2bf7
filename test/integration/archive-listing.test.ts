// The archive listing over a fake R2 bucket: which files a time range selects (a file holds
// flows that started before its capture start) and in what order (by start, not by key).
import { describe, expect, it } from 'vitest'
import { listFlowFiles, selectionSpan } from '../../src/storage/flow-archive'

type Stored = { key: string; customMetadata: Record<string, string> }

/** Just enough of R2Bucket.list for listFlowFiles: key order, startAfter, limit and cursor. */
function fakeBucket(objects: Stored[], pageSize = 2): R2Bucket {
  const sorted = [...objects].sort((a, b) => (a.key < b.key ? -1 : 1))
  return {
    list: async (o: R2ListOptions = {}) => {
      const after = o.startAfter ?? ''
      const all = sorted.filter((s) => s.key.startsWith(o.prefix ?? '') && s.key > after)
      const at = Number(o.cursor ?? 0)
      const page = all.slice(at, at + pageSize)
      const truncated = at + pageSize < all.length
      return {
        objects: page.map((s) => ({
          key: s.key,
          size: 100,
          uploaded: new Date(0),
          customMetadata: s.customMetadata,
        })),
        delimitedPrefixes: [],
        truncated,
        ...(truncated ? { cursor: String(at + pageSize) } : {}),
      }
    },
  } as unknown as R2Bucket
}

const at = (iso: string) => Date.parse(iso) / 1000
const meta = (start: number, end: number, more: Record<string, string> = {}) => ({
  start: String(start),
  end: String(end),
  endEstimated: 'false',
  spanSource: 'header',
  recordVersion: '5',
  compressed: 'true',
  ...more,
})

describe('listFlowFiles', () => {
  it('selects a file from an hour before its capture start: it holds flows that started earlier', async () => {
    // The seed's 06:00 file: capture from 06:01:18, holds the IRC flow of 05:55:41.
    const capStart = at('2010-11-09T06:01:18Z')
    const bucket = fakeBucket([
      {
        key: 'flows/v1/rtr8/2010-11-09/ft-v05.2010-11-09.060000+0000',
        customMetadata: meta(capStart, at('2010-11-09T12:00:00Z')),
      },
    ])
    const q = (from: string, to: string) => listFlowFiles(bucket, 'rtr8', at(from), at(to), 10)
    expect((await q('2010-11-09T05:56:00Z', '2010-11-09T06:01:00Z')).files).toHaveLength(1)
    expect((await q('2010-11-09T05:01:18Z', '2010-11-09T05:01:18Z')).files).toHaveLength(1)
    expect((await q('2010-11-09T04:00:00Z', '2010-11-09T05:01:17Z')).files).toHaveLength(0)
    expect(selectionSpan({ start: 100_000, end: 200_000 } as never)).toEqual({
      start: 96_400,
      end: 200_000,
    })
  })

  it('finds a file stored under a name day after its start, within the margin after to', async () => {
    // Captured from 2010-11-10 00:20, named a day later (drift allowed up to a day): stored
    // under 2010-11-11. Selected by a range ending 23:30 the day before (the hour's margin).
    const bucket = fakeBucket([
      {
        key: 'flows/v1/rtr8/2010-11-11/ft-v05.2010-11-11.001500+0000',
        customMetadata: meta(at('2010-11-10T00:20:00Z'), at('2010-11-10T01:00:00Z')),
      },
    ])
    const got = await listFlowFiles(
      bucket,
      'rtr8',
      at('2010-11-09T23:00:00Z'),
      at('2010-11-09T23:30:00Z'),
      10,
    )
    expect(got.files.map((f) => f.name)).toEqual(['ft-v05.2010-11-11.001500+0000'])
  })

  it('lists oldest first by start, and a limit keeps the oldest, whatever the UTC offsets', async () => {
    // Key order is by local-time name: +0500 at 04:00 local is 23:00 UTC the day before.
    const files = [
      ['ft-v05.2010-11-09.040000+0500', '2010-11-08T23:00:00Z'],
      ['ft-v05.2010-11-09.010000+0000', '2010-11-09T01:00:00Z'],
      ['ft-v05.2010-11-09.000000-0300', '2010-11-09T03:00:00Z'],
      ['ft-v05.2010-11-09.020000+0000', '2010-11-09T02:00:00Z'],
      ['ft-v05.2010-11-09.000000+0000', '2010-11-09T00:00:00Z'],
    ].map(([name, start]) => ({
      key: `flows/v1/rtr8/2010-11-09/${name}`,
      customMetadata: meta(at(start as string), at(start as string) + 3600),
    }))
    const bucket = fakeBucket(files)
    const all = await listFlowFiles(bucket, 'rtr8', at('2010-11-08'), at('2010-11-10'), 10)
    expect(all.files.map((f) => new Date(f.start * 1000).toISOString().slice(11, 13))).toEqual([
      '23',
      '00',
      '01',
      '02',
      '03',
    ])
    expect(all.truncated).toBe(false)
    const two = await listFlowFiles(bucket, 'rtr8', at('2010-11-08'), at('2010-11-10'), 2)
    expect(two.files.map((f) => f.name)).toEqual([
      'ft-v05.2010-11-09.040000+0500',
      'ft-v05.2010-11-09.000000+0000',
    ])
    expect(two.truncated).toBe(true)
  })
})
