import { readdirSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { resolveTargets } from '../../../src/checks/resolve-targets'
import { exportSmokepingText } from '../../../src/checks/smokeping-export'
import { parseSmokepingText } from '../../../src/checks/smokeping-parse'
import { errorOf } from './error-of'

const fixture = (name: string) =>
  readFileSync(new URL(`../../fixtures/smokeping/${name}`, import.meta.url), 'utf8')
const example = `${fixture('config.dist-alerts.txt')}\n${fixture('config.dist-targets.txt')}`

describe("SmokePing's example Targets section (config.dist)", () => {
  it('parses into the tree with inherited probe, joined remark, alerts and kept variables', () => {
    const { config } = parseSmokepingText(fixture('config.dist-targets.txt'))
    expect(config.targets).toMatchObject({
      probe: 'FPing',
      menu: 'Top',
      title: 'Network Latency Grapher',
      remark:
        // Two spaces, as SmokePing reads it: the one before the `\` stays, and one joins the lines.
        'Welcome to the SmokePing website of xxx Company.  Here you will learn all about the latency of our network.',
    })
    const test = config.targets.children?.[0]
    expect(test?.name).toBe('Test')
    expect(test?.menu).toBe('Targets')
    expect(test?.children?.map((c) => c.name)).toEqual(['James', 'MultiHost'])
    expect(test?.children?.[0]).toMatchObject({
      title: 'James',
      alerts: ['someloss'],
      host: 'james.address',
      extra: { slaves: 'boomer slave2' },
    })
  })

  it('refuses its FPing probe with the line of `probe = FPing`, since Workers cannot send ICMP', () => {
    const { config, lines } = parseSmokepingText(example)
    const err = errorOf(() => resolveTargets(config, lines))
    expect(err.code).toBe('icmp_impossible')
    expect(err.line).toBe(example.split('\n').indexOf('probe = FPing') + 1)
    expect(err.message).toContain('cannot send')
    expect(err.message).toContain('TCPPing')
  })

  it('runs once the probe is TCPPing: James on port 80, the multihost graph kept but not probed', () => {
    const { config, lines } = parseSmokepingText(
      example.replace('probe = FPing', 'probe = TCPPing'),
    )
    const resolved = resolveTargets(config, lines)
    expect(resolved.targets).toEqual([
      expect.objectContaining({
        id: 'Test.James',
        kind: 'tcp',
        host: 'james.address',
        port: 80,
        pings: 20,
        step: 300,
        timeoutMs: 5000,
        alerts: ['someloss'],
      }),
    ])
    expect(resolved.multihost).toEqual([
      { id: 'Test.MultiHost', hosts: ['/Test/James', '/Test/James~boomer'] },
    ])
  })

  it('round-trips: export then import gives the same config', () => {
    const first = parseSmokepingText(example).config
    const text = exportSmokepingText(first)
    expect(parseSmokepingText(text).config).toEqual(first)
    expect(exportSmokepingText(parseSmokepingText(text).config)).toBe(text)
  })

  it('exports sub-probes under their own module, whatever order a JSON tree lists them in', () => {
    // W (Curl) listed after TCPPing was written as `++ W` under TCPPing: read back, a TCP probe.
    const config = {
      probes: [
        { name: 'TCPPing', module: 'TCPPing', vars: { port: 443 } },
        { name: 'W', module: 'Curl', vars: { urlformat: 'https://%host%/' } },
      ],
      targets: { name: '', children: [{ name: 'b', probe: 'W', host: '127.0.0.1' }] },
    }
    const back = parseSmokepingText(exportSmokepingText(config)).config
    expect(back.probes).toEqual([
      config.probes[0],
      { name: 'Curl', module: 'Curl', vars: {} },
      config.probes[1],
    ])
  })
})

describe('parseSmokepingText', () => {
  it('reads Database defaults, Probes entries and sub-probes, and deeper levels', () => {
    const text = [
      '*** Database ***',
      'step = 600',
      'pings = 10',
      'AVERAGE 0.5 1 1008',
      '*** Probes ***',
      '+ TCPPing',
      'port = 22',
      '++ Web',
      'port = 443',
      '*** Targets ***',
      'probe = TCPPing',
      'menu = Top',
      'title = Top',
      '+ a',
      '++ b',
      '+++ c',
      'probe = Web',
      'host = 192.0.2.1',
      '+++ d',
      'pings = 5',
      'host = 2001:db8::1',
    ].join('\n')
    const { config, lines } = parseSmokepingText(text)
    expect(config.database).toEqual({ step: 600, pings: 10 })
    expect(config.probes).toEqual([
      { name: 'TCPPing', module: 'TCPPing', vars: { port: 22 } },
      { name: 'Web', module: 'TCPPing', vars: { port: 443 } },
    ])
    const targets = resolveTargets(config, lines).targets
    expect(targets.map((t) => [t.id, t.port, t.pings, t.step])).toEqual([
      ['a.b.c', 443, 10, 600],
      ['a.b.d', 22, 5, 600],
    ])
  })

  it('takes text without a section header as the body of *** Targets ***', () => {
    const { config } = parseSmokepingText('probe = tcp\n+ x\nhost = 192.0.2.1\n')
    expect(config.targets.children?.[0]?.host).toBe('192.0.2.1')
  })

  it('bounds a line and what @define makes of it (a 130 KB body expanded to a 500 before)', () => {
    const long = errorOf(() => parseSmokepingText(`+ a\ntitle = ${'x'.repeat(9000)}\n`))
    expect([long.line, long.message]).toEqual([
      2,
      'line 2: the line is longer than 8192 characters',
    ])
    const blowUp = `@define A ${'x'.repeat(8000)}\n*** Targets ***\nmenu = A A\n`
    const expanded = errorOf(() => parseSmokepingText(blowUp))
    expect(expanded.line).toBe(3)
    expect(expanded.message).toContain(
      'with its @define values put in, the line is longer than 8192',
    )
    const many = Array.from({ length: 101 }, (_, i) => `@define D${i} v\n`).join('')
    expect(errorOf(() => parseSmokepingText(`${many}+ a\n`)).message).toContain(
      'at most 100 @define lines',
    )
  })

  it('reads headers, sections and comments made of long runs of spaces at once', () => {
    // Each took seconds to minutes with the old regular expressions (backtracking); a hang
    // here would end in the test's timeout.
    expect(errorOf(() => parseSmokepingText(`***${' '.repeat(8000)}x\n`)).code).toBe('syntax')
    expect(errorOf(() => parseSmokepingText(`+${' '.repeat(8000)}x y\n`)).code).toBe('syntax')
    const comment = parseSmokepingText(`+ a\ntitle = b${' '.repeat(200_000)}# c\n`)
    expect(comment.config.targets.children?.[0]?.title).toBe('b')
    const spaced = parseSmokepingText('***   Targets   ***\n+  a  \nhost = 192.0.2.1\n')
    expect(spaced.config.targets.children?.[0]?.name).toBe('a')
  })

  it('cuts a comment at any # as SmokePing does, but keeps one in a continued line out', () => {
    const { config } = parseSmokepingText('+ a\ntitle = Web # the front end\nhost = 192.0.2.1\n')
    expect(config.targets.children?.[0]?.title).toBe('Web')
    const err = errorOf(() =>
      parseSmokepingText('+ a\nremark = one \\\n  two # three\nhost = 192.0.2.1\n'),
    )
    expect([err.line, err.code]).toEqual([2, 'bad_value'])
    expect(err.message).toContain('remark: a # inside a value (from a continued line)')
  })

  it.each([
    // Config::Grammar keeps sections and variables in one table: smokeping --check refuses these.
    ['+ title\nhost = 192.0.2.1\n', 1, 'bad_name', "'title' is a variable of SmokePing's Targets"],
    ['+ a\n++ _order\nhost = 192.0.2.1\n', 2, 'bad_name', 'must not start with _'],
    [
      `${Array.from({ length: 17 }, (_, i) => `${'+'.repeat(i + 1)} l${i}\n`).join('')}host = 192.0.2.1\n`,
      17,
      'nesting',
      'at most 16 levels of sections below Targets',
    ],
  ])('resolving %j names the line', (text, line, code, message) => {
    const { config, lines } = parseSmokepingText(`probe = tcp\n${text}`)
    const err = errorOf(() => resolveTargets(config, lines))
    expect(err.line).toBe(line + 1)
    expect(err.code).toBe(code)
    expect(err.message).toContain(message)
  })

  it.each([
    ['+ a\n+++ b\n', 2, 'nesting', 'section nesting error'],
    ['+ Loop.back\n', 1, 'bad_name', "unknown section 'Loop.back'"],
    ['+ a\nfoo = bar\n', 2, 'unknown_variable', "unknown variable 'foo'"],
    ['+ a\npings = 2\n', 2, 'bad_value', 'at least 3'],
    ['+ a\nstep = five\n', 2, 'bad_value', 'integer from 1 to 2147483647'],
    ['+ a\nthis is not an assignment\n', 2, 'syntax', "expected 'variable = value'"],
    ['+ a\n+ a\n', 2, 'bad_name', 'appears twice'],
  ])('names the line of %j', (text, line, code, message) => {
    const err = errorOf(() => parseSmokepingText(text))
    expect(err.line).toBe(line)
    expect(err.code).toBe(code)
    expect(err.message).toContain(message)
  })
})

describe("smokeping --check's error cases (fixtures/smokeping/errcases)", () => {
  const results = fixture('errcases/RESULTS.txt')
  const cases = readdirSync(new URL('../../fixtures/smokeping/errcases', import.meta.url)).filter(
    (f) => f.endsWith('.config'),
  )
  it.each(cases)('%s fails on the line SmokePing names (or that --check misses)', (file) => {
    const text = fixture(`errcases/${file}`)
    const expected = new RegExp(`--config=errcases/${file}\\n(.*)\\n`).exec(results)?.[1] ?? ''
    const err = errorOf(() => {
      const { config, lines } = parseSmokepingText(text)
      resolveTargets(config, lines)
    })
    const line = /line (\d+)/.exec(expected)?.[1]
    if (line) expect(err.line, `${file}: ${expected}`).toBe(Number(line))
    else expect(['bad_pattern', 'unknown_alert']).toContain(err.code) // syntax OK for SmokePing
  })
})
