/**
 * Flow analyzer benchmark cases, run one per process by bench/run.mjs so each peak RSS is clean.
 * Inputs are built here with the ft writer (deterministic pseudo-random v5 flows), never copied.
 */
import { closeSync, openSync, readFileSync, writeSync } from 'node:fs'
import { type FileHandle, open } from 'node:fs/promises'
import { compileFilter } from '../src/flows/filter/index'
import {
  createFlowBatch,
  type FlowBatch,
  type FlowField,
  type FlowPredicate,
  fieldSet,
} from '../src/flows/flow-batch'
import { FILE_SUMMARY_FIELDS } from '../src/flows/flow-summary'
import { openFtStream } from '../src/flows/ft-reader'
import { ftFileStream } from '../src/flows/ft-writer'
import { decompressionStreamInflater, type Inflater } from '../src/flows/inflater'
import { ByteOut } from '../src/flows/print/byte-out'
import { choosePrintFormat, printBatch } from '../src/flows/print/flow-print'
import { findLayout } from '../src/flows/record-layouts'
import {
  addToStatSummary,
  createStatSummary,
  STAT_SUMMARY_FIELDS,
} from '../src/flows/report/stat-summary'
import {
  addToTopTalkers,
  createTopTalkers,
  TOP_TALKER_FIELDS,
} from '../src/flows/report/top-talkers'
import { wasmInflater } from '../src/flows/wasm-inflater'
import { rng } from '../test/support/rng'
import { nodeZlibInflater } from './node-inflater'
import { threadInflater } from './thread-inflater'

/** Pseudo-random v5 flows over a day: 75 % TCP, 21 % UDP, 4 % ICMP, hosts from small pools. */
async function* randomFlows(n: number, seed: number): AsyncGenerator<FlowBatch> {
  const r = rng(seed)
  const batch = createFlowBatch(8192)
  const c = batch.cols
  const start = Date.UTC(2024, 0, 15) / 1000
  const internal = Array.from(
    { length: 200 },
    (_, k) => ((172 << 24) | (16 << 16) | ((k >> 8) << 8) | (k & 255)) >>> 0,
  )
  internal[0] = ((172 << 24) | (16 << 16) | (1 << 8) | 10) >>> 0 // 172.16.1.10, the busy host
  for (let done = 0; done < n; ) {
    const rows = Math.min(8192, n - done)
    for (let i = 0; i < rows; i++) {
      const t = start + Math.floor(((done + i) / n) * 86400)
      const p = r()
      const prot = p < 0.75 ? 6 : p < 0.96 ? 17 : 1
      const host = internal[r() < 0.076 ? 0 : Math.floor(r() * internal.length)] as number
      const remote = (Math.floor(r() * 0xdfffffff) + 0x01000000) >>> 0
      const out = r() < 0.5
      const pkts = 1 + Math.floor(r() * r() * 200)
      c.unix_secs[i] = t
      c.unix_nsecs[i] = Math.floor(r() * 1e9)
      c.sysuptime[i] = 900_000_000
      c.exaddr[i] = 0x0a000001
      c.srcaddr[i] = out ? host : remote
      c.dstaddr[i] = out ? remote : host
      c.nexthop[i] = 0x0a000002
      c.input[i] = 1 + Math.floor(r() * 4)
      c.output[i] = 1 + Math.floor(r() * 4)
      c.dpkts[i] = pkts
      c.doctets[i] = pkts * (40 + Math.floor(r() * 1460))
      c.last[i] = 900_000_000 - Math.floor(r() * 1000)
      c.first[i] = (c.last[i] as number) - Math.floor(r() * 60_000)
      c.srcport[i] =
        prot === 1
          ? 0
          : out
            ? 1024 + Math.floor(r() * 60000)
            : ([80, 443, 22, 53, 25][Math.floor(r() * 5)] as number)
      c.dstport[i] =
        prot === 1
          ? 2048
          : out
            ? ([80, 443, 22, 53, 25][Math.floor(r() * 5)] as number)
            : 1024 + Math.floor(r() * 60000)
      c.prot[i] = prot
      c.tcp_flags[i] = prot === 6 ? Math.floor(r() * 32) : 0
      c.src_mask[i] = 24
      c.dst_mask[i] = 16
    }
    batch.length = rows
    done += rows
    yield batch
  }
}

