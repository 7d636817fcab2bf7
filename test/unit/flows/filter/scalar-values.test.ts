import { describe, expect, it } from 'vitest'
import {
  classfulLength,
  parseClock,
  parseDate,
  parseIpv4,
  parseUnsigned,
} from '../../../../src/flows/filter/scalar-values'

describe('parseUnsigned reads numbers like strtoul(s, 0)', () => {
  it.each([
    ['22', 22],
    ['0x16', 22],
    ['0X1f', 31],
    ['022', 18],
    ['0', 0],
    ['4294967295', 4294967295],
  ])('%s is %i', (text, n) => {
    expect(parseUnsigned(text)).toBe(n)
  })
  it.each(['1k', '08', '-1', '', '0x', '1.5', ' 1'])('%s is refused', (text) => {
    expect(parseUnsigned(text)).toBeUndefined()
  })
})

describe('parseIpv4 reads addresses like scan_ip()', () => {
  it.each([
    ['10.1', '10.1.0.0'],
    ['189.22.36', '189.22.36.0'],
    ['1.2.3.4', '1.2.3.4'],
    ['10', '10.0.0.0'],
  ])('%s is %s', (text, dotted) => {
    const n = parseIpv4(text)
    expect(n).toBeDefined()
    expect(
      [n ?? 0].map((v) => [v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255].join('.'))[0],
    ).toBe(dotted)
  })
  it.each(['1.2.3.300', 'example.com', '1.2.3.4.5', '1..2', ''])('%s is refused', (text) => {
    expect(parseIpv4(text)).toBeUndefined()
  })
})

describe('classfulLength', () => {
  it.each([
    ['10.0.0.0', 8],
    ['172.16.0.0', 16],
    ['192.168.1.0', 24],
    ['224.0.0.0', 28],
    ['10.1.0.0', 32],
    ['189.22.36.165', 32],
  ])('%s gets /%i', (text, len) => {
    expect(classfulLength(parseIpv4(text) ?? 0)).toBe(len)
  })
})

describe('parseClock', () => {
  it.each([
    ['12', 43200],
    ['1:30', 5400],
    ['23:59:59', 86399],
  ])('%s is %i seconds', (text, s) => {
    expect(parseClock(text)).toBe(s)
  })
  it.each(['24:00', '12:60', 'noon', '1:2:3:4'])('%s is refused', (text) => {
    expect(parseClock(text)).toBeUndefined()
  })
})

describe('parseDate reads the usual getdate() forms, in UTC', () => {
  const nov9 = Date.UTC(2010, 10, 9) / 1000
  it.each([
    ['November 9, 2010 00:00:00', nov9],
    ['Nov 9 2010', nov9],
    ['9 November 2010', nov9],
    ['Tue, 9 Nov 2010 00:00:00 +0000', nov9],
    ['2010-11-09', nov9],
    ['2010-11-09 01:25:41', nov9 + 5141],
    ['2010-11-09T01:25:41Z', nov9 + 5141],
    ['11/09/2010 10:00:07', nov9 + 36007],
    ['11/09/10', nov9],
    ['2010-11-09 00:00:00 -0200', nov9 + 7200],
    ['@1289260800', 1289260800],
  ])('%s', (text, secs) => {
    expect(parseDate(text)).toBe(secs)
  })
  it.each(['yesterday', 'November 31, 2010', '2010-13-01', 'soon', 'Nov 2010'])(
    '%s is refused',
    (text) => {
      expect(parseDate(text)).toBeUndefined()
    },
  )
})
