import { describe, expect, it } from 'vitest'
import { parseConfig } from '../../../src/flows/filter/config-parser'
import { GeneratorInputError } from '../../../src/generators/generator'
import { generate } from './helpers'

const MATCH: Record<string, string> = {
  'ip-port': 'ip-destination-port',
  'ip-protocol': 'ip-protocol',
  counter: 'octets',
  tag: 'source-tag',
  'tag-mask': 'source-tag',
  'ip-address-prefix': 'ip-source-address',
  'ip-address-mask': 'ip-source-address',
  rate: 'random-sample',
}

function input(type: string, values: string[]) {
  return {
    primitives: [{ name: 'P', type, rules: values.map((value) => ({ action: 'permit', value })) }],
    definitions: [{ name: 'd', groups: [[{ match: MATCH[type] ?? '', primitive: 'P' }]] }],
  }
}

async function issuesOf(type: string, values: string[]) {
  try {
    await generate('flow-filter', input(type, values))
  } catch (e) {
    if (e instanceof GeneratorInputError) return e.issues
    throw e
  }
  return []
}

/** The first rule of the only primitive, as the flow analyzer's own parser reads the line. */
function analyzerReads(type: string, value: string) {
  const { config } = parseConfig(`filter-primitive P\n  type ${type}\n  permit ${value}\n`)
  return config.primitives[0]?.rules[0]
}

describe('flow-filter values flow-nfilter reads differently from the JSON', () => {
  it('the analyzer reads 022 as octal 18, as flow-tools strtoul(…, 0) does (why it is refused)', () => {
    expect(analyzerReads('ip-port', '022')).toMatchObject({ items: [{ lo: 18, hi: 18 }] })
  })

  const octals: [string, string[], string][] = [
    ['ip-port', ['22', '022'], '022'],
    ['ip-port', ['22', '80,0443'], '0443'],
    ['ip-port', ['22', '010-020'], '010'],
    ['ip-protocol', ['06'], '06'],
    ['counter', ['gt 010'], '010'],
    ['tag', ['0100'], '0100'],
    ['tag-mask', ['1 0377'], '0377'],
    ['rate', ['010'], '010'],
  ]
  for (const [type, values, octal] of octals) {
    const last = values.length - 1
    it(`refuses ${type} ${values[last]}, naming the value and the octal reading`, async () => {
      expect(await issuesOf(type, values)).toMatchObject([
        {
          path: `primitives.0.rules.${last}.value`,
          message: expect.stringContaining(`"${octal}": flow-nfilter reads`),
        },
      ])
    })
  }

  it('keeps 0 itself, ranges from 0, and numbers with inner zeros', async () => {
    expect(await issuesOf('ip-port', ['0', '0-1023', '8080,10000-20000'])).toEqual([])
    expect(await issuesOf('counter', ['eq 0', 'gt 100'])).toEqual([])
  })

  it('the analyzer keeps host bits of a prefix: 10.1.2.3/8 is read as is (why it is refused)', () => {
    expect(analyzerReads('ip-address-prefix', '10.1.2.3/8')).toMatchObject({
      addr: 0x0a010203,
      len: 8,
    })
  })

  it('refuses an ip-address-prefix with host bits, naming the network', async () => {
    expect(await issuesOf('ip-address-prefix', ['192.0.2.0/24', '10.1.2.3/8'])).toMatchObject([
      {
        path: 'primitives.0.rules.1.value',
        message: expect.stringContaining('the network is 10.0.0.0/8'),
      },
    ])
    expect(await issuesOf('ip-address-prefix', ['0.0.0.0/0', '10.1.2.3/32'])).toEqual([])
  })

  it('refuses an address or tag with bits outside its mask (matches nothing), naming the fix', async () => {
    expect(await issuesOf('ip-address-mask', ['192.0.2.1 255.255.255.0'])).toMatchObject([
      {
        path: 'primitives.0.rules.0.value',
        message: expect.stringContaining('use 192.0.2.0 255.255.255.0'),
      },
    ])
    expect(await issuesOf('tag-mask', ['4294967295 255'])).toMatchObject([
      { path: 'primitives.0.rules.0.value', message: expect.stringContaining('use 255 255') },
    ])
    expect(await issuesOf('ip-address-mask', ['224.0.0.0 240.0.0.0'])).toEqual([])
    expect(await issuesOf('tag-mask', ['256 768'])).toEqual([])
  })
})

describe('flow-filter stays within what the flow analyzer parses', () => {
  const full = Array.from({ length: 17 }, () => '0-65535')

  it('the analyzer refuses 17 full port tables in one primitive (the validator works)', () => {
    const text = `filter-primitive P\n  type ip-port\n${full.map((v) => `  permit ${v}\n`).join('')}`
    expect(() => parseConfig(text)).toThrow(/more than 1048576 values/)
  })

  it('refuses them too, naming the rules, and keeps 16', async () => {
    expect(await issuesOf('ip-port', full)).toMatchObject([
      { path: 'primitives.0.rules', message: expect.stringContaining('at most 1048576') },
    ])
    const text = await generate('flow-filter', input('ip-port', full.slice(1)))
    expect(() => parseConfig(text)).not.toThrow()
  })
})

describe('flow-filter ip-tos / ip-tcp-flags values under a mask', () => {
  const withMask = (type: string, mask: number, values: string[]) => ({
    primitives: [
      {
        name: 'P',
        type,
        mask,
        rules: values.map((value) => ({ action: 'permit', value })),
      },
    ],
    definitions: [{ name: 'd', groups: [[{ match: type, primitive: 'P' }]] }],
  })

  it('refuses a value the mask clears (table[field & mask] never holds it), naming it', async () => {
    const bad = generate('flow-filter', withMask('ip-tcp-flags', 0x3f, ['2', '18,64', '128-255']))
    await expect(bad).rejects.toMatchObject({
      issues: [
        { path: 'primitives.0.rules.1.value', message: expect.stringContaining('64 has bits') },
        { path: 'primitives.0.rules.2.value', message: expect.stringContaining('128-255') },
      ],
    })
  })

  it('keeps values inside the mask, and ranges that reach into it', async () => {
    const text = await generate('flow-filter', withMask('ip-tos', 0xfc, ['4,8', '0-3']))
    expect(text).toContain('  mask 0xfc\n  permit 4,8\n  permit 0-3\n')
    expect(() => parseConfig(text)).not.toThrow()
  })
})
