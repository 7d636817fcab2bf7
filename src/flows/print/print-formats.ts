import type { FlowBatch, FlowField } from '../flow-batch'
import type { ByteOut } from './byte-out'
import { type Clock, emptyTm, ftlTimeMs, type Tm } from './flow-time'

/** Symbolic names for flow-print -n: a name, or undefined to print the number. */
export type PrintNames = {
  port(n: number): string | undefined
  protocol(n: number): string | undefined
  as(n: number): string | undefined
  tag(n: number): string | undefined
}

/**
 * flow-print options: -w, the clock that turns times into text (UTC unless a zone is asked) and,
 * for -n, the symbol tables.
 */
export type PrintOptions = { wide: boolean; tm: Clock; names?: PrintNames | undefined }

/** One flow-print format: the fields it needs, its header lines and one row per flow. */
export type PrintFormat = {
  readonly requires: readonly FlowField[]
  header(wide: boolean): string
  /** Writes row `i` (newline included); false when the format skips the flow. */
  write(out: ByteOut, b: FlowBatch, i: number, o: PrintOptions): boolean
  readonly hasWide?: boolean
}

const PKT: FlowField[] = ['dpkts', 'doctets']
const TIMES: FlowField[] = ['unix_secs', 'unix_nsecs', 'sysuptime', 'first', 'last']
const AGG: FlowField[] = ['dflows', 'dpkts', 'doctets', 'first', 'last']
const NL = 10

/** `%-2.2d%-2.2d.%-2.2d:%-2.2d:%-2.2d.%-3.3lu`: MMDD.HH:MM:SS.mmm, no year. */
function mmdd(out: ByteOut, t: Tm): void {
  out.d2(t.mon)
  out.d2(t.mday)
  out.ch(46)
  hms(out, t)
}

/** HH:MM:SS.mmm */
function hms(out: ByteOut, t: Tm): void {
  out.d2(t.hour)
  out.ch(58)
  out.d2(t.min)
  out.ch(58)
  out.d2(t.sec)
  out.ch(46)
  out.d3(t.ms)
}

/** YYYY-MM-DD HH:MM:SS.mmm (format 24). */
function ymd(out: ByteOut, t: Tm): void {
  out.lit(String(t.year).padStart(4, '0'))
  out.ch(45)
  out.d2(t.mon)
  out.ch(45)
  out.d2(t.mday)
  out.ch(32)
  hms(out, t)
}

type Cols = FlowBatch['cols']

/** Last - First as flow-tools computes it: uint32 arithmetic. */
function duration(c: Cols, i: number): number {
  return ((c.last[i] as number) - (c.first[i] as number)) >>> 0
}

// Start and end of the row being printed, filled in place (rows are written one at a time).
const START = emptyTm()
const END = emptyTm()

function times(b: FlowBatch, i: number, tm: Clock): [Tm, Tm] {
  const c = b.cols
  tm(ftlTimeMs(b, i, c.first[i] as number), START)
  tm(ftlTimeMs(b, i, c.last[i] as number), END)
  return TIMES_OF_ROW
}

const TIMES_OF_ROW: [Tm, Tm] = [START, END]

/** The -f 1 / -f 2 second line: start, end, active s.ms, bytes per packet, tos, flags. */
function activeLine(out: ByteOut, b: FlowBatch, i: number, tm: Clock): void {
  const c = b.cols
  const [st, en] = times(b, i, tm)
  const d = duration(c, i)
  out.ch(32)
  mmdd(out, st)
  out.sp(2)
  mmdd(out, en)
  out.sp(2)
  out.ru(Math.floor(d / 1000), 5)
  out.ch(46)
  out.d3(d % 1000)
  out.ch(32)
  out.lu(Math.floor((c.doctets[i] as number) / (c.dpkts[i] as number)), 3)
  out.ch(32)
  out.x(c.tos[i] as number, 2)
  out.ch(32)
  out.x(c.tcp_flags[i] as number, 2)
  out.ch(NL)
  out.ch(NL)
}

