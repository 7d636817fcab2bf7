import { describe, expect, it } from 'vitest'
import { compileFilter } from '../../../src/flows/filter'
import { parseConfig } from '../../../src/flows/filter/config-parser'
import { MATCHES } from '../../../src/generators/flow-filter-syntax'
import { generate } from './helpers'

/** One primitive of `type` with one permit line, and a definition that matches it. */
function input(type: string, value: string) {
  const match = Object.keys(MATCHES).find((m) => MATCHES[m]?.includes(type)) ?? ''
  return {
    primitives: [{ name: 'P', type, rules: [{ action: 'permit', value }] }],
    definitions: [{ name: 'd', groups: [[{ match, primitive: 'P' }]] }],
  }
}

/** What POST /flows/* does with a filter.cfg part: parse it and compile the definition. */
function compileWithProjectParser(text: string): void {
  parseConfig(text)
  compileFilter({ config: text, stages: [{ kind: 'definition', name: 'd', vars: {} }] })
}

describe('flow-filter values the flow analyzer refuses', () => {
  it.each([
    ['ip-port', 'nosuchservice'],
    ['ip-port', '80-20'],
    ['ip-protocol', 'bogus'],
    ['time', 'lt 99:99:99'],
    ['time-date', 'gt 2024-13-45 25:61:61'],
    ['tag-mask', '9999999999 9999999999'],
    ['tag', '9999999999'],
    ['rate', '0'],
  ])('refuses %s %s, naming the value', async (type, value) => {
    // The analyzer's parser refuses the line (the validator works)...
    const line = `filter-primitive P\n  type ${type}\n  permit ${value}\n`
    expect(() => parseConfig(line)).toThrow()
    // ...and the generator never writes it.
    await expect(generate('flow-filter', input(type, value))).rejects.toMatchObject({
      issues: [{ path: 'primitives.0.rules.0.value' }],
    })
  })
})

describe('flow-filter output parses with the flow analyzer', () => {
  it.each([
    ['ip-address', '192.0.2.1'],
    ['ip-address-mask', '192.0.2.0 255.255.255.0'],
    ['ip-address-prefix', '192.0.2.0/24'],
    ['ip-address-prefix-len', '0-8,24,32'],
    ['ip-protocol', 'tcp,udp,1'],
    ['ip-port', '22,53,ssh,6000-7000'],
    ['ip-tos', '0-255'],
    ['ip-tcp-flags', '2,18'],
    ['ifindex', '1,65535'],
    ['engine', '0-255'],
    ['as', '0,64512-65535'],
    ['tag', '4294967295'],
    // TAG & MASK must be able to equal TAG (4294967295 255 matches nothing and is refused)
    ['tag-mask', '4294967295 4294967295'],
    ['tag-mask', '255 4294967295'],
    ['counter', 'gt 1000'],
    ['double', 'lt 1.5'],
    ['time', 'ge 23:59:59'],
    ['time-date', 'gt 2024-02-29 23:59:59'],
    ['time-date', 'lt 2024-12-31'],
    ['rate', '1'],
  ])('%s %s', async (type, value) => {
    const text = await generate('flow-filter', input(type, value))
    expect(text).toContain(`  permit ${value}\n`)
    expect(() => compileWithProjectParser(text)).not.toThrow()
  })
})
