// Synthetic flow-capture files for the archive tests, written with the project's ft writer.
import { createFlowBatch, type FlowBatch } from '../../src/flows/flow-batch'
import { ftFileStream } from '../../src/flows/ft-writer'
import { findLayout } from '../../src/flows/record-layouts'

/**
 * A closed (DONE) v5 file of `flows` records spread over [capStart, capEnd], big-endian and
 * uncompressed like flow-capture's default, so its size is 64 bytes a flow plus the header.
 * `compress`: zlib-compressed records (flow-capture -z); `open`: a streaming header, as
 * flow-capture writes it before it closes the file.
 */
export async function buildFtFile(opts: {
  flows: number
  capStart: number
  capEnd: number
  compress?: boolean
  open?: boolean
  /** When the flows start, if not at capStart (exported flows start before the capture). */
  flowsStart?: number
}): Promise<Uint8Array> {
  const layout = findLayout(5)
  if (!layout) throw new Error('no v5 layout')
  const { flows, capStart, capEnd } = opts
  async function* batches(): AsyncGenerator<FlowBatch> {
    for (let done = 0; done < flows; done += 4096) {
      const b = createFlowBatch(4096)
      b.length = Math.min(4096, flows - done)
      for (let i = 0; i < b.length; i++) {
        const n = done + i
        const first = opts.flowsStart ?? capStart
        b.cols.unix_secs[i] = first + Math.floor(((capEnd - first) * n) / flows)
        b.cols.srcaddr[i] = 0x0a000000 + (n % 65536)
        b.cols.dstaddr[i] = 0xc0a80000 + ((n * 7) % 65536)
        b.cols.srcport[i] = 1024 + (n % 60000)
        b.cols.dstport[i] = n % 3 === 0 ? 6667 : 80
        b.cols.prot[i] = 6
        b.cols.dpkts[i] = 1 + (n % 17)
        b.cols.doctets[i] = 40 * (1 + (n % 17))
      }
      yield b
    }
  }
  const stream = ftFileStream(
    {
      layout,
      byteOrder: 'big',
      compress: opts.compress === true,
      ...(opts.open ? {} : { done: { capStart, capEnd, flowCount: flows } }),
    },
    batches(),
  )
  return new Uint8Array(await new Response(stream).arrayBuffer())
}