function f0Line(out: ByteOut, c: Cols, i: number): void {
  out.x(c.input[i] as number, 4)
  out.ch(32)
  out.ip(c.srcaddr[i] as number, 15)
  out.sp(2)
  out.x(c.output[i] as number, 4)
  out.ch(32)
  out.ip(c.dstaddr[i] as number, 15)
  out.sp(3)
  out.x(c.prot[i] as number, 2)
  out.ch(32)
  out.lx(c.srcport[i] as number, 4)
  out.ch(32)
  out.lx(c.dstport[i] as number, 4)
  out.sp(2)
  out.lu(c.dpkts[i] as number, 10)
  out.ch(32)
  out.lu(c.doctets[i] as number, 10)
  out.ch(NL)
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
function aggTail(out: ByteOut, c: Cols, i: number): void {
  out.su(c.dflows[i] as number, 12)
  out.su(c.doctets[i] as number, 12)
  out.su(c.dpkts[i] as number, 12)
  out.su(duration(c, i), 12)
  out.ch(NL)
}

/** `%-w.ws` of a field's decimal value, then `gap` spaces. */
function num(out: ByteOut, n: number, w: number, gap: number): void {
  out.su(n, w)
  if (gap > 0) out.sp(gap)
}

/**
 * A column flow-print -n may name, filled as flow-tools' fmt_uint16s fills its buffer: the name
 * cut to `max - 1` characters (the buffer flow-print passes holds `max` bytes with the NUL), else
 * the number; then printed `%-w.ws`, which cuts it again to the column.
 */
function sym(out: ByteOut, name: string | undefined, n: number, max: number, w: number): void {
  if (name === undefined) out.su(n, w)
  else out.s(name.length < max ? name : name.slice(0, max - 1), w)
}

/** A protocol column: its -n name from ip-prot.sym (at most 4 characters) or its number. */
function prot(out: ByteOut, n: number, w: number, o: PrintOptions): void {
  sym(out, o.names?.protocol(n), n, 5, w)
}

/**
 * A port column: its -n name (at most 15 characters, or 4 where flow-print passes a 5-byte
 * buffer, cut to the column: `microsoft-ds` → `microso`) or its number.
 */
function port(out: ByteOut, n: number, w: number, o: PrintOptions, max = 16): void {
  sym(out, o.names?.port(n), n, max, w)
}

/** An AS column: its -n name from asn.sym (at most 17 characters) or its number. */
function asn(out: ByteOut, n: number, w: number, o: PrintOptions): void {
  sym(out, o.names?.as(n), n, 18, w)
}

/**
 * A format 9 tag column: its -n name from tag.sym (flow-print prints it whole, cut only by the
 * column) or `0x%-8.8lx` (at least 8 hex digits, so exactly 10 characters), 10 or 15 wide (-w).
 */
function tag(out: ByteOut, n: number, o: PrintOptions): void {
  const name = o.names?.tag(n)
  if (name === undefined) {
    out.lit('0x')
    out.x(n, 8)
    out.sp(o.wide ? 7 : 2)
  } else {
    out.s(name, o.wide ? 15 : 10)
    out.sp(2)
  }
}

/** Formats 7 and 8: `%-5.5s  %-14.14s  %-14.14s  %-10lu  %-10lu` prot, ports, octets, packets. */
function portsTail(out: ByteOut, c: Cols, i: number, o: PrintOptions): void {
  prot(out, c.prot[i] as number, 5, o)
  out.sp(2)
  port(out, c.srcport[i] as number, 14, o)
  out.sp(2)
  port(out, c.dstport[i] as number, 14, o)
  out.sp(2)
  out.lu(c.doctets[i] as number, 10)
  out.sp(2)
  out.lu(c.dpkts[i] as number, 10)
  out.ch(NL)
}

/** Formats 16 and 17: source, destination and shortcut router addresses. */
function threeAddresses(out: ByteOut, c: Cols, i: number): void {
  out.ip(c.srcaddr[i] as number, 15)
  out.sp(2)
  out.ip(c.dstaddr[i] as number, 15)
  out.sp(2)
  out.ip(c.router_sc[i] as number, 15)
  out.sp(2)
}

/** Formats 15-17: ToS, marked ToS, extra packets, octets, packets, all `%-w.ws`. */
function tosTail(out: ByteOut, c: Cols, i: number): void {
  num(out, c.tos[i] as number, 3, 2)
  num(out, c.marked_tos[i] as number, 3, 2)
  num(out, c.extra_pkts[i] as number, 10, 2)
  num(out, c.doctets[i] as number, 10, 2)
  out.su(c.dpkts[i] as number, 10)
  out.ch(NL)
}

/** flow-print's formats by number (flow-print.c format0 ... format24). */
export const PRINT_FORMATS: Readonly<Record<number, PrintFormat>> = {
  0: {
    requires: [...PKT, 'input', 'output', 'prot', 'srcaddr', 'dstaddr', 'srcport', 'dstport'],
    header: () => 'Sif  SrcIPaddress     Dif  DstIPaddress      Pr SrcP DstP  Pkts       Octets\n',
    write: (out, b, i) => {
      f0Line(out, b.cols, i)
      return true
    },
  },
  1: {
    requires: F1_FIELDS,
    header: () =>
      'Sif  SrcIPaddress     DIf  DstIPaddress      Pr SrcP DstP  Pkts  Octets\n StartTime          EndTime             Active   B/Pk Ts Fl\n\n',
    // dPkts = 0 is skipped ("Ignoring bogus flow dPkts=0" on flow-print's stderr).
    write: (out, b, i, o) => {
      if (b.cols.dpkts[i] === 0) return false
      f0Line(out, b.cols, i)
      activeLine(out, b, i, o.tm)
      return true
    },
  },
  2: {
    requires: F1_FIELDS,
    header: () =>
      'Sif SrcIPaddress     DIf DstIPaddress    Pr SrcP DstP Pkts       Octets\n StartTime          EndTime             Active   B/Pk Ts Fl\n\n',
    // Scan finder: TCP, SYN only, 2 packets of 40 bytes.
    write: (out, b, i, o) => {
      const c = b.cols
      const pk = c.dpkts[i] as number
      if (pk !== 2 || c.prot[i] !== 6 || c.tcp_flags[i] !== 2) return false
      if (c.doctets[i] !== pk * 40) return false
      out.x(c.input[i] as number, 2)
      out.sp(2)
      out.ip(c.srcaddr[i] as number, 15)
      out.sp(2)
      out.x(c.output[i] as number, 2)
      out.sp(2)
      out.ip(c.dstaddr[i] as number, 15)
      out.ch(32)
      out.x(c.prot[i] as number, 2)
      out.ch(32)
      out.lx(c.srcport[i] as number, 4)
      out.ch(32)
      out.lx(c.dstport[i] as number, 4)
      out.ch(32)
      out.lu(pk, 10)
      out.ch(32)
      out.lu(c.doctets[i] as number, 10)
      out.ch(NL)
      activeLine(out, b, i, o.tm)
      return true
    },
  },
  3: {
    requires: [...PKT, 'srcaddr', 'dstaddr', 'srcport', 'dstport', 'prot'],
    hasWide: true,
    header: (w) =>
      w
        ? 'srcIP            dstIP            prot   srcPort           dstPort           octets      packets\n'
        : 'srcIP            dstIP            prot  srcPort  dstPort  octets      packets\n',
    write: (out, b, i, o) => {
      const c = b.cols
      const w = o.wide
      out.ip(c.srcaddr[i] as number, 15)
      out.sp(2)
      out.ip(c.dstaddr[i] as number, 15)
      out.sp(2)
      if (o.names) {
        prot(out, c.prot[i] as number, w ? 5 : 4, o)
        out.sp(2)
        port(out, c.srcport[i] as number, w ? 16 : 7, o)
        out.sp(2)
        port(out, c.dstport[i] as number, w ? 16 : 7, o)
      } else {
        out.su(c.prot[i] as number, w ? 5 : 4)
        out.sp(2)
        out.su(c.srcport[i] as number, w ? 16 : 7)
        out.sp(2)
        out.su(c.dstport[i] as number, w ? 16 : 7)
      }
      out.sp(2)
      out.lu(c.doctets[i] as number, 10)
      out.sp(2)
      out.lu(c.dpkts[i] as number, 10)
      out.ch(NL)
      return true
    },
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
    write: (out, b, i, o) => {
      const c = b.cols
      if (o.wide) {
        out.x(c.input[i] as number, 4)
        out.ch(32)
        out.x(c.output[i] as number, 4)
        out.ch(32)
        out.prefix(c.srcaddr[i] as number, c.src_mask[i] as number, 18)
        out.sp(2)
        out.prefix(c.dstaddr[i] as number, c.dst_mask[i] as number, 18)
        out.sp(2)
        prot(out, c.prot[i] as number, 5, o)
        out.sp(2)
        asn(out, c.src_as[i] as number, 16, o)
        out.sp(2)
        asn(out, c.dst_as[i] as number, 16, o)
        out.sp(2)
      } else {
        out.prefix(c.srcaddr[i] as number, c.src_mask[i] as number, 18)
        out.ch(32)
        out.prefix(c.dstaddr[i] as number, c.dst_mask[i] as number, 18)
        out.ch(32)
        prot(out, c.prot[i] as number, 4, o)
        out.sp(2)
        asn(out, c.src_as[i] as number, 5, o)
        out.sp(2)
        asn(out, c.dst_as[i] as number, 5, o)
        out.sp(2)
      }
      out.lu(c.doctets[i] as number, 10)
      out.sp(2)
      out.lu(c.dpkts[i] as number, 10)
      out.ch(NL)
      return true
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
    write: (out, b, i, o) => {
      const c = b.cols
      const [st, en] = times(b, i, o.tm)
      mmdd(out, st)
      out.ch(32)
      mmdd(out, en)
      out.ch(32)
      out.lu(c.input[i] as number, 5)
      out.ch(32)
      out.ip(c.srcaddr[i] as number, 15)
      out.ch(32)
      out.lu(c.srcport[i] as number, 5)
      out.ch(32)
      out.lu(c.output[i] as number, 5)
      out.ch(32)
      out.ip(c.dstaddr[i] as number, 15)
      out.ch(32)
      out.lu(c.dstport[i] as number, 5)
      out.ch(32)
      out.lu(c.prot[i] as number, 3)
      out.ch(32)
      // Fl = FIN/SYN/RST only (tcp_flags & 7), decimal.
      out.lu((c.tcp_flags[i] as number) & 7, 2)
      out.ch(32)
      out.lu(c.dpkts[i] as number, 10)
      out.ch(32)
      out.lu(c.doctets[i] as number, 10)
      out.ch(NL)
      return true
    },
  },
  6: {
    requires: [...PKT, 'srcaddr', 'dstaddr'],
    header: () => '   Source           Destination              Packets               Bytes\n',
    write: (out, b, i) => {
      const c = b.cols
      out.ch(32)
      out.ip(c.srcaddr[i] as number, 15)
      out.sp(2)
      out.ip(c.dstaddr[i] as number, 15)
      out.sp(2)
      out.ru(c.dpkts[i] as number, 17)
      out.sp(2)
      out.ru(c.doctets[i] as number, 18)
      out.ch(NL)
      return true
    },
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
    write: (out, b, i, o) => {
      const c = b.cols
      out.prefix(c.srcaddr[i] as number, c.src_mask[i] as number, 18)
      out.sp(2)
      out.prefix(c.dstaddr[i] as number, c.dst_mask[i] as number, 18)
      out.sp(2)
      out.ip(c.router_sc[i] as number, 15)
      out.sp(2)
      portsTail(out, c, i, o)
      return true
    },
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
    write: (out, b, i, o) => {
      const c = b.cols
      out.prefix(c.srcaddr[i] as number, c.src_mask[i] as number, 18)
      out.sp(2)
      out.prefix(c.dstaddr[i] as number, c.dst_mask[i] as number, 18)
      out.sp(2)
      out.ip(c.peer_nexthop[i] as number, 15)
      out.sp(2)
      out.lu(c.in_encaps[i] as number, 4)
      out.ch(32)
      out.lu(c.out_encaps[i] as number, 4)
      out.sp(2)
      portsTail(out, c, i, o)
      return true
    },
  },
  9: {
    requires: [...PKT, 'srcaddr', 'dstaddr', 'src_tag', 'dst_tag', 'prot'],
    hasWide: true,
    header: (w) =>
      w
        ? 'srcTag             dstTag             srcIP            dstIP            octets      packets\n'
        : 'srcTag      dstTag      srcIP            dstIP            octets      packets\n',
    write: (out, b, i, o) => {
      const c = b.cols
      tag(out, c.src_tag[i] as number, o)
      tag(out, c.dst_tag[i] as number, o)
      out.ip(c.srcaddr[i] as number, 15)
      out.sp(2)
      out.ip(c.dstaddr[i] as number, 15)
      out.sp(2)
      out.lu(c.doctets[i] as number, 10)
      out.sp(2)
      out.lu(c.dpkts[i] as number, 10)
      out.ch(NL)
      return true
    },
  },
  10: {
    requires: [...AGG, 'input', 'output', 'src_as', 'dst_as'],
    hasWide: true,
    header: (w) =>
      w
        ? 'srcAS             dstAS             in     out    flows       octets      packets     duration\n'
        : 'srcAS  dstAS  in     out    flows       octets      packets     duration\n',
    write: (out, b, i, o) => {
      const c = b.cols
      asn(out, c.src_as[i] as number, o.wide ? 16 : 5, o)
      out.sp(2)
      asn(out, c.dst_as[i] as number, o.wide ? 16 : 5, o)
      out.sp(2)
      num(out, c.input[i] as number, 7, 0)
      num(out, c.output[i] as number, 7, 0)
      aggTail(out, c, i)
      return true
    },
  },
  11: {
    requires: [...AGG, 'srcport', 'dstport', 'prot'],
    hasWide: true,
    header: (w) =>
      w
        ? 'srcPort           dstPort           prot   flows       octets      packets     duration\n'
        : 'srcPort  dstPort  prot   flows       octets      packets     duration\n',
    write: (out, b, i, o) => {
      const c = b.cols
      port(out, c.srcport[i] as number, o.wide ? 16 : 7, o)
      out.sp(2)
      port(out, c.dstport[i] as number, o.wide ? 16 : 7, o)
      out.sp(2)
      prot(out, c.prot[i] as number, 5, o)
      out.sp(2)
      aggTail(out, c, i)
      return true
    },
  },
  12: {
    requires: [...AGG, 'input', 'srcaddr', 'src_mask', 'src_as'],
    hasWide: true,
    header: (w) =>
      w
        ? 'srcPrefix           srcAS             input  flows       octets      packets     duration\n'
        : 'src/mask            srcAS  input  flows       octets      packets     duration\n',
    write: (out, b, i, o) => {
      const c = b.cols
      out.prefix(c.srcaddr[i] as number, c.src_mask[i] as number, 18)
      out.sp(2)
      asn(out, c.src_as[i] as number, o.wide ? 16 : 5, o)
      out.sp(2)
      num(out, c.input[i] as number, 7, 0)
      aggTail(out, c, i)
      return true
    },
  },
  13: {
    requires: [...AGG, 'output', 'dstaddr', 'dst_mask', 'dst_as'],
    hasWide: true,
    header: (w) =>
      w
        ? 'dstPrefix           dstAS             input  flows       octets      packets     duration\n'
        : 'dst/mask            dstAS  input  flows       octets      packets     duration\n',
    write: (out, b, i, o) => {
      const c = b.cols
      out.prefix(c.dstaddr[i] as number, c.dst_mask[i] as number, 18)
      out.sp(2)
      asn(out, c.dst_as[i] as number, o.wide ? 16 : 5, o)
      out.sp(2)
      num(out, c.output[i] as number, 7, 0)
      aggTail(out, c, i)
      return true
    },
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
    hasWide: true,
    header: (w) =>
      w
        ? 'srcPrefix           srcAS             dstPrefix           dstAS             input  output flows       octets      packets     duration\n'
        : 'srcPrefix           srcAS  dstPrefix           dstAS  input  output flows       octets      packets     duration\n',
    write: (out, b, i, o) => {
      const c = b.cols
      out.prefix(c.srcaddr[i] as number, c.src_mask[i] as number, 18)
      out.sp(2)
      asn(out, c.src_as[i] as number, o.wide ? 16 : 5, o)
      out.sp(2)
      out.prefix(c.dstaddr[i] as number, c.dst_mask[i] as number, 18)
      out.sp(2)
      asn(out, c.dst_as[i] as number, o.wide ? 16 : 5, o)
      out.sp(2)
      num(out, c.input[i] as number, 7, 0)
      num(out, c.output[i] as number, 7, 0)
      aggTail(out, c, i)
      return true
    },
  },
  15: {
    requires: [...PKT, 'dstaddr', 'output', 'router_sc', 'extra_pkts', 'tos', 'marked_tos'],
    header: () =>
      'dstIP            router_sc        Dif    ToS  mToS xpackets    octets      packets\n',
    write: (out, b, i) => {
      const c = b.cols
      out.ip(c.dstaddr[i] as number, 15)
      out.sp(2)
      out.ip(c.router_sc[i] as number, 15)
      out.sp(2)
      num(out, c.output[i] as number, 5, 2)
      tosTail(out, c, i)
      return true
    },
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
    write: (out, b, i) => {
      const c = b.cols
      threeAddresses(out, c, i)
      num(out, c.input[i] as number, 5, 2)
      num(out, c.output[i] as number, 5, 2)
      tosTail(out, c, i)
      return true
    },
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
    // flow-print gives the port names a 5-byte buffer here: 4 characters.
    write: (out, b, i, o) => {
      const c = b.cols
      threeAddresses(out, c, i)
      num(out, c.input[i] as number, 5, 2)
      num(out, c.output[i] as number, 5, 2)
      port(out, c.srcport[i] as number, 5, o, 5)
      out.sp(2)
      port(out, c.dstport[i] as number, 5, o, 5)
      out.sp(2)
      prot(out, c.prot[i] as number, 3, o)
      out.sp(2)
      tosTail(out, c, i)
      return true
    },
  },
  18: {
    requires: [...AGG, 'input', 'output', 'src_as', 'dst_as', 'tos'],
    hasWide: true,
    header: (w) =>
      w
        ? 'ToS  srcAS             dstAS             in     out    flows       octets      packets     duration\n'
        : 'ToS  srcAS  dstAS  in     out    flows       octets      packets     duration\n',
    write: (out, b, i, o) => {
      const c = b.cols
      num(out, c.tos[i] as number, 3, 2)
      asn(out, c.src_as[i] as number, o.wide ? 16 : 5, o)
      out.sp(2)
      asn(out, c.dst_as[i] as number, o.wide ? 16 : 5, o)
      out.sp(2)
      num(out, c.input[i] as number, 7, 0)
      num(out, c.output[i] as number, 7, 0)
      aggTail(out, c, i)
      return true
    },
  },
  19: {
    requires: [...AGG, 'srcport', 'dstport', 'prot', 'tos'],
    hasWide: true,
    header: (w) =>
      w
        ? 'ToS  srcPort           dstPort           prot   flows       octets      packets     duration\n'
        : 'ToS  srcPort  dstPort  prot   flows       octets      packets     duration\n',
    // flow-print reads the ToS column from the protocol byte for 8.10 (a flow-tools bug, kept).
    write: (out, b, i, o) => {
      const c = b.cols
      num(out, c.prot[i] as number, 3, 2)
      port(out, c.srcport[i] as number, o.wide ? 16 : 7, o)
      out.sp(2)
      port(out, c.dstport[i] as number, o.wide ? 16 : 7, o)
      out.sp(2)
      prot(out, c.prot[i] as number, 5, o)
      out.sp(2)
      aggTail(out, c, i)
      return true
    },
  },
  20: {
    requires: [...AGG, 'input', 'srcaddr', 'src_mask', 'src_as', 'tos'],
    hasWide: true,
    header: (w) =>
      w
        ? 'ToS  srcPrefix           srcAS             input  flows       octets      packets     duration\n'
        : 'ToS  srcPrefix           srcAS  input  flows       octets      packets     duration\n',
    write: (out, b, i, o) => {
      const c = b.cols
      num(out, c.tos[i] as number, 3, 2)
      out.prefix(c.srcaddr[i] as number, c.src_mask[i] as number, 18)
      out.sp(2)
      asn(out, c.src_as[i] as number, o.wide ? 16 : 5, o)
      out.sp(2)
      num(out, c.input[i] as number, 7, 0)
      aggTail(out, c, i)
      return true
    },
  },
  21: {
    requires: [...AGG, 'output', 'dstaddr', 'dst_mask', 'dst_as', 'tos'],
    hasWide: true,
    header: (w) =>
      w
        ? 'ToS  dstPrefix           dstAS             input  flows       octets      packets     duration\n'
        : 'ToS  dst/mask            dstAS  input  flows       octets      packets     duration\n',
    write: (out, b, i, o) => {
      const c = b.cols
      num(out, c.tos[i] as number, 3, 2)
      out.prefix(c.dstaddr[i] as number, c.dst_mask[i] as number, 18)
      out.sp(2)
      asn(out, c.dst_as[i] as number, o.wide ? 16 : 5, o)
      out.sp(2)
      num(out, c.output[i] as number, 7, 0)
      aggTail(out, c, i)
      return true
    },
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
    hasWide: true,
    header: (w) =>
      w
        ? 'ToS  srcPrefix           srcAS             dstPrefix           dstAS             input  output flows       octets      packets     duration\n'
        : 'ToS  srcPrefix           srcAS  dstPrefix           dstAS  input  output flows       octets      packets     duration\n',
    // flow-print passes dstPrefix to the srcAS column and srcAS to the dstPrefix one (bug, kept).
    write: (out, b, i, o) => {
      const c = b.cols
      num(out, c.tos[i] as number, 3, 2)
      out.prefix(c.srcaddr[i] as number, c.src_mask[i] as number, 18)
      out.sp(2)
      out.prefix(c.dstaddr[i] as number, c.dst_mask[i] as number, o.wide ? 16 : 5)
      out.sp(2)
      asn(out, c.src_as[i] as number, 18, o)
      out.sp(2)
      asn(out, c.dst_as[i] as number, o.wide ? 16 : 5, o)
      out.sp(2)
      num(out, c.input[i] as number, 7, 0)
      num(out, c.output[i] as number, 7, 0)
      aggTail(out, c, i)
      return true
    },
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
    hasWide: true,
    header: (w) =>
      w
        ? 'ToS  srcPrefix           dstPrefix           Pr     SrcP              DstP              input  output flows       octets      packets     duration\n'
        : 'ToS  srcPrefix           dstPrefix           Pr   SrcP   DstP    input  output flows       octets      packets     duration\n',
    write: (out, b, i, o) => {
      const c = b.cols
      num(out, c.tos[i] as number, 3, 2)
      out.prefix(c.srcaddr[i] as number, c.src_mask[i] as number, 18)
      out.sp(2)
      out.prefix(c.dstaddr[i] as number, c.dst_mask[i] as number, 18)
      out.sp(2)
      prot(out, c.prot[i] as number, o.wide ? 5 : 3, o)
      out.sp(2)
      port(out, c.srcport[i] as number, o.wide ? 16 : 5, o)
      out.sp(2)
      port(out, c.dstport[i] as number, o.wide ? 16 : 5, o)
      out.sp(2)
      num(out, c.input[i] as number, 7, 0)
      num(out, c.output[i] as number, 7, 0)
      aggTail(out, c, i)
      return true
    },
  },
  24: {
    requires: [...F1_FIELDS, 'exaddr', 'router_sc', 'src_as', 'dst_as'],
    header: () =>
      '#Sif SrcIPaddress     DIf  DstIPaddress     Pr SrcP  DstP  Pkts       Octets       StartDate  StartTime     EndDate    EndTime       ExporterAddr    RouterSrc          Active B/Pk  Ts Fl  SrcAS DstAS\n\n',
    write: (out, b, i, o) => {
      const c = b.cols
      const pk = c.dpkts[i] as number
      if (pk === 0) return false
      const [st, en] = times(b, i, o.tm)
      const d = duration(c, i)
      out.x(c.input[i] as number, 4)
      out.ch(32)
      out.ip(c.srcaddr[i] as number, 15)
      out.sp(2)
      out.x(c.output[i] as number, 4)
      out.ch(32)
      out.ip(c.dstaddr[i] as number, 15)
      out.sp(2)
      out.x(c.prot[i] as number, 2)
      out.ch(32)
      out.lu(c.srcport[i] as number, 5)
      out.ch(32)
      out.lu(c.dstport[i] as number, 5)
      out.ch(32)
      out.lu(pk, 10)
      out.ch(32)
      out.lu(c.doctets[i] as number, 10)
      out.sp(3)
      ymd(out, st)
      out.sp(2)
      ymd(out, en)
      out.sp(2)
      out.ip(c.exaddr[i] as number, 15)
      out.ch(32)
      out.ip(c.router_sc[i] as number, 15)
      out.ch(32)
      out.ru(Math.floor(d / 1000), 5)
      out.ch(46)
      out.d3(d % 1000)
      out.ch(32)
      out.lu(Math.floor((c.doctets[i] as number) / pk), 4)
      out.sp(2)
      out.x(c.tos[i] as number, 2)
      out.ch(32)
      out.x(c.tcp_flags[i] as number, 2)
      out.sp(2)
      asn(out, c.src_as[i] as number, 5, o)
      out.ch(32)
      asn(out, c.dst_as[i] as number, 5, o)
      out.ch(NL)
      return true
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
