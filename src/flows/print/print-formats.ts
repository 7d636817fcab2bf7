import type { FlowBatch, FlowField } from '../flow-batch'
import { formatIpv4 } from '../ipv4'
import { type Clock, ftlTimeMs, type Tm } from './flow-time'
import { d2, d3, lu, lx, ru, s, x } from './printf'

/** flow-print options: -w, and the clock that turns times into text (UTC unless a zone is asked). */
export type PrintOptions = { wide: boolean; tm: Clock }

/** One flow-print format: the fields it needs, its header lines and one row per flow. */
export type PrintFormat = {
  readonly requires: readonly FlowField[]
  header(wide: boolean): string
  /** The text for row `i` (newline included), or '' when the format skips the flow. */
  row(b: FlowBatch, i: number, o: PrintOptions): string
  readonly hasWide?: boolean
}

const PKT: FlowField[] = ['dpkts', 'doctets']
const TIMES: FlowField[] = ['unix_secs', 'unix_nsecs', 'sysuptime', 'first', 'last']
const AGG: FlowField[] = ['dflows', 'dpkts', 'doctets', 'first', 'last']

/** fmt_ipv4prefix(): the address without its trailing zero octets, then `/mask` (10.0.0.0/8 → 10/8). */
export function ipPrefix(addr: number, mask: number): string {
  const o = [addr >>> 24, (addr >>> 16) & 255, (addr >>> 8) & 255, addr & 255]
  let n = 4
  while (n > 1 && o[n - 1] === 0) n--
  return `${o.slice(0, n).join('.')}/${mask}`
}

/** `%-2.2d%-2.2d.%-2.2d:%-2.2d:%-2.2d.%-3.3lu`: MMDD.HH:MM:SS.mmm, no year. */
function mmdd(t: Tm): string {
  return `${d2(t.mon)}${d2(t.mday)}.${d2(t.hour)}:${d2(t.min)}:${d2(t.sec)}.${d3(t.ms)}`
}

function ymd(t: Tm): string {
  return `${String(t.year).padStart(4, '0')}-${d2(t.mon)}-${d2(t.mday)} ${d2(t.hour)}:${d2(t.min)}:${d2(t.sec)}.${d3(t.ms)}`
}

function v(b: FlowBatch, f: FlowField, i: number): number {
  return b.cols[f][i] as number
}

function ip(b: FlowBatch, f: FlowField, i: number): string {
  return formatIpv4(v(b, f, i))
}

/** Last - First as flow-tools computes it: uint32 arithmetic. */
function duration(b: FlowBatch, i: number): number {
  return (v(b, 'last', i) - v(b, 'first', i)) >>> 0
}

function times(b: FlowBatch, i: number, tm: Clock): [Tm, Tm] {
  return [tm(ftlTimeMs(b, i, v(b, 'first', i))), tm(ftlTimeMs(b, i, v(b, 'last', i)))]
}

/** The -f 1 / -f 2 second line: start, end, active s.ms, bytes per packet, tos, flags. */
function activeLine(b: FlowBatch, i: number, tm: Clock): string {
  const [st, en] = times(b, i, tm)
  const d = duration(b, i)
  const bpp = Math.floor(v(b, 'doctets', i) / v(b, 'dpkts', i))
  return ` ${mmdd(st)}  ${mmdd(en)}  ${ru(Math.floor(d / 1000), 5)}.${d3(d % 1000)} ${lu(bpp, 3)} ${x(v(b, 'tos', i), 2)} ${x(v(b, 'tcp_flags', i), 2)}\n\n`
}

function f0Line(b: FlowBatch, i: number): string {
  return `${x(v(b, 'input', i), 4)} ${s(ip(b, 'srcaddr', i), 15)}  ${x(v(b, 'output', i), 4)} ${s(ip(b, 'dstaddr', i), 15)}   ${x(v(b, 'prot', i), 2)} ${lx(v(b, 'srcport', i), 4)} ${lx(v(b, 'dstport', i), 4)}  ${lu(v(b, 'dpkts', i), 10)} ${lu(v(b, 'doctets', i), 10)}\n`
}

const F1_FIELDS: FlowField[] = [
  ...PKT,
  ...TIMES,
  'input',
  'output',
  'srcaddr',
  'dstaddr',
  'srcport',
  'dstport',
  'tos',
  'tcp_flags',
  'prot',
]

