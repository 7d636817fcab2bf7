import { describe, expect, it } from 'vitest'
import { formatAaaa } from '../../../src/dns/ipv6-text'
import { resolveRecord } from '../../../src/dns/resolve'
import { fakeSender, rr } from './fake-resolver'

describe('formatAaaa prints addresses as dig does', () => {
  it.each([
    ['::ffff:c000:201', '::ffff:192.0.2.1'],
    ['0:0:0:0:0:FFFF:C000:0201', '::ffff:192.0.2.1'],
    ['::c000:201', '::192.0.2.1'],
    ['::1', '::1'],
    ['::', '::'],
    ['::2', '::2'],
    ['2001:0DB8:0000::0063', '2001:db8::63'],
    ['64:ff9b::c000:201', '64:ff9b::c000:201'],
    ['::ffff:0:c000:201', '::ffff:0:c000:201'],
  ])('%s → %s', (input, printed) => expect(formatAaaa(input)).toBe(printed))

  it('keeps an IPv4-mapped AAAA dotted in a decoded reply (RFC 5952 §5)', async () => {
    const zone = { 'mapped.test': [rr('mapped.test', 'AAAA', '::ffff:192.0.2.1')] }
    const r = await resolveRecord('mapped.test', 'AAAA', fakeSender(zone), { timeoutMs: 500 })
    expect(r.answer[0]?.data).toBe('::ffff:192.0.2.1')
  })
})
