import { describe, expect, it } from 'vitest'
import {
  compileAlertPattern,
  type HistoryValue,
  matchesHistory,
} from '../../../src/checks/alert-pattern'

const match = (pattern: string, type: 'loss' | 'rtt', history: HistoryValue[]) =>
  matchesHistory(compileAlertPattern(pattern, type), history)

describe('compileAlertPattern', () => {
  it.each([
    ['>0%,*12*,>0%,*12*,>0%', 'loss'],
    ['==0%,==0%,==0%,==0%,>20%,>20%,>20%', 'loss'],
    ['<10,<10,<10,<10,<10,<100,>100,>100,>100', 'rtt'],
    ['==S,==U', 'rtt'],
    ['>45%<=55%', 'loss'],
    ['==*,>10%', 'loss'],
  ] as const)('accepts %s (%s)', (pattern, type) => {
    expect(() => compileAlertPattern(pattern, type)).not.toThrow()
  })

  it.each([
    ['>1000x', 'rtt', 'invalid'],
    ['>10', 'loss', 'loss should be specified in %'],
    ['>10%', 'rtt', 'without %'],
    ['*', 'loss', 'invalid'],
    ['>U', 'rtt', 'invalid operator > with U'],
    // SmokePing: "S is only valid with == operator".
    ['!=S', 'loss', 'S is only valid with the == operator'],
    ['<S', 'rtt', 'S is only valid with the == operator'],
    ['*0*,>1%', 'loss', 'X >= 1'],
    ['>1%,,>1%', 'loss', 'empty element'],
    // gaps alone compared nothing and matched every round
    ['*3*', 'loss', 'only *X* gaps'],
    ['*2*,*5*', 'rtt', 'at least one value'],
  ] as const)('rejects %s (%s)', (pattern, type, message) => {
    expect(() => compileAlertPattern(pattern, type)).toThrow(message)
  })
})

describe('matchesHistory', () => {
  it('matches the newest values, the last element being the round just finished', () => {
    expect(match('==0%,>20%', 'loss', [50, 0, 0, 30])).toBe(true)
    expect(match('==0%,>20%', 'loss', [0, 30, 0])).toBe(false)
  })

  it('lets *X* skip up to X values (someloss: loss 3 times within ~26 rounds)', () => {
    const p = '>0%,*12*,>0%,*12*,>0%'
    const quiet = Array<HistoryValue>(10).fill(0)
    expect(match(p, 'loss', [5, ...quiet, 5, ...quiet, 5])).toBe(true)
    expect(match(p, 'loss', [5, ...quiet, 5, ...quiet, 0])).toBe(false)
    expect(match(p, 'loss', [5, ...quiet, ...quiet, 0, 0, 0, 5, 5])).toBe(false)
    expect(match(p, 'loss', [5, 5, 5])).toBe(true)
  })

  it('treats unknown rounds as matching only ==U, and S as the start of history', () => {
    expect(match('==S,==U', 'rtt', ['S', 'U'])).toBe(true)
    expect(match('>10', 'rtt', ['S', 'U'])).toBe(false)
    expect(match('!=U', 'rtt', ['S', 12])).toBe(true)
  })

  it('checks both bounds of a range element', () => {
    expect(match('>45%<=55%', 'loss', [50])).toBe(true)
    expect(match('>45%<=55%', 'loss', [60])).toBe(false)
  })

  it('needs enough history for every element', () => {
    expect(match('>0%,>0%,>0%', 'loss', ['S', 10, 10])).toBe(false)
  })
})
