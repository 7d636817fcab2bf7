import { describe, expect, it } from 'vitest'
import type { FlowBatch } from '../../../src/flows/flow-batch'
import { openFtStream } from '../../../src/flows/ft-reader'
import { ftFileStream } from '../../../src/flows/ft-writer'
import { allLayouts, findLayout } from '../../../src/flows/record-layouts'
import { exportCsv, fixture, streamOf } from './flow-test-helpers'

async function* copies(path: string): AsyncGenerator<FlowBatch> {
  const file = await openFtStream(streamOf(fixture(path)))
  for await (const b of file.batches) yield b
}

describe('ft writer', () => {
  for (const layout of allLayouts()) {
    it(`round-trips the v${layout.name} vector through every byte order and compression`, async () => {
      const path = `versions/flowgen-v${layout.name}-20.ft`
      const original = await exportCsv(streamOf(fixture(path)))
      for (const byteOrder of ['little', 'big'] as const) {
        for (const compress of [false, true]) {
          const written = ftFileStream(
            { layout, byteOrder, compress, comments: 'edgeping test' },
            copies(path),
          )
          expect(await exportCsv(written)).toBe(original)
        }
      }
    })
  }

  it('writes a closed-file header the reader trusts', async () => {
    const layout = findLayout(5)
    if (!layout) throw new Error('no v5 layout')
    const stream = ftFileStream(
      {
        layout,
        byteOrder: 'big',
        compress: true,
        done: { capStart: 10, capEnd: 20, flowCount: 1328 },
      },
      copies('seed-all.z.ft'),
    )
    const file = await openFtStream(stream)
    expect(file.header).toMatchObject({
      final: true,
      capStart: 10,
      capEnd: 20,
      flowCount: 1328,
      byteOrder: 'big',
    })
    expect(file.header.headerLength % 4).toBe(0)
    let n = 0
    for await (const b of file.batches) n += b.length
    expect(n).toBe(1328)
  })
})
