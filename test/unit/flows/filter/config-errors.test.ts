import { describe, expect, it } from 'vitest'
import { compileFilter, compileFilterChain, FilterError } from '../../../../src/flows/filter'
import { readV5Fixture } from './fixture-flows'

function errorOf(config: string, name = 'd', vars: Record<string, string> = {}): FilterError {
  try {
    compileFilterChain({ config, stages: [{ kind: 'definition', name, vars }] })
  } catch (e) {
    if (e instanceof FilterError) return e
    throw e
  }
  throw new Error('expected a FilterError')
}

// The error cases of expected/semantics/errors and vars, with flow-nfilter's own wording, plus
// the line, column and caret excerpt edgeping adds.
describe('configuration errors', () => {
  it('names an unknown keyword with its line and column', () => {
    const e = errorOf('filter-primitive p\n  type ip-port\n  allow 22\n')
    expect(e.code).toBe('unexpected_keyword')
    expect(e.message).toContain('Unexpected "allow".')
    expect([e.line, e.column]).toEqual([3, 3])
    expect(e.source).toBe('config')
    expect(e.excerpt).toBe('2 |   type ip-port\n3 |   allow 22\n  |   ^^^^^\n')
  })

  it('refuses a trailing word', () => {
    const e = errorOf('filter-primitive p\n  type ip-port\n  permit 22 23\n')
    expect(e.message).toContain('Unexpected "23".')
    expect([e.line, e.column]).toEqual([3, 13])
  })

  it('refuses a trailing comment as flow-nfilter does', () => {
    const e = errorOf('filter-primitive p\n  type ip-port\n  permit 22 # ssh\n')
    expect(e.message).toContain('Unexpected "#".')
  })

  it('refuses a port out of range', () => {
    const e = errorOf('filter-primitive p\n  type ip-port\n  permit 70000\n')
    expect(e.code).toBe('value_out_of_range')
    expect(e.message).toContain('Value out of range.')
    expect(e.line).toBe(3)
  })

  it('refuses an unset variable without default as missing data', () => {
    const e = errorOf(
      'filter-primitive p\n  type ip-address\n  permit @ADDR\nfilter-definition d\n  match ip-source-address p\n',
    )
    expect(e.code).toBe('missing_data')
    expect(e.message).toContain('Expecting permit/deny data.')
    expect(e.line).toBe(3)
  })

  it('names an unresolved primitive', () => {
    const e = errorOf('filter-definition d\n  match ip-source-address nosuch\n')
    expect(e.code).toBe('unknown_primitive')
    expect(e.message).toContain('Unable to resolve primitive "nosuch" in filter-definition "d".')
    expect([e.line, e.column]).toEqual([2, 27])
  })

  it('names the match type of an incompatible primitive, as flow-nfilter does', () => {
    const e = errorOf(
      'filter-primitive p\n  type ip-port\n  permit 22\nfilter-definition d\n  match ip-source-address p\n',
    )
    expect(e.code).toBe('incompatible_primitive')
    expect(e.message).toContain(
      'Primitive "ip-source-address" incompatible with match in filter-definition "d".',
    )
  })

  it('refuses a counter on start-time instead of crashing like flow-nfilter (quirk 8)', () => {
    const e = errorOf(
      'filter-primitive c\n  type counter\n  permit ge 1289260800\nfilter-definition d\n  match start-time c\n',
    )
    expect(e.code).toBe('incompatible_primitive')
  })

  it('names an unknown definition', () => {
    const e = errorOf('', 'nosuch')
    expect(e.code).toBe('unknown_definition')
    expect(e.message).toContain('ftfil_def_find(): failed')
  })

  it('refuses a variable the definition does not read, naming the one meant when only the case differs', () => {
    // flow-nfilter ignores it and filters on the default (0.0.0.0): an incident missed in silence.
    const e = errorOf('', 'ip-addr', { addr: '189.22.36.165' })
    expect(e.code).toBe('unknown_variable')
    expect(e.message).toBe(
      'variable addr is not read by filter-definition "ip-addr" (variable names are case-sensitive: did you mean ADDR?); it reads ADDR',
    )
    // Read by another definition of the configuration is not enough: by this one's primitives.
    const cfg =
      'filter-primitive p\n  type ip-port\n  permit @{P:-22}\nfilter-primitive q\n  type ip-port\n  permit @{Q:-23}\n' +
      'filter-definition d\n  match ip-destination-port p\nfilter-definition e\n  match ip-destination-port q\n'
    expect(errorOf(cfg, 'd', { Q: '80' }).message).toBe(
      'variable Q is not read by filter-definition "d"; it reads P',
    )
    expect(() =>
      compileFilterChain({
        config: cfg,
        stages: [{ kind: 'definition', name: 'd', vars: { P: '80' } }],
      }),
    ).not.toThrow()
  })

  it("lets a stage's variable serve the caller's primitive when a built-in one reads the same name", () => {
    // The stock VAR_PORT primitive reads PORT too; an address there is not a port, but the
    // definition asked for never uses VAR_PORT (it was a 422 blaming built-in filter.cfg line 29).
    const cfg =
      'filter-primitive p\n  type ip-address\n  permit @{PORT:-1.1.1.1}\n' +
      'filter-definition d\n  match ip-source-address p\n'
    const ok = compileFilter({
      config: cfg,
      stages: [{ kind: 'definition', name: 'd', vars: { PORT: '189.22.36.165' } }],
    })
    expect([...ok.fields]).toEqual(['srcaddr'])
    // A bad value in the caller's own primitive is named there, not in the built-in one.
    const own = errorOf(cfg, 'd', { PORT: 'hello' })
    expect(own.source).toBe('config')
    expect([own.line, own.message.startsWith('line 3')]).toEqual([3, true])
    // A built-in definition that does use the bad value still fails, naming its line.
    const stock = errorOf('', 'ip-port', { PORT: 'hello' })
    expect(stock.message).toMatch(/^built-in filter\.cfg line \d+, column \d+: /)
    // So does a caller's definition matching that stock primitive.
    const uses = 'filter-definition d\n  match ip-destination-port VAR_PORT\n'
    expect(errorOf(uses, 'd', { PORT: 'hello' }).message).toMatch(/^built-in filter\.cfg line /)
  })

  it('warns when a variable the definition reads is left to its default', () => {
    const unset = compileFilter({ stages: [{ kind: 'definition', name: 'ip-addr', vars: {} }] })
    expect(unset.warnings.map((w) => w.code)).toContain('variable_unset')
    expect(unset.warnings.find((w) => w.code === 'variable_unset')?.message).toMatch(
      /^variable ADDR of filter-definition "ip-addr" is not set: its default "[^"]+" is used \(set it: def=ip-addr:ADDR=\.\.\.\)$/,
    )
    const set = compileFilter({
      stages: [{ kind: 'definition', name: 'ip-addr', vars: { ADDR: '10.0.0.1' } }],
    })
    expect(set.warnings.filter((w) => w.code === 'variable_unset')).toEqual([])
  })

  it('refuses a host name instead of resolving it (quirk 6)', () => {
    const e = errorOf('filter-primitive p\n  type ip-address\n  permit example.com\n')
    expect(e.code).toBe('bad_value')
    expect(e.message).toContain('host names are not resolved')
  })

  it('refuses an octet above 255 instead of wrapping it (quirk 6)', () => {
    expect(errorOf('filter-primitive p\n  type ip-address\n  permit 10.0.0.300\n').code).toBe(
      'bad_value',
    )
  })

  it('refuses trailing garbage in a number (deliberate deviation, quirk 4)', () => {
    const e = errorOf('filter-primitive p\n  type counter\n  permit gt 1k\n')
    expect(e.code).toBe('bad_number')
  })

  it('refuses an AS name (the tag-file lookup is a flow-tools bug, quirk 7)', () => {
    expect(errorOf('filter-primitive p\n  type as\n  permit google\n').code).toBe('bad_value')
  })

  it('refuses an engine above 255 (quirk 7)', () => {
    expect(errorOf('filter-primitive p\n  type engine\n  permit 256\n').code).toBe(
      'value_out_of_range',
    )
  })

  it('refuses a duplicate primitive name', () => {
    const e = errorOf('filter-primitive p\n  type ip-port\nfilter-primitive P\n  type ip-port\n')
    expect(e.code).toBe('duplicate_name')
    expect(e.line).toBe(3)
  })

  it('refuses the man page form @{VAR:default}', () => {
    const e = errorOf('filter-primitive p\n  type ip-port\n  permit @{PORT:22}\n')
    expect(e.code).toBe('bad_variable')
    expect(e.message).toContain('expecting "-"')
  })

  it('refuses @{MY_VAR} (names are alphanumeric)', () => {
    expect(errorOf('filter-primitive p\n  type ip-port\n  permit @{MY_VAR}\n').code).toBe(
      'bad_variable',
    )
  })

  it('refuses an unbalanced @{', () => {
    expect(errorOf('filter-primitive p\n  type ip-port\n  permit @{PORT:-22\n').message).toContain(
      'Missing }',
    )
  })

  it('points into the built-in filter.cfg when a variable value is bad', () => {
    const e = errorOf('', 'ip-addr', { ADDR: 'victim' })
    expect(e.source).toBe('definition')
    expect(e.message).toMatch(
      /^built-in filter\.cfg line \d+, column 10: "victim" is not an IPv4 address/,
    )
    expect(e.excerpt).toContain('permit @{ADDR:-0.0.0.0}')
  })

  it('refuses a filter that reads a field the flows lack', () => {
    const batch = readV5Fixture('seed-all.ft')
    const pred = compileFilterChain({
      config:
        'filter-primitive p\n  type tag\n  permit 1\nfilter-definition d\n  match source-tag p\n',
      stages: [{ kind: 'definition', name: 'd', vars: {} }],
    })
    expect(() => pred(batch, 0)).toThrow('Filter references a field not in flow.')
  })
})

describe('warnings', () => {
  it('warns about a value set twice, and the last line wins', () => {
    const { warnings, predicate } = compileFilter({
      config:
        'filter-primitive p\n  type ip-port\n  permit 22\n  deny 22\nfilter-definition d\n  match ip-destination-port p\n',
      stages: [{ kind: 'definition', name: 'd', vars: {} }],
    })
    expect(warnings.map((w) => w.message)).toContain('line 4: index 22 previously set as permit.')
    const batch = readV5Fixture('seed-all.ft')
    let passed = 0
    for (let i = 0; i < batch.length; i++) if (predicate(batch, i)) passed++
    expect(passed).toBe(0)
  })

  it('warns that permit !80 is deny 80, not all but 80', () => {
    const { warnings } = compileFilter({
      config:
        'filter-primitive p\n  type ip-port\n  permit !80\nfilter-definition d\n  match ip-destination-port p\n',
      stages: [{ kind: 'definition', name: 'd', vars: {} }],
    })
    expect(warnings[0]?.code).toBe('bang_is_opposite')
  })
})