async function generate(path: string, n: number, seed: number, compress: boolean): Promise<void> {
  const layout = findLayout(5)
  if (!layout) throw new Error('no v5 layout')
  const fd = openSync(path, 'w')
  const reader = ftFileStream(
    { layout, byteOrder: 'little', compress, comments: 'edgeping bench' },
    randomFlows(n, seed),
  ).getReader()
  for (let r = await reader.read(); !r.done; r = await reader.read()) writeSync(fd, r.value)
  closeSync(fd)
}

/**
 * The file as a byte stream of 256 KiB reads, one read per pull, like a request body (a byte
 * stream in workerd) that arrives as it is consumed: a BYOB read fills the reader's buffer, a
 * default read gets a fresh one. (Readable.toWeb(createReadStream()) reads ahead without
 * backpressure: it alone took the process to 104 MB RSS on the 31 MB file.)
 */
function fileStream(path: string): ReadableStream<Uint8Array> {
  let handle: FileHandle | undefined
  const stream = new ReadableStream(
    {
      type: 'bytes',
      autoAllocateChunkSize: 256 * 1024,
      async pull(controller) {
        handle ??= await open(path, 'r')
        // With autoAllocateChunkSize there is always a request, BYOB or auto-allocated.
        const request = controller.byobRequest
        if (!request?.view) throw new Error('no read request')
        const view = new Uint8Array(request.view.buffer, request.view.byteOffset)
        const { bytesRead } = await handle.read(view, 0, view.length, null)
        if (bytesRead === 0) {
          await handle.close()
          controller.close()
          request.respond(0)
        } else request.respond(bytesRead)
      },
      async cancel() {
        await handle?.close()
      },
    },
    { highWaterMark: 0 },
  )
  return stream as ReadableStream<Uint8Array>
}

/** flow-nfilter's book definition ip-addr with ADDR=172.16.1.10, compiled by the filter languages. */
function ipAddrPredicate(): { keep: FlowPredicate; reads: ReadonlySet<FlowField>; how: string } {
  const f = compileFilter({
    stages: [{ kind: 'definition', name: 'ip-addr', vars: { ADDR: '172.16.1.10' } }],
  })
  return { keep: f.predicate, reads: f.fields, how: 'compiled ip-addr' }
}

// --all-fields: decode every field, as before the reader was told what a request reads.
const allFields = process.argv.includes('--all-fields')

