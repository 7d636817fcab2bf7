import { describe, expect, it } from 'vitest'
import type { FlowBatch } from '../../../src/flows/flow-batch'
import { catFlows } from '../../../src/flows/flow-cat'
import { FlowParseError } from '../../../src/flows/flow-errors'
import { fixtureText, streamOf } from './flow-test-helpers'

// Bad or odd text input: every refusal names the file, the line and the byte offset where the
// line starts in the file as uploaded; nothing is dropped without a word.

const enc = new TextEncoder()

/** Reads one text file through flow-cat (sniffed); the rows of the given fields, or the error. */
async function read(
  text: string,
  fields: (keyof FlowBatch['cols'])[] = ['srcaddr', 'prot', 'srcport', 'tcp_flags'],
  chunk = 7,
): Promise<{ rows: number[][]; flows: number }> {
  const rows: number[][] = []
  let flows = 0
  for await (const e of catFlows([
    { name: 'up.txt', stream: streamOf(enc.encode(text), [chunk]) },
  ])) {
    if (e.kind === 'batch')
      for (let i = 0; i < e.batch.length; i++)
        rows.push(fields.map((f) => e.batch.cols[f][i] ?? -1))
    if (e.kind === 'close') flows += e.file.stats.flows
  }
  return { rows, flows }
}

async function errorOf(text: string): Promise<FlowParseError> {
  try {
    await read(text)
  } catch (e) {
    if (e instanceof FlowParseError) return e
    throw e
  }
  throw new Error('expected a FlowParseError')
}

const BOM = '\ufeff'
const EXPORT_HEADER = '#:srcaddr,dstaddr,srcport,dstport,prot,doctets,dpkts\n'
const EXPORT_ROW = '10.0.0.1,10.0.0.2,1,2,6,100,1\n'
const PRINT_HEADER =
  'srcIP            dstIP            prot  srcPort  dstPort  octets      packets\n'
const PRINT_ROW = '10.0.0.1         10.0.0.2         6     1        2        100         1\n'
const nfdump = fixtureText('nfdump/seed-first300.nfdump.csv').split('\n')
const NF_HEADER = `${nfdump[0]}\n`
const NF_ROW = `${nfdump[1]}\n`

describe('a UTF-8 byte order mark', () => {
  it.each([
    ['flow-export csv', EXPORT_HEADER, EXPORT_ROW],
    ['flow-print text', PRINT_HEADER, PRINT_ROW],
    ['nfdump csv', NF_HEADER, NF_ROW],
  ])('counts in the byte offset of a bad line of %s', async (_, header, row) => {
    const text = `${BOM}${header}${row}bad line\n`
    const e = await errorOf(text)
    expect(e.extra.line).toBe(3)
    expect(e.file).toBe('up.txt')
    // The offset is where line 3 starts in the uploaded bytes, the BOM's 3 bytes included.
    const bytes = enc.encode(text)
    expect(e.offset).toBe(bytes.length - 'bad line\n'.length)
    expect(new TextDecoder().decode(bytes.subarray(e.offset))).toBe('bad line\n')
  })

  it('is not part of the first column name', async () => {
    expect((await read(`${BOM}${EXPORT_HEADER}${EXPORT_ROW}`)).rows).toEqual([
      [0x0a000001, 6, 1, 0],
    ])
  })
})

describe('flow-export csv', () => {
  it('skips a line of blanks as it skips an empty line', async () => {
    const { rows } = await read(`${EXPORT_HEADER}${EXPORT_ROW}   \n\t\r\n${EXPORT_ROW}`)
    expect(rows).toHaveLength(2)
  })

  it('refuses a leading-zero number that is not octal (strtoul reads 08 as 0)', async () => {
    const e = await errorOf(`${EXPORT_HEADER}10.0.0.1,10.0.0.2,08,2,6,100,1\n`)
    expect(e.message).toBe('line 2, column 3 (srcport): "08" is not a number from 0 to 65535')
    // Octal and hex stay as flow-tools reads them.
    const { rows } = await read(`${EXPORT_HEADER}10.0.0.1,10.0.0.2,010,0x10,6,100,1\n`, [
      'srcport',
      'dstport',
    ])
    expect(rows).toEqual([[8, 16]])
  })
})

