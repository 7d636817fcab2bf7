import { printfFixed } from '../../lib/printf-fixed'
import type { FlowBatch, FlowField, FlowPredicate } from '../flow-batch'

// Histogram bucket upper bounds of flow-stat -f 0 (flow-stat.c format0); a value counts in the
// first bucket whose bound it does not exceed. Packet sizes above 4608 are counted nowhere.
const PSIZE = [
  32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448, 480, 512, 544, 576, 1024, 1536,
  2048, 2560, 3072, 3584, 4096, 4608,
]
const FPSIZE = [
  1,
  2,
  4,
  8,
  12,
  16,
  20,
  24,
  28,
  32,
  36,
  40,
  44,
  48,
  52,
  60,
  100,
  200,
  300,
  400,
  500,
  600,
  700,
  800,
  900,
  Number.POSITIVE_INFINITY,
]
const FOSIZE = [
  32,
  64,
  128,
  256,
  512,
  1280,
  2048,
  2816,
  3584,
  4352,
  5120,
  5888,
  6656,
  7424,
  8192,
  8960,
  9728,
  10496,
  11264,
  12032,
  12800,
  13568,
  14336,
  15104,
  15872,
  Number.POSITIVE_INFINITY,
]
const FTIME = [
  10,
  50,
  100,
  200,
  500,
  1000,
  2000,
  3000,
  4000,
  5000,
  6000,
  7000,
  8000,
  9000,
  10000,
  12000,
  14000,
  16000,
  18000,
  20000,
  22000,
  24000,
  26000,
  28000,
  30000,
  Number.POSITIVE_INFINITY,
]

function bucket(bounds: readonly number[], v: number): number {
  for (let k = 0; k < bounds.length; k++) if (v <= (bounds[k] as number)) return k
  return -1
}

/** Totals and distributions of flow-stat -f 0, accumulated batch by batch. */
export type StatSummary = {
  flows: number
  octets: number
  packets: number
  /** Σ (Last − First) in ms, each term uint32 as in flow-tools. */
  time: number
  /** min/max unix_secs (export time). */
  timeStart: number
  timeEnd: number
  /** min(First) / max(Last), router uptime ms. */
  start: number
  end: number
  /** Flows skipped because dPkts = 0 ("Ignoring bogus flow"). */
  bogus: number
  psize: number[]
  fpsize: number[]
  fosize: number[]
  ftime: number[]
}

export function createStatSummary(): StatSummary {
  return {
    flows: 0,
    octets: 0,
    packets: 0,
    time: 0,
    timeStart: 0xffffffff,
    timeEnd: 0,
    start: 0xffffffff,
    end: 0,
    bogus: 0,
    psize: new Array(PSIZE.length).fill(0),
    fpsize: new Array(FPSIZE.length).fill(0),
    fosize: new Array(FOSIZE.length).fill(0),
    ftime: new Array(FTIME.length).fill(0),
  }
}

/** The fields addToStatSummary reads. */
export const STAT_SUMMARY_FIELDS: readonly FlowField[] = [
  'dpkts',
  'doctets',
  'first',
  'last',
  'unix_secs',
  'dflows',
]

export function addToStatSummary(s: StatSummary, b: FlowBatch, keep: FlowPredicate): void {
  const { dpkts, doctets, first, last, unix_secs, dflows } = b.cols
  const hasFlows = b.present.has('dflows')
  for (let i = 0; i < b.length; i++) {
    if (!keep(b, i)) continue
    const packets = dpkts[i] as number
    if (packets === 0) {
      s.bogus++
      continue
    }
    const octets = doctets[i] as number
    const f = first[i] as number
    const l = last[i] as number
    const t = unix_secs[i] as number
    s.flows += hasFlows ? (dflows[i] as number) : 1
    s.octets += octets
    s.packets += packets
    if (t < s.timeStart) s.timeStart = t
    if (t > s.timeEnd) s.timeEnd = t
    if (f < s.start) s.start = f
    if (l > s.end) s.end = l
    const k = bucket(PSIZE, Math.floor(octets / packets))
    if (k >= 0) s.psize[k] = (s.psize[k] as number) + 1
    const kp = bucket(FPSIZE, packets)
    s.fpsize[kp] = (s.fpsize[kp] as number) + 1
    const ko = bucket(FOSIZE, octets)
    s.fosize[ko] = (s.fosize[ko] as number) + 1
    const d = (l - f) >>> 0
    s.time += d
    const kt = bucket(FTIME, d)
    s.ftime[kt] = (s.ftime[kt] as number) + 1
  }
}