async function runCase(
  name: string,
  path: string,
  inflater: Inflater,
): Promise<Record<string, unknown>> {
  const t0 = performance.now()
  if (name === 'idle') {
    // Node itself with these modules loaded and the header read: the baseline of every peak RSS.
    const f = await openFtStream(fileStream(path))
    await f.batches.return(undefined)
    return { flows: 0, ms: performance.now() - t0 }
  }
  if (name === 'inflate') {
    // The zlib inflate alone: the floor that decoding and filtering are compared with. Read like
    // the ft reader reads: BYOB into chunksHeld + 1 buffers in turn, or a new one each time.
    const reader = fileStream(path).getReader({ mode: 'byob' })
    async function* compressed(): AsyncGenerator<Uint8Array> {
      const used: ArrayBuffer[] = []
      const held = inflater.chunksHeld
      let first = true
      for (;;) {
        const buffer =
          held !== undefined && used.length > held ? used.shift() : new ArrayBuffer(256 * 1024)
        const r = await reader.read(new Uint8Array(buffer ?? new ArrayBuffer(256 * 1024)))
        if (r.done) return
        if (held !== undefined) used.push(r.value.buffer)
        const v = r.value
        if (first) yield v.subarray(new DataView(v.buffer, v.byteOffset).getUint32(4, true))
        else yield v
        first = false
      }
    }
    let bytes = 0
    let sampled = 0
    for await (const chunk of inflater.inflate(compressed())) {
      bytes += chunk.length
      if (bytes - sampled > 4_000_000) {
        sampleHeap()
        sampled = bytes
      }
    }
    return { flows: bytes / 64, ms: performance.now() - t0 }
  }
  const { keep, reads, how } = name.includes('filter')
    ? ipAddrPredicate()
    : { keep: () => true, reads: new Set<FlowField>(), how: 'none' }
  const format = name.endsWith('-f5') ? 5 : undefined
  const printing = name.includes('print')
  // What the routes decode: the filter's fields and the output's (print format, /flows/summary's
  // counts and times for count, flow-stat + top-N for report).
  const f = await openFtStream(fileStream(path), {
    inflater,
    ...(allFields
      ? {}
      : {
          decodeFields: (present) =>
            fieldSet(
              reads,
              printing
                ? choosePrintFormat(present, 5, 0, format).requires
                : name === 'report'
                  ? [...FILE_SUMMARY_FIELDS, ...STAT_SUMMARY_FIELDS, ...TOP_TALKER_FIELDS]
                  : FILE_SUMMARY_FIELDS,
            ),
        }),
  })
  const print = printing ? choosePrintFormat(f.present, 5, 0, format) : undefined
  let matched = 0
  let outBytes = 0
  // Bytes in 64 KiB chunks, taken after every batch like the route does.
  const out = new ByteOut()
  let batches = 0
  // report: what POST /flows/report does, flow-stat's summary plus the top-N tables.
  const report = name === 'report' ? { stat: createStatSummary(), top: createTopTalkers() } : null
  for await (const b of f.batches) {
    // Every 64th batch (262,144 flows): what V8 holds (live data plus garbage not yet
    // collected), besides RSS. Every 16th cost 70-80 ms of the main thread per 10 M flows.
    if ((++batches & 63) === 0) sampleHeap()
    if (report) {
      addToStatSummary(report.stat, b, keep)
      addToTopTalkers(report.top, b, keep)
      matched = report.stat.flows
    } else if (print) {
      matched += printBatch(print, b, false, out, keep)
      for (const chunk of out.take()) outBytes += chunk.length
    } else for (let i = 0; i < b.length; i++) if (keep(b, i)) matched++
  }
  return { flows: f.stats.flows, matched, outBytes, filter: how, ms: performance.now() - t0 }
}

let heapPeak = 0

function sampleHeap(): void {
  const m = process.memoryUsage()
  heapPeak = Math.max(heapPeak, m.heapUsed + m.external)
}

const [, , mode, a, b, c] = process.argv
if (mode === 'generate')
  await generate(a as string, Number(b), Number(c), !process.argv.includes('--plain'))
else if (mode === 'case') {
  const inflater =
    c === 'node-zlib'
      ? nodeZlibInflater()
      : c === 'thread'
        ? threadInflater({
            workerUrl: new URL('../../bench/inflate-thread.mjs', import.meta.url),
            wasmUrl: new URL('../../wasm/inflate/inflate.wasm', import.meta.url),
          })
        : c === 'wasm'
          ? // The bundle runs from .wrangler/bench/: the module is two folders up, in wasm/inflate/.
            wasmInflater(
              new WebAssembly.Module(
                readFileSync(new URL('../../wasm/inflate/inflate.wasm', import.meta.url)),
              ),
            )
          : decompressionStreamInflater
  const cpu0 = process.cpuUsage()
  const result = await runCase(a as string, b as string, inflater)
  // CPU time of every thread (zlib's included), less sensitive to a busy machine than wall time.
  const cpu = process.cpuUsage(cpu0)
  const cpuMs = (cpu.user + cpu.system) / 1000
  // maxRSS is getrusage's peak resident set, the figure /usr/bin/time -v reports.
  const maxRssMb = process.resourceUsage().maxRSS / 1024
  sampleHeap()
  const heapMb = heapPeak / 1024 / 1024
  process.stdout.write(`${JSON.stringify({ ...result, cpuMs, maxRssMb, heapMb })}\n`)
}
