import { createFlowBatch, type FlowBatch, type FlowField } from './flow-batch'
import { FlowParseError } from './flow-errors'
import { parseIpv4 } from './ipv4'
import { V5_FIELDS } from './record-layouts'
import {
  countRow,
  readLines,
  type TextLine,
  type TextReadOptions,
  type TextStats,
  textBatches,
} from './text-lines'

// The protocol names nfdump 1.7 prints for 0-137 (its output_util.c protoList, by number; 0, 99,
// 128 and 134 print as numbers, 138 and up as numbers padded with blanks). Read back as nfdump's
// ProtoNum does: case-insensitive, the first number of a name printed twice (IPIP 4/94, IDPR
// 35/38).
const NFDUMP_PROTOCOL_NAMES = (
  '0 ICMP IGMP GGP IPIP ST TCP CBT EGP IGP BBN NVPII PUP ARGUS ENCOM XNET CHAOS UDP MUX DCN ' +
  'HMP PRM XNS Trnk1 Trnk2 Leaf1 Leaf2 RDP IRTP ISO-4 NETBK MFESP MEINP DCCP 3PC IDPR XTP DDP ' +
  'IDPR TP++ IL IPv6 SDRP Rte6 Frag6 IDRP RSVP GRE MHRP BNA ESP AH INLSP SWIPE NARP MOBIL TLSP ' +
  'SKIP ICMP6 NOHE6 OPTS6 HOST CFTP NET SATNT KLAN RVD IPPC FS SATM VISA IPCV CPNX CPHB WSN PVP ' +
  'BSATM SUNND WBMON WBEXP ISOIP VMTP SVMTP VINES TTP NSIGP DGP TCF EIGRP OSPF S-RPC LARP MTP ' +
  'AX.25 IPIP MICP SCCSP ETHIP ENCAP 99 GMTP IFMP PNNI PIM ARIS SCPS QNX A/N IPcmp SNP CpqPP ' +
  'IPXIP VRRP PGM 0hop L2TP DDX IATP STP SRP UTI SMP SM PTP ISIS4 FIRE CRTP CRUDP 128 IPLT SPS ' +
  'PIPE SCTP FC 134 MHEAD UDP-L MPLS'
).split(' ')
const PROTOCOLS: ReadonlyMap<string, number> = (() => {
  const m = new Map<string, number>()
  NFDUMP_PROTOCOL_NAMES.forEach((name, n) => {
    if (!/^\d+$/.test(name) && !m.has(name.toUpperCase())) m.set(name.toUpperCase(), n)
  })
  return m
})()
/** nfdump's `flg` column: one letter per bit, CWR to FIN, or a dot (output_util.c FlagsString). */
const FLAG_LETTERS = 'CEUAPRSF'
const FLAG_BITS = [0x80, 0x40, 0x20, 0x10, 0x08, 0x04, 0x02, 0x01]

/** An uptime far from 0 and 2³², so First = SYSUPTIME − duration never wraps. */
const SYSUPTIME = 0x80000000

export type NfdumpCsvFile = {
  present: ReadonlySet<FlowField>
  batches: AsyncGenerator<FlowBatch, void, void>
  stats: TextStats
}

/** The last second an ft record's 32-bit unix_secs can hold (2106-02-07 06:28:15 UTC). */
const MAX_UNIX_SECS = 0xffffffff

/**
 * `YYYY-MM-DD HH:MM:SS[.mmm]` in UTC, to unix seconds; undefined for a malformed or impossible
 * date (month 13, February 30: Date.UTC would roll them over into another day silently).
 */
function utcSeconds(t: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?$/.exec(t)
  if (!m) return undefined
  const [y, mo, d, h, mi, sec] = m.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ]
  const ms = Date.UTC(y, mo - 1, d, h, mi, sec)
  const back = new Date(ms)
  if (
    back.getUTCFullYear() !== y ||
    back.getUTCMonth() !== mo - 1 ||
    back.getUTCDate() !== d ||
    h > 23 ||
    mi > 59 ||
    sec > 59
  )
    return undefined
  return ms / 1000 + Number(`0.${m[7] ?? '0'}`)
}

function flags(t: string): number | undefined {
  if (t.length !== 8) return undefined
  let v = 0
  for (let k = 0; k < 8; k++) {
    if (t[k] === FLAG_LETTERS[k]) v |= FLAG_BITS[k] as number
    else if (t[k] !== '.') return undefined
  }
  return v
}