const fr = Math.fround

/** printf("%4.4f") of a C float, including C's spelling of infinities and NaN. */
function f4(v: number): string {
  if (Number.isNaN(v)) return '-nan'
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf'
  return printfFixed(v, 4)
}

/** print_3float: "%-3.3f" with its first character cut (0.274 → ".274", 1.000 → ".000"). */
function p3(count: number, flows: number, spaces: string): string {
  return `${printfFixed(fr(fr(count) / fr(flows)), 3).slice(1)}${spaces}`
}

function row(counts: number[], flows: number, from: number, to: number, wideFrom: number): string {
  let out = '   '
  for (let k = from; k < to; k++) out += p3(counts[k] as number, flows, k >= wideFrom ? '  ' : ' ')
  return out
}

/** flow-stat -f 0's text, byte for byte (float32 averages, integer (end − start)/1000). */
export function renderStatSummary(s: StatSummary, args = 'flow-stat -f 0 '): string {
  let out =
    '#  --- ---- ---- Report Information --- --- ---\n#\n# Fields:    Total\n# Symbols:   Disabled\n# Sorting:   None\n# Name:      Overall Summary\n#\n' +
    `# Args:      ${args}\n#\n`
  if (s.flows === 0) return out
  const n = s.flows
  const span = (s.end - s.start) >>> 0
  const spanSecs = Math.floor(span / 1000)
  const timeReal = (s.timeEnd - s.timeStart) >>> 0
  const kbits = fr(fr(s.octets * 8) / 1000)
  out += `Total Flows                     : ${n}\n`
  out += `Total Octets                    : ${s.octets}\n`
  out += `Total Packets                   : ${s.packets}\n`
  out += `Total Time (1/1000 secs) (flows): ${s.time}\n`
  out += `Duration of data  (realtime)    : ${timeReal}\n`
  out += `Duration of data (1/1000 secs)  : ${span}\n`
  out += `Average flow time (1/1000 secs) : ${f4(fr(fr(s.time) / fr(n)))}\n`
  out += `Average packet size (octets)    : ${f4(fr(fr(s.octets) / fr(s.packets)))}\n`
  out += `Average flow size (octets)      : ${f4(fr(fr(s.octets) / fr(n)))}\n`
  out += `Average packets per flow        : ${f4(fr(fr(s.packets) / fr(n)))}\n`
  out += `Average flows / second (flow)   : ${f4(fr(fr(n) / fr(spanSecs)))}\n`
  out += `Average flows / second (real)   : ${f4(timeReal !== 0 ? fr(fr(n) / fr(timeReal)) : 0)}\n`
  out += `Average Kbits / second (flow)   : ${f4(fr(kbits / fr(spanSecs)))}\n`
  out += `Average Kbits / second (real)   : ${f4(timeReal !== 0 ? fr(kbits / fr(timeReal)) : 0)}\n`
  out += '\n\nIP packet size distribution:\n'
  out += '   1-32   64   96  128  160  192  224  256  288  320  352  384  416  448  480\n'
  out += `${row(s.psize, n, 0, 15, 99)}\n\n`
  out += '    512  544  576 1024 1536 2048 2560 3072 3584 4096 4608\n'
  out += `${row(s.psize, n, 15, 26, 99)}\n\n`
  out += 'Packets per flow distribution:\n'
  out += '      1    2    4    8   12   16   20   24   28   32   36   40   44   48   52\n'
  out += `${row(s.fpsize, n, 0, 15, 99)}\n\n`
  out += '     60  100  200  300  400  500  600  700  800  900 >900\n'
  out += `${row(s.fpsize, n, 15, 26, 99)}\n\n`
  out += 'Octets per flow distribution:\n'
  out += '     32   64  128  256  512 1280 2048 2816 3584 4352 5120 5888 6656 7424 8192\n'
  out += `${row(s.fosize, n, 0, 15, 99)}\n\n`
  out += '   8960 9728 10496 11264 12032 12800 13568 14336 15104 15872 >15872\n'
  out += `${row(s.fosize, n, 15, 26, 16)}\n\n`
  out += 'Flow time distribution:\n'
  out += '    10    50  100  200  500 1000 2000 3000 4000 5000 6000 7000 8000 9000 10000\n'
  out += `${row(s.ftime, n, 0, 15, 13)}\n\n`
  out += '  12000 14000 16000 18000 20000 22000 24000 26000 28000 30000 >30000\n'
  out += `${row(s.ftime, n, 15, 26, 15)}\n\n`
  return out
}