describe('nfdump csv', () => {
  it('refuses rows after a blank line instead of dropping them', async () => {
    const e = await errorOf(`${NF_HEADER}${NF_ROW}\n${NF_ROW}`)
    expect(e.code).toBe('bad_csv')
    expect(e.extra.line).toBe(4)
    expect(e.offset).toBe(NF_HEADER.length + NF_ROW.length + 1)
    expect(e.message).toMatch(/^line 4: .* after the end of nfdump's table at line 3/)
  })

  it('refuses a second table after the Summary block (two outputs joined)', async () => {
    const summary = 'Summary\nflows,bytes,packets,avg_bps,avg_pps,avg_bpp\n1,80,2,0,0,40\n'
    const e = await errorOf(`${NF_HEADER}${NF_ROW}${summary}${NF_HEADER}${NF_ROW}`)
    expect(e.extra.line).toBe(6)
    expect(e.message).toMatch(/^line 6: "ts,te,td,/)
  })

  it('reads the table before blank lines and the Summary block', async () => {
    const summary = 'Summary\nflows,bytes,packets,avg_bps,avg_pps,avg_bpp\n1,80,2,0,0,40\n'
    expect((await read(`${NF_HEADER}${NF_ROW}\n${summary}\n\n`)).flows).toBe(1)
    expect((await read(`${NF_HEADER}${NF_ROW}${summary}`)).flows).toBe(1)
    expect((await read(`${NF_HEADER}${NF_ROW}\r\n\r\n`)).flows).toBe(1)
  })

  it.each([
    ['OSPF', 89],
    ['GRE', 47],
    ['IPv6', 41],
    ['ICMP6', 58],
    ['PIM', 103],
    ['VRRP', 112],
    ['L2TP', 115],
    ['IPIP', 4],
    ['0', 0],
    ['200  ', 200],
  ])('reads the protocol nfdump prints as "%s" as %i', async (name, n) => {
    const row = NF_ROW.replace(',TCP,', `,${name},`)
    expect((await read(`${NF_HEADER}${row}`)).rows[0]?.[1]).toBe(n)
  })

  it('reads the flag letters in their places and refuses others', async () => {
    const row = (flg: string) => NF_ROW.replace(',...A.R..,', `,${flg},`)
    expect((await read(`${NF_HEADER}${row('CEUAPRSF')}`)).rows[0]?.[3]).toBe(0xff)
    expect((await read(`${NF_HEADER}${row('......S.')}`)).rows[0]?.[3]).toBe(0x02)
    for (const flg of ['XXXXXXXX', 'S.......', '...a....']) {
      const e = await errorOf(`${NF_HEADER}${row(flg)}`)
      expect(e.message).toBe(
        `line 2, column flg: "${flg}" is not 8 TCP flags, each its letter of CEUAPRSF or "."`,
      )
    }
  })
})

describe('a line longer than 4096 characters', () => {
  it.each([
    ['flow-export csv', EXPORT_HEADER, `#${'x'.repeat(5000)}\n`],
    ['flow-export csv (last line, no newline)', EXPORT_HEADER, `#${'x'.repeat(5000)}`],
    ['flow-print text', PRINT_HEADER, `${'x'.repeat(5000)}\n`],
    ['nfdump csv', NF_HEADER, `${'x'.repeat(5000)}\n`],
  ])('is refused by %s whatever the chunk sizes', async (_, header, long) => {
    const text = `${header}${long}${header.startsWith('#:') ? EXPORT_ROW : ''}`
    const errors: string[] = []
    for (const chunk of [7, 4099, text.length]) {
      try {
        await read(text, ['srcaddr'], chunk)
        errors.push('read')
      } catch (e) {
        errors.push(e instanceof FlowParseError ? `${e.offset} ${e.message}` : String(e))
      }
    }
    expect(errors).toEqual(
      Array(3).fill(`${enc.encode(header).length} line 2 is longer than 4096 characters`),
    )
  })

  it('is read when it is 4096 characters and a CR', async () => {
    const row = `${EXPORT_ROW.trim()}${' '.repeat(4096 - EXPORT_ROW.trim().length)}\r\n`
    for (const chunk of [7, 4097, 10_000])
      expect((await read(`${EXPORT_HEADER}${row}`, ['srcaddr'], chunk)).flows).toBe(1)
  })
})