/** A v8-style counters tail: `%-12.12s` flows, octets, packets, duration. */
function aggTail(b: FlowBatch, i: number): string {
  return `${s(String(v(b, 'dflows', i)), 12)}${s(String(v(b, 'doctets', i)), 12)}${s(String(v(b, 'dpkts', i)), 12)}${s(String(duration(b, i)), 12)}\n`
}

function n(b: FlowBatch, f: FlowField, i: number): string {
  return String(v(b, f, i))
}

/** flow-print's formats by number (flow-print.c format0 ... format24). */
export const PRINT_FORMATS: Readonly<Record<number, PrintFormat>> = {
  0: {
    requires: [...PKT, 'input', 'output', 'prot', 'srcaddr', 'dstaddr', 'srcport', 'dstport'],
    header: () => 'Sif  SrcIPaddress     Dif  DstIPaddress      Pr SrcP DstP  Pkts       Octets\n',
    row: (b, i) => f0Line(b, i),
  },
  1: {
    requires: F1_FIELDS,
    header: () =>
      'Sif  SrcIPaddress     DIf  DstIPaddress      Pr SrcP DstP  Pkts  Octets\n StartTime          EndTime             Active   B/Pk Ts Fl\n\n',
    // dPkts = 0 is skipped ("Ignoring bogus flow dPkts=0" on flow-print's stderr).
    row: (b, i, o) => (v(b, 'dpkts', i) === 0 ? '' : f0Line(b, i) + activeLine(b, i, o.tm)),
  },
  2: {
    requires: F1_FIELDS,
    header: () =>
      'Sif SrcIPaddress     DIf DstIPaddress    Pr SrcP DstP Pkts       Octets\n StartTime          EndTime             Active   B/Pk Ts Fl\n\n',
    // Scan finder: TCP, SYN only, 2 packets of 40 bytes.
    row: (b, i, o) => {
      const pk = v(b, 'dpkts', i)
      if (pk !== 2 || v(b, 'prot', i) !== 6 || v(b, 'tcp_flags', i) !== 2) return ''
      if (v(b, 'doctets', i) !== pk * 40) return ''
      return `${x(v(b, 'input', i), 2)}  ${s(ip(b, 'srcaddr', i), 15)}  ${x(v(b, 'output', i), 2)}  ${s(ip(b, 'dstaddr', i), 15)} ${x(v(b, 'prot', i), 2)} ${lx(v(b, 'srcport', i), 4)} ${lx(v(b, 'dstport', i), 4)} ${lu(pk, 10)} ${lu(v(b, 'doctets', i), 10)}\n${activeLine(b, i, o.tm)}`
    },
  },
  3: {
    requires: [...PKT, 'srcaddr', 'dstaddr', 'srcport', 'dstport', 'prot'],
    hasWide: true,
    header: (w) =>
      w
        ? 'srcIP            dstIP            prot   srcPort           dstPort           octets      packets\n'
        : 'srcIP            dstIP            prot  srcPort  dstPort  octets      packets\n',
    row: (b, i, { wide: w }) =>
      w
        ? `${s(ip(b, 'srcaddr', i), 15)}  ${s(ip(b, 'dstaddr', i), 15)}  ${s(n(b, 'prot', i), 5)}  ${s(n(b, 'srcport', i), 16)}  ${s(n(b, 'dstport', i), 16)}  ${lu(v(b, 'doctets', i), 10)}  ${lu(v(b, 'dpkts', i), 10)}\n`
        : `${s(ip(b, 'srcaddr', i), 15)}  ${s(ip(b, 'dstaddr', i), 15)}  ${s(n(b, 'prot', i), 4)}  ${s(n(b, 'srcport', i), 7)}  ${s(n(b, 'dstport', i), 7)}  ${lu(v(b, 'doctets', i), 10)}  ${lu(v(b, 'dpkts', i), 10)}\n`,
  },
  4: {
    requires: [
      ...PKT,
      'input',
      'output',
      'srcaddr',
      'dstaddr',
      'src_as',
      'dst_as',
      'prot',
      'src_mask',
      'dst_mask',
    ],
    hasWide: true,
    header: (w) =>
      w
        ? 'Sif  Dif  srcIP               dstIP               prot   srcAS             dstAS             octets      packets\n'
        : 'srcIP              dstIP              prot  srcAS  dstAS  octets      packets\n',
    row: (b, i, { wide: w }) => {
      const src = ipPrefix(v(b, 'srcaddr', i), v(b, 'src_mask', i))
      const dst = ipPrefix(v(b, 'dstaddr', i), v(b, 'dst_mask', i))
      return w
        ? `${x(v(b, 'input', i), 4)} ${x(v(b, 'output', i), 4)} ${s(src, 18)}  ${s(dst, 18)}  ${s(n(b, 'prot', i), 5)}  ${s(n(b, 'src_as', i), 16)}  ${s(n(b, 'dst_as', i), 16)}  ${lu(v(b, 'doctets', i), 10)}  ${lu(v(b, 'dpkts', i), 10)}\n`
        : `${s(src, 18)} ${s(dst, 18)} ${s(n(b, 'prot', i), 4)}  ${s(n(b, 'src_as', i), 5)}  ${s(n(b, 'dst_as', i), 5)}  ${lu(v(b, 'doctets', i), 10)}  ${lu(v(b, 'dpkts', i), 10)}\n`
    },
  },
  5: {
    requires: [
      ...PKT,
      ...TIMES,
      'input',
      'output',
      'srcaddr',
      'dstaddr',
      'srcport',
      'dstport',
      'tcp_flags',
      'prot',
    ],
    header: () =>
      'Start             End               Sif   SrcIPaddress    SrcP  DIf   DstIPaddress    DstP    P Fl Pkts       Octets\n\n',
    row: (b, i, o) => {
      const [st, en] = times(b, i, o.tm)
      // Fl = FIN/SYN/RST only (tcp_flags & 7), decimal.
      return `${mmdd(st)} ${mmdd(en)} ${lu(v(b, 'input', i), 5)} ${s(ip(b, 'srcaddr', i), 15)} ${lu(v(b, 'srcport', i), 5)} ${lu(v(b, 'output', i), 5)} ${s(ip(b, 'dstaddr', i), 15)} ${lu(v(b, 'dstport', i), 5)} ${lu(v(b, 'prot', i), 3)} ${lu(v(b, 'tcp_flags', i) & 7, 2)} ${lu(v(b, 'dpkts', i), 10)} ${lu(v(b, 'doctets', i), 10)}\n`
    },
  },
  6: {
    requires: [...PKT, 'srcaddr', 'dstaddr'],
    header: () => '   Source           Destination              Packets               Bytes\n',
    row: (b, i) =>
      ` ${s(ip(b, 'srcaddr', i), 15)}  ${s(ip(b, 'dstaddr', i), 15)}  ${ru(v(b, 'dpkts', i), 17)}  ${ru(v(b, 'doctets', i), 18)}\n`,
  },
  7: {
    requires: [
      ...PKT,
      'prot',
      'srcaddr',
      'dstaddr',
      'src_mask',
      'dst_mask',
      'router_sc',
      'srcport',
      'dstport',
    ],
    header: () =>
      'srcIP               dstIP               router_sc        prot   srcPort         dstPort         octets      packets\n',
    row: (b, i) =>
      `${s(ipPrefix(v(b, 'srcaddr', i), v(b, 'src_mask', i)), 18)}  ${s(ipPrefix(v(b, 'dstaddr', i), v(b, 'dst_mask', i)), 18)}  ${s(ip(b, 'router_sc', i), 15)}  ${s(n(b, 'prot', i), 5)}  ${s(n(b, 'srcport', i), 14)}  ${s(n(b, 'dstport', i), 14)}  ${lu(v(b, 'doctets', i), 10)}  ${lu(v(b, 'dpkts', i), 10)}\n`,
  },
  8: {
    requires: [
      ...PKT,
      'prot',
      'srcaddr',
      'dstaddr',
      'src_mask',
      'dst_mask',
      'peer_nexthop',
      'srcport',
      'dstport',
      'in_encaps',
      'out_encaps',
    ],
    header: () =>
      'srcIP               dstIP               peer_nexthop     encap i/o  prot   srcPort         dstPort         octets      packets\n',
    row: (b, i) =>
      `${s(ipPrefix(v(b, 'srcaddr', i), v(b, 'src_mask', i)), 18)}  ${s(ipPrefix(v(b, 'dstaddr', i), v(b, 'dst_mask', i)), 18)}  ${s(ip(b, 'peer_nexthop', i), 15)}  ${lu(v(b, 'in_encaps', i), 4)} ${lu(v(b, 'out_encaps', i), 4)}  ${s(n(b, 'prot', i), 5)}  ${s(n(b, 'srcport', i), 14)}  ${s(n(b, 'dstport', i), 14)}  ${lu(v(b, 'doctets', i), 10)}  ${lu(v(b, 'dpkts', i), 10)}\n`,
  },
  9: {
    requires: [...PKT, 'srcaddr', 'dstaddr', 'src_tag', 'dst_tag', 'prot'],
    hasWide: true,
    header: (w) =>
      w
        ? 'srcTag             dstTag             srcIP            dstIP            octets      packets\n'
        : 'srcTag      dstTag      srcIP            dstIP            octets      packets\n',
    row: (b, i, { wide: w }) => {
      // "0x%-8.8lx": at least 8 hex digits.
      const st = `0x${v(b, 'src_tag', i).toString(16).padStart(8, '0')}`
      const dt = `0x${v(b, 'dst_tag', i).toString(16).padStart(8, '0')}`
      const k = w ? 15 : 10
      return `${s(st, k)}  ${s(dt, k)}  ${s(ip(b, 'srcaddr', i), 15)}  ${s(ip(b, 'dstaddr', i), 15)}  ${lu(v(b, 'doctets', i), 10)}  ${lu(v(b, 'dpkts', i), 10)}\n`
    },
  },
  10: {
    requires: [...AGG, 'input', 'output', 'src_as', 'dst_as'],
    header: () => 'srcAS  dstAS  in     out    flows       octets      packets     duration\n',
    row: (b, i) =>
      `${s(n(b, 'src_as', i), 5)}  ${s(n(b, 'dst_as', i), 5)}  ${s(n(b, 'input', i), 7)}${s(n(b, 'output', i), 7)}${aggTail(b, i)}`,
  },
  11: {
    requires: [...AGG, 'srcport', 'dstport', 'prot'],
    header: () => 'srcPort  dstPort  prot   flows       octets      packets     duration\n',
    row: (b, i) =>
      `${s(n(b, 'srcport', i), 7)}  ${s(n(b, 'dstport', i), 7)}  ${s(n(b, 'prot', i), 5)}  ${aggTail(b, i)}`,
  },
  12: {
    requires: [...AGG, 'input', 'srcaddr', 'src_mask', 'src_as'],
    header: () =>
      'src/mask            srcAS  input  flows       octets      packets     duration\n',
    row: (b, i) =>
      `${s(ipPrefix(v(b, 'srcaddr', i), v(b, 'src_mask', i)), 18)}  ${s(n(b, 'src_as', i), 5)}  ${s(n(b, 'input', i), 7)}${aggTail(b, i)}`,
  },
  13: {
    requires: [...AGG, 'output', 'dstaddr', 'dst_mask', 'dst_as'],
    header: () =>
      'dst/mask            dstAS  input  flows       octets      packets     duration\n',
    row: (b, i) =>
      `${s(ipPrefix(v(b, 'dstaddr', i), v(b, 'dst_mask', i)), 18)}  ${s(n(b, 'dst_as', i), 5)}  ${s(n(b, 'output', i), 7)}${aggTail(b, i)}`,
  },
  14: {
    requires: [
      ...AGG,
      'input',
      'output',
      'srcaddr',
      'dstaddr',
      'src_mask',
      'dst_mask',
      'src_as',
      'dst_as',
    ],
    header: () =>
      'srcPrefix           srcAS  dstPrefix           dstAS  input  output flows       octets      packets     duration\n',
    row: (b, i) =>
      `${s(ipPrefix(v(b, 'srcaddr', i), v(b, 'src_mask', i)), 18)}  ${s(n(b, 'src_as', i), 5)}  ${s(ipPrefix(v(b, 'dstaddr', i), v(b, 'dst_mask', i)), 18)}  ${s(n(b, 'dst_as', i), 5)}  ${s(n(b, 'input', i), 7)}${s(n(b, 'output', i), 7)}${aggTail(b, i)}`,
  },
  15: {
    requires: [...PKT, 'dstaddr', 'output', 'router_sc', 'extra_pkts', 'tos', 'marked_tos'],
    header: () =>
      'dstIP            router_sc        Dif    ToS  mToS xpackets    octets      packets\n',
    row: (b, i) =>
      `${s(ip(b, 'dstaddr', i), 15)}  ${s(ip(b, 'router_sc', i), 15)}  ${s(n(b, 'output', i), 5)}  ${s(n(b, 'tos', i), 3)}  ${s(n(b, 'marked_tos', i), 3)}  ${s(n(b, 'extra_pkts', i), 10)}  ${s(n(b, 'doctets', i), 10)}  ${s(n(b, 'dpkts', i), 10)}\n`,
  },
  16: {
    requires: [
      ...PKT,
      'dstaddr',
      'srcaddr',
      'output',
      'input',
      'router_sc',
      'extra_pkts',
      'tos',
      'marked_tos',
    ],
    header: () =>
      'srcIP            dstIP            router_sc        Sif    Dif    ToS  mToS xpackets    octets      packets\n',
    row: (b, i) =>
      `${s(ip(b, 'srcaddr', i), 15)}  ${s(ip(b, 'dstaddr', i), 15)}  ${s(ip(b, 'router_sc', i), 15)}  ${s(n(b, 'input', i), 5)}  ${s(n(b, 'output', i), 5)}  ${s(n(b, 'tos', i), 3)}  ${s(n(b, 'marked_tos', i), 3)}  ${s(n(b, 'extra_pkts', i), 10)}  ${s(n(b, 'doctets', i), 10)}  ${s(n(b, 'dpkts', i), 10)}\n`,
  },
  17: {
    requires: [
      ...PKT,
      'dstaddr',
      'srcaddr',
      'output',
      'input',
      'router_sc',
      'extra_pkts',
      'srcport',
      'dstport',
      'prot',
      'tos',
      'marked_tos',
    ],
    header: () =>
      'srcIP            dstIP            router_sc        Sif    Dif    SrcP   DstP   prot ToS  mToS xpackets    octets      packets\n',
    row: (b, i) =>
      `${s(ip(b, 'srcaddr', i), 15)}  ${s(ip(b, 'dstaddr', i), 15)}  ${s(ip(b, 'router_sc', i), 15)}  ${s(n(b, 'input', i), 5)}  ${s(n(b, 'output', i), 5)}  ${s(n(b, 'srcport', i), 5)}  ${s(n(b, 'dstport', i), 5)}  ${s(n(b, 'prot', i), 3)}  ${s(n(b, 'tos', i), 3)}  ${s(n(b, 'marked_tos', i), 3)}  ${s(n(b, 'extra_pkts', i), 10)}  ${s(n(b, 'doctets', i), 10)}  ${s(n(b, 'dpkts', i), 10)}\n`,
  },
  18: {
    requires: [...AGG, 'input', 'output', 'src_as', 'dst_as', 'tos'],
    header: () => 'ToS  srcAS  dstAS  in     out    flows       octets      packets     duration\n',
    row: (b, i) =>
      `${s(n(b, 'tos', i), 3)}  ${s(n(b, 'src_as', i), 5)}  ${s(n(b, 'dst_as', i), 5)}  ${s(n(b, 'input', i), 7)}${s(n(b, 'output', i), 7)}${aggTail(b, i)}`,
  },
  19: {
    requires: [...AGG, 'srcport', 'dstport', 'prot', 'tos'],
    header: () => 'ToS  srcPort  dstPort  prot   flows       octets      packets     duration\n',
    // flow-print reads the ToS column from the protocol byte for 8.10 (a flow-tools bug, kept).
    row: (b, i) =>
      `${s(n(b, 'prot', i), 3)}  ${s(n(b, 'srcport', i), 7)}  ${s(n(b, 'dstport', i), 7)}  ${s(n(b, 'prot', i), 5)}  ${aggTail(b, i)}`,
  },
  20: {
    requires: [...AGG, 'input', 'srcaddr', 'src_mask', 'src_as', 'tos'],
    header: () =>
      'ToS  srcPrefix           srcAS  input  flows       octets      packets     duration\n',
    row: (b, i) =>
      `${s(n(b, 'tos', i), 3)}  ${s(ipPrefix(v(b, 'srcaddr', i), v(b, 'src_mask', i)), 18)}  ${s(n(b, 'src_as', i), 5)}  ${s(n(b, 'input', i), 7)}${aggTail(b, i)}`,
  },
  21: {
    requires: [...AGG, 'output', 'dstaddr', 'dst_mask', 'dst_as', 'tos'],
    header: () =>
      'ToS  dst/mask            dstAS  input  flows       octets      packets     duration\n',
    row: (b, i) =>
      `${s(n(b, 'tos', i), 3)}  ${s(ipPrefix(v(b, 'dstaddr', i), v(b, 'dst_mask', i)), 18)}  ${s(n(b, 'dst_as', i), 5)}  ${s(n(b, 'output', i), 7)}${aggTail(b, i)}`,
  },
  22: {
    requires: [
      ...AGG,
      'input',
      'output',
      'srcaddr',
      'dstaddr',
      'src_mask',
      'dst_mask',
      'src_as',
      'dst_as',
      'tos',
    ],
    header: () =>
      'ToS  srcPrefix           srcAS  dstPrefix           dstAS  input  output flows       octets      packets     duration\n',
    // flow-print passes dstPrefix to the srcAS column and srcAS to the dstPrefix one (bug, kept).
    row: (b, i) =>
      `${s(n(b, 'tos', i), 3)}  ${s(ipPrefix(v(b, 'srcaddr', i), v(b, 'src_mask', i)), 18)}  ${s(ipPrefix(v(b, 'dstaddr', i), v(b, 'dst_mask', i)), 5)}  ${s(n(b, 'src_as', i), 18)}  ${s(n(b, 'dst_as', i), 5)}  ${s(n(b, 'input', i), 7)}${s(n(b, 'output', i), 7)}${aggTail(b, i)}`,
  },
  23: {
    requires: [
      ...AGG,
      'input',
      'output',
      'srcaddr',
      'dstaddr',
      'src_mask',
      'dst_mask',
      'tos',
      'srcport',
      'dstport',
      'prot',
    ],
    header: () =>
      'ToS  srcPrefix           dstPrefix           Pr   SrcP   DstP    input  output flows       octets      packets     duration\n',
    row: (b, i) =>
      `${s(n(b, 'tos', i), 3)}  ${s(ipPrefix(v(b, 'srcaddr', i), v(b, 'src_mask', i)), 18)}  ${s(ipPrefix(v(b, 'dstaddr', i), v(b, 'dst_mask', i)), 18)}  ${s(n(b, 'prot', i), 3)}  ${s(n(b, 'srcport', i), 5)}  ${s(n(b, 'dstport', i), 5)}  ${s(n(b, 'input', i), 7)}${s(n(b, 'output', i), 7)}${aggTail(b, i)}`,
  },
  24: {
    requires: [...F1_FIELDS, 'exaddr', 'router_sc', 'src_as', 'dst_as'],
    header: () =>
      '#Sif SrcIPaddress     DIf  DstIPaddress     Pr SrcP  DstP  Pkts       Octets       StartDate  StartTime     EndDate    EndTime       ExporterAddr    RouterSrc          Active B/Pk  Ts Fl  SrcAS DstAS\n\n',
    row: (b, i, o) => {
      const pk = v(b, 'dpkts', i)
      if (pk === 0) return ''
      const [st, en] = times(b, i, o.tm)
      const d = duration(b, i)
      const bpp = Math.floor(v(b, 'doctets', i) / pk)
      return `${x(v(b, 'input', i), 4)} ${s(ip(b, 'srcaddr', i), 15)}  ${x(v(b, 'output', i), 4)} ${s(ip(b, 'dstaddr', i), 15)}  ${x(v(b, 'prot', i), 2)} ${lu(v(b, 'srcport', i), 5)} ${lu(v(b, 'dstport', i), 5)} ${lu(pk, 10)} ${lu(v(b, 'doctets', i), 10)}   ${ymd(st)}  ${ymd(en)}  ${s(ip(b, 'exaddr', i), 15)} ${s(ip(b, 'router_sc', i), 15)} ${ru(Math.floor(d / 1000), 5)}.${d3(d % 1000)} ${lu(bpp, 4)}  ${x(v(b, 'tos', i), 2)} ${x(v(b, 'tcp_flags', i), 2)}  ${s(n(b, 'src_as', i), 5)} ${s(n(b, 'dst_as', i), 5)}\n`
    },
  },
}

/** flow-print's default format for a record version: v1/v5 3, v7 7, v6 8, v1005 9, v8.N 9+N. */
export function defaultPrintFormat(dVersion: number, aggMethod = 0): number {
  if (dVersion === 8) return 9 + aggMethod
  if (dVersion === 7) return 7
  if (dVersion === 6) return 8
  if (dVersion === 1005) return 9
  return 3
}