/**
 * Reads `nfdump -o csv` (times in UTC, as nfdump prints them with TZ=UTC). Times have one-second
 * resolution plus the `td` duration; they become export time = end, sysUpTime fixed, First/Last
 * relative to it, so flow-tools' time reconstruction gives start = ts and end = ts + td.
 * IPv6 flows cannot go into the ft-compatible batch and are refused by line.
 */
export async function openNfdumpCsv(
  stream: ReadableStream<Uint8Array>,
  options: TextReadOptions = {},
): Promise<NfdumpCsvFile> {
  const stats: TextStats = { flows: 0, bytes: 0 }
  const lines = readLines(stream, stats, options.maxBytes)
  const first = await lines.next()
  if (first.done)
    throw new FlowParseError('empty_file', 0, 'empty file: expected the nfdump csv header')
  const names = first.value.text.split(',')
  const at = (n: string) => names.indexOf(n)
  const need = [
    'ts',
    'td',
    'sa',
    'da',
    'sp',
    'dp',
    'pr',
    'flg',
    'stos',
    'ipkt',
    'ibyt',
    'in',
    'out',
    'sas',
    'das',
    'smk',
    'dmk',
    'nh',
    'ra',
    'eng',
  ]
  const missing = need.filter((n) => at(n) < 0)
  if (missing.length > 0) {
    throw new FlowParseError(
      'bad_csv',
      0,
      `line 1: the nfdump csv header lacks ${missing.join(', ')}`,
      { line: 1 },
    )
  }
  const idx = Object.fromEntries(need.map((n) => [n, at(n)])) as Record<string, number>
  if (at('te') >= 0) idx.te = at('te')
  // nfdump CSV carries what a v5 record does.
  const present = new Set(V5_FIELDS)
  const batchSize = options.batchSize ?? 4096
  const batch = createFlowBatch(batchSize, present)
  const c = batch.cols
  const maxFlows = options.maxFlows ?? Number.POSITIVE_INFINITY
  /**
   * What may follow the table: blank lines and nfdump's Summary block (`Summary`, its
   * `flows,bytes,…` header, a line of totals). Anything else is refused by line: rows after a
   * blank line (two outputs joined, an edited file) would otherwise be dropped without a word.
   */
  async function readTail(end: TextLine): Promise<void> {
    // The lines of a Summary block still to come: its header, then its totals.
    let summary = end.text === 'Summary' ? 2 : 0
    let summarySeen = summary > 0
    for (let r = await lines.next(); !r.done; r = await lines.next()) {
      const line = r.value
      if (summary === 2 && line.text.startsWith('flows,')) summary = 1
      else if (summary === 1 && /^[\d.,\s]+$/.test(line.text)) summary = 0
      else if (line.text.trim() === '') summary = 0
      else if (line.text === 'Summary' && !summarySeen) summary = 2
      else {
        throw new FlowParseError(
          'bad_csv',
          line.offset,
          `line ${line.no}: "${line.text.slice(0, 40)}" after the end of nfdump's table at line ${end.no}: expected only blank lines and nfdump's Summary block`,
          { line: line.no },
        )
      }
      summarySeen ||= summary > 0
    }
  }
  async function* decode(): AsyncGenerator<FlowBatch, void, void> {
    // Not for-await: a bad line must leave `lines` open for partial=1's drain, which reads on.
    for (let r = await lines.next(); !r.done; r = await lines.next()) {
      const line = r.value
      // The table ends where nfdump's "Summary" block starts (or at an empty line).
      if (line.text.trim() === '' || line.text === 'Summary') {
        await readTail(line)
        break
      }
      const v = line.text.split(',')
      const bad = (col: string, why: string): never => {
        throw new FlowParseError('bad_csv', line.offset, `line ${line.no}, column ${col}: ${why}`, {
          line: line.no,
        })
      }
      // Fewer values: a cut row; more: a row of another table, or a value with a comma in it.
      if (v.length !== names.length)
        bad(
          String(Math.min(v.length, names.length) + 1),
          `${v.length} values, the header names ${names.length}`,
        )
      const get = (n: string) => (v[idx[n] as number] ?? '').trim()
      const num = (n: string, max: number) => {
        const t = get(n)
        if (!/^\d{1,10}$/.test(t) || Number(t) > max)
          bad(n, `"${t.slice(0, 40)}" is not a number up to ${max}`)
        return Number(t)
      }
      const addr = (n: string) => {
        const a = parseIpv4(get(n))
        if (a === undefined) {
          bad(
            n,
            get(n).includes(':')
              ? 'IPv6 flows cannot be read into flow-tools records (IPv4 only)'
              : `"${get(n).slice(0, 40)}" is not an IPv4 address`,
          )
        }
        return a as number
      }
      const ts = utcSeconds(get('ts'))
      if (ts === undefined)
        bad('ts', `"${get('ts').slice(0, 40)}" is not a date and time YYYY-MM-DD HH:MM:SS`)
      const td = Number(get('td'))
      if (!/^\d+(\.\d+)?$/.test(get('td')) || td > 2_000_000)
        bad('td', `"${get('td').slice(0, 40)}" is not a duration in seconds`)
      // The flow's end becomes the record's export time: it must fit flow-tools' 32-bit seconds.
      if ((ts as number) < 0 || (ts as number) + td > MAX_UNIX_SECS)
        bad('ts', `"${get('ts')}" plus td is outside 1970-01-01 to 2106-02-07 (32-bit unix time)`)
      // te is not read (the end is ts + td) but must agree: nfdump writes td = te - ts.
      if (idx.te !== undefined) {
        const te = utcSeconds(get('te'))
        if (te === undefined)
          bad('te', `"${get('te').slice(0, 40)}" is not a date and time YYYY-MM-DD HH:MM:SS`)
        if (Math.abs((te as number) - (ts as number) - td) > 1)
          bad('te', `"${get('te')}" is not ts + td (${get('ts')} + ${get('td')} s)`)
      }
      const prName = get('pr')
      const prot =
        PROTOCOLS.get(prName.toUpperCase()) ??
        (/^\d{1,3}$/.test(prName) && Number(prName) <= 255 ? Number(prName) : undefined)
      if (prot === undefined) bad('pr', `unknown protocol "${prName.slice(0, 20)}"`)
      const fl = flags(get('flg'))
      if (fl === undefined)
        bad(
          'flg',
          `"${get('flg').slice(0, 20)}" is not 8 TCP flags, each its letter of CEUAPRSF or "."`,
        )
      const eng = /^(\d{1,3})\/(\d{1,3})$/.exec(get('eng'))
      if (!eng || Number(eng[1]) > 255 || Number(eng[2]) > 255)
        bad('eng', `"${get('eng').slice(0, 20)}" is not engine type/id, each 0 to 255`)
      const i = batch.length
      const startMs = Math.round((ts as number) * 1000)
      const durMs = Math.round(td * 1000)
      const endMs = startMs + durMs
      c.unix_secs[i] = Math.floor(endMs / 1000)
      c.unix_nsecs[i] = (endMs % 1000) * 1_000_000
      c.sysuptime[i] = SYSUPTIME
      c.last[i] = SYSUPTIME
      c.first[i] = SYSUPTIME - durMs
      c.exaddr[i] = addr('ra')
      c.srcaddr[i] = addr('sa')
      c.dstaddr[i] = addr('da')
      c.nexthop[i] = addr('nh')
      c.srcport[i] = num('sp', 65535)
      c.dstport[i] = num('dp', 65535)
      c.prot[i] = prot as number
      c.tcp_flags[i] = fl as number
      c.tos[i] = num('stos', 255)
      c.dpkts[i] = num('ipkt', 0xffffffff)
      c.doctets[i] = num('ibyt', 0xffffffff)
      c.input[i] = num('in', 65535)
      c.output[i] = num('out', 65535)
      c.src_as[i] = num('sas', 65535)
      c.dst_as[i] = num('das', 65535)
      c.src_mask[i] = num('smk', 32)
      c.dst_mask[i] = num('dmk', 32)
      c.engine_type[i] = Number(eng?.[1])
      c.engine_id[i] = Number(eng?.[2])
      batch.length = i + 1
      countRow(stats, maxFlows)
      if (batch.length === batchSize) {
        yield batch
        batch.length = 0
      }
    }
  }
  return {
    present,
    batches: textBatches(decode(), batch, stats, options, async () => {
      // Rows as decode() sees them: up to nfdump's "Summary" block or an empty line (the rest
      // is read for the file's size).
      let rows = 0
      let table = true
      for await (const line of lines) {
        if (line.text.trim() === '' || line.text === 'Summary') table = false
        if (table) rows++
      }
      return rows
    }),
    stats,
  }
}
