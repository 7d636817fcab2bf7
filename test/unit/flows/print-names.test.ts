import { describe, expect, it } from 'vitest'
import { createFlowBatch, type FlowBatch } from '../../../src/flows/flow-batch'
import { ByteOut } from '../../../src/flows/print/byte-out'
import { choosePrintFormat, printBatch } from '../../../src/flows/print/flow-print'
import { utcTm } from '../../../src/flows/print/flow-time'
import type { PrintNames } from '../../../src/flows/print/print-formats'
import { printNames } from '../../../src/flows/print/print-names'

// Only formats 1, 3 and 4 have -n outputs from the real flow-print in the fixtures
// (flow-print.test.ts). These follow flow-print.c: which columns each format names, and how
// fmt_uint16s cuts a name to its buffer (max - 1 characters) before printf cuts it to the column.

const LONG_PORT = 'a-port-name-of-20chr'
const LONG_AS = 'AS-NAME-OF-TWENTY-CH'
const LONG_TAG = 'A-TAG-NAME-OF-20-CHR'

/** Names for one row's numbers only: long ones, to show every cut. */
const NAMES: PrintNames = {
  port: (n) => (n === 2000 ? LONG_PORT : n === 80 ? 'http' : undefined),
  protocol: (n) => (n === 43 ? 'ipv6-route' : undefined),
  as: (n) => (n === 1 ? LONG_AS : undefined),
  tag: (n) => (n === 11 ? LONG_TAG : undefined),
}

const NO_NAMES: PrintNames = {
  port: () => undefined,
  protocol: () => undefined,
  as: () => undefined,
  tag: () => undefined,
}

/** One flow with every field set: ports 2000 and 80, protocol 43, AS 1 and 7, tags 11 and 0x1234. */
function oneFlow(): FlowBatch {
  const b = createFlowBatch(1)
  const c = b.cols
  c.srcaddr[0] = 0x0a000001
  c.dstaddr[0] = 0x0a000002
  c.src_mask[0] = 8
  c.dst_mask[0] = 16
  c.input[0] = 3
  c.output[0] = 4
  c.srcport[0] = 2000
  c.dstport[0] = 80
  c.prot[0] = 43
  c.src_as[0] = 1
  c.dst_as[0] = 7
  c.src_tag[0] = 11
  c.dst_tag[0] = 0x1234
  c.dflows[0] = 1
  c.dpkts[0] = 2
  c.doctets[0] = 80
  c.first[0] = 1000
  c.last[0] = 3000
  c.sysuptime[0] = 5000
  c.unix_secs[0] = 1289174481
  b.length = 1
  return b
}

function printed(format: number, wide: boolean, names: PrintNames | undefined): string {
  const b = oneFlow()
  const f = choosePrintFormat(b.present, 5, 0, format)
  const out = new ByteOut()
  printBatch(f, b, { wide, tm: utcTm, names }, out)
  return out.takeText()
}

