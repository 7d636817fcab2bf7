import { describe, expect, it } from 'vitest'
import { timeRange } from '../../src/routes/flow-archive'

const at = (iso: string) => Date.parse(iso) / 1000

describe('timeRange', () => {
  it('reads a date alone as to as that midnight, not included', () => {
    expect(timeRange('2010-11-09', '2010-11-10')).toEqual({
      from: at('2010-11-09T00:00:00Z'),
      to: at('2010-11-09T23:59:59Z'),
    })
    expect(timeRange('2010-11-09', '2010-11-10T00:00:00Z').to).toBe(at('2010-11-10T00:00:00Z'))
    // The same day twice is an empty range, and the error says which to is meant.
    expect(() => timeRange('2010-11-09', '2010-11-09')).toThrow(
      'a date alone as to is that midnight, not included (the day 2010-11-09 is to=2010-11-10)',
    )
  })
})
