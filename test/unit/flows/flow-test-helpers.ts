import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { csvColumns, csvHeader, csvLines } from '../../../src/flows/csv-export'
import { type FtReadOptions, openFtStream } from '../../../src/flows/ft-reader'
import type { PeekedStream } from '../../../src/flows/input-sniff'

export { rng } from '../../support/rng'

const FIXTURES = fileURLToPath(new URL('../../fixtures/flows/', import.meta.url))

export function fixture(path: string): Uint8Array {
  return new Uint8Array(readFileSync(FIXTURES + path))
}

export function fixtureText(path: string): string {
  return readFileSync(FIXTURES + path, 'latin1')
}

/** A stream delivering `bytes` in chunks of the given sizes (cycled), 0-size chunks included. */
export function streamOf(
  bytes: Uint8Array,
  sizes: number[] = [bytes.length || 1],
): ReadableStream<Uint8Array> {
  let pos = 0
  let k = 0
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (pos >= bytes.length) {
        controller.close()
        return
      }
      const n = Math.max(1, sizes[k++ % sizes.length] ?? 1)
      controller.enqueue(bytes.slice(pos, pos + n))
      pos += n
    },
  })
}

/**
 * Like streamOf, as a byte stream (what a request body is in workerd): BYOB reads are filled in
 * place, at most the next size's bytes per read. `stats.byob` counts those reads.
 */
export function byteStreamOf(
  bytes: Uint8Array,
  sizes: number[] = [bytes.length || 1],
): { stream: ReadableStream<Uint8Array>; stats: { byob: number; buffers: Set<number> } } {
  let pos = 0
  let k = 0
  const stats = { byob: 0, buffers: new Set<number>() }
  const stream = new ReadableStream({
    type: 'bytes',
    pull(controller) {
      if (pos >= bytes.length) {
        controller.close()
        controller.byobRequest?.respond(0)
        return
      }
      const n = Math.max(1, sizes[k++ % sizes.length] ?? 1)
      const request = controller.byobRequest
      if (request?.view) {
        stats.byob++
        stats.buffers.add(request.view.byteLength)
        const view = new Uint8Array(request.view.buffer, request.view.byteOffset)
        const m = Math.min(n, view.length, bytes.length - pos)
        view.set(bytes.subarray(pos, pos + m))
        pos += m
        request.respond(m)
      } else {
        controller.enqueue(bytes.slice(pos, pos + n))
        pos += n
      }
    },
  })
  return { stream: stream as ReadableStream<Uint8Array>, stats }
}

/** flow-export -f 2 of a whole stream. */
export async function exportCsv(
  stream: ReadableStream<Uint8Array> | PeekedStream,
  options: FtReadOptions = {},
): Promise<string> {
  const file = await openFtStream(stream, options)
  const columns = csvColumns(file.present)
  let out = csvHeader(columns)
  for await (const b of file.batches) out += csvLines(b, columns, range(b.length))
  return out
}

export function* range(n: number): Generator<number> {
  for (let i = 0; i < n; i++) yield i
}