describe('flow-print -n in every format (following flow-print.c)', () => {
  // [format, -w, the columns without -n, the same columns with -n]
  for (const [format, wide, plain, named] of [
    // %-5.5s prot and %-14.14s ports: names cut to 4 and 15, then to the column.
    [
      7,
      false,
      '43     2000            80              ',
      'ipv6   a-port-name-of  http            ',
    ],
    [
      8,
      false,
      '43     2000            80              ',
      'ipv6   a-port-name-of  http            ',
    ],
    // %-4.4s prot, %-5.5s AS (-w: %-5.5s and %-16.16s, AS names cut to 17).
    [4, false, '43    1      7      ', 'ipv6  AS-NA  7      '],
    [4, true, '43     1                 7       ', 'ipv6   AS-NAME-OF-TWENT  7       '],
    // Tags: the whole name, cut by the 10- or 15-wide column; no name → 0x%-8.8lx.
    [9, false, '0x0000000b  0x00001234  ', 'A-TAG-NAME  0x00001234  '],
    [9, true, '0x0000000b       0x00001234       ', 'A-TAG-NAME-OF-2  0x00001234       '],
    [10, false, '1      7      3', 'AS-NA  7      3'],
    [11, false, '2000     80       43     1', 'a-port-  http     ipv6   1'],
    [12, false, '  1      3', '  AS-NA  3'],
    [13, false, '  7      4', '  7      4'],
    [14, false, '  1      10.0.0.2/16', '  AS-NA  10.0.0.2/16'],
    // Format 17 passes 5-byte buffers: ports cut to 4, protocol to 4 then to %-3.3s.
    [17, false, '2000   80     43   0', 'a-po   http   ipv  0'],
    [18, false, '0    1      7      3', '0    AS-NA  7      3'],
    // Format 19's first column is the protocol number again (flow-print's bug), never a name.
    [19, false, '43   2000     80       43     1', '43   a-port-  http     ipv6   1'],
    [20, false, '  1      3', '  AS-NA  3'],
    [21, false, '  7      4', '  7      4'],
    // Format 22 prints srcAS in an 18-wide column: 17 characters of the name.
    [22, false, '1                   7      3', 'AS-NAME-OF-TWENTY   7      3'],
    [23, false, '43   2000   80     3', 'ipv  a-por  http   3'],
    [24, false, '  1     7    \n', '  AS-NA 7    \n'],
    // -w: AS and port columns 16 wide.
    [10, true, `${'1'.padEnd(18)}${'7'.padEnd(18)}3`, `AS-NAME-OF-TWENT  ${'7'.padEnd(18)}3`],
    [
      11,
      true,
      `${'2000'.padEnd(18)}${'80'.padEnd(18)}43     1`,
      `a-port-name-of-   ${'http'.padEnd(18)}ipv6   1`,
    ],
    [14, true, `  ${'1'.padEnd(18)}10.0.0.2/16`, '  AS-NAME-OF-TWENT  10.0.0.2/16'],
    // Format 22 -w: dstPrefix in the 16-wide column, srcAS in the 18-wide one (as flow-print.c).
    [
      22,
      true,
      `${'10.0.0.2/16'.padEnd(18)}${'1'.padEnd(20)}${'7'.padEnd(18)}3`,
      `${'10.0.0.2/16'.padEnd(18)}AS-NAME-OF-TWENTY   ${'7'.padEnd(18)}3`,
    ],
    [
      23,
      true,
      `43     ${'2000'.padEnd(18)}${'80'.padEnd(18)}3`,
      `ipv6   a-port-name-of-   ${'http'.padEnd(18)}3`,
    ],
  ] as const) {
    it(`names format ${format}${wide ? ' -w' : ''}: ${named.trim()}`, () => {
      const without = printed(format, wide, undefined)
      expect(without).toContain(plain)
      expect(printed(format, wide, NAMES)).toBe(without.replace(plain, named))
    })
  }

  it('prints every format with -n as without it when no number has a name', () => {
    for (let format = 0; format <= 24; format++) {
      for (const wide of [false, true]) {
        expect(printed(format, wide, NO_NAMES), `format ${format}`).toBe(
          printed(format, wide, undefined),
        )
      }
    }
  })

  it('prints formats without a port, protocol, AS or tag column unchanged by -n', () => {
    for (const format of [0, 1, 2, 5, 6, 15, 16]) {
      expect(printed(format, false, NAMES), `format ${format}`).toBe(
        printed(format, false, undefined),
      )
    }
  })
})

describe('flow-print -n symbol tables', () => {
  it("reads protocols from flow-tools' ip-prot.sym, the last name of a number winning", () => {
    const n = printNames()
    expect([0, 6, 7, 50, 51, 255].map((p) => n.protocol(p))).toEqual([
      'hopopt',
      'tcp',
      'cbt',
      'ipv6-crypt',
      'ipv6-auth',
      undefined,
    ])
  })

  it("reads tags from flow-tools' tag.sym, hexadecimal values included", () => {
    const n = printNames()
    expect([0x0a, 0x050000, 0x1a].map((t) => n.tag(t))).toEqual(['OHIOU', 'MULTICAST', undefined])
  })

  it('names ports and AS as flow-tools 0.68.5 printed them', () => {
    const n = printNames()
    expect([0, 1, 3, 445].map((p) => n.port(p))).toEqual([
      'spr-itunes',
      'rtmp',
      undefined,
      'microsoft-ds',
    ])
    expect([0, 1, 65280, 1631].map((a) => n.as(a))).toEqual([
      'IANA-RSVD-0',
      'LVLT-1',
      'IANA-RSVD2',
      undefined,
    ])
  })
})
