import ipaddr from 'ipaddr.js'
import type { TermKey, TermValue } from './ast'
import type { Token } from './nfdump-lexer'
import type { Fail } from './primitive-rules'
import { formatIpv4, prefixMask } from './scalar-values'
import { protocolName, protocolNumber } from './symbol-names'

// The values of nfdump terms: addresses, networks, protocols and scaled numbers, each
// normalised (`text`) for printing and read (`num`) for compiling.

/** Largest value of each numeric key (ft fields: 16-bit ports, AS and ifIndex; 8-bit others). */
export const TERM_MAX: Partial<Record<TermKey, number>> = {
  port: 65535,
  proto: 255,
  as: 65535,
  if: 65535,
  tos: 255,
  mask: 32,
  'engine-type': 255,
  'engine-id': 255,
  'icmp-type': 255,
  'icmp-code': 255,
  packets: 0xffffffff,
  bytes: 0xffffffff,
  flows: 0xffffffff,
  duration: 0xffffffff,
}

/** An IPv4 or IPv6 address (no host names: a filter never waits for DNS). */
export function readAddress(t: Token, fail: Fail): TermValue {
  const v4 = parseStrictIpv4(t.text)
  if (v4 !== undefined) return { text: formatIpv4(v4), num: v4 }
  if (t.kind === 'word' && ipaddr.IPv6.isValid(t.text)) {
    // ft records are IPv4 only: an IPv6 address is valid but matches no flow.
    return { text: ipaddr.IPv6.parse(t.text).toString(), num: Number.NaN }
  }
  const hint = /[a-z]/i.test(t.text) ? ' (host names are not resolved)' : ''
  return fail('bad_value', `"${t.text}" is not an IP address${hint}`, t.loc)
}

/** `a.b.c.d/len`, `a.b/len` or an address followed by a dotted netmask. */
export function readNetwork(t: Token, fail: Fail, maskTok?: Token): TermValue {
  const [addrText = '', lenText] = t.text.split('/', 2)
  const v4 = parseStrictIpv4(addrText) ?? parseShortIpv4(addrText)
  if (v4 !== undefined) {
    let len = 32
    if (maskTok) {
      const m = parseStrictIpv4(maskTok.text) ?? 0
      len = 32 - Math.log2((~m >>> 0) + 1 || 2 ** 32)
      if (!Number.isInteger(len) || prefixMask(len) !== m)
        fail('bad_value', `"${maskTok.text}" is not a netmask`, maskTok.loc)
    } else if (lenText !== undefined) {
      len = /^\d{1,2}$/.test(lenText) ? Number(lenText) : 99
      if (len > 32) fail('bad_value', `"/${lenText}" is not a prefix length 0-32`, t.loc)
    } else {
      fail('bad_value', `"${t.text}" needs a prefix length (a.b.c.d/len) or a netmask`, t.loc)
    }
    // nfdump masks the address: `net 10.1.2.3/8` is 10.0.0.0/8.
    const addr = (v4 & prefixMask(len)) >>> 0
    return { text: `${formatIpv4(addr)}/${len}`, num: addr, len }
  }
  if (
    lenText !== undefined &&
    ipaddr.IPv6.isValid(addrText) &&
    /^\d{1,3}$/.test(lenText) &&
    Number(lenText) <= 128
  ) {
    return {
      text: `${ipaddr.IPv6.parse(addrText).toString()}/${lenText}`,
      num: Number.NaN,
      len: Number(lenText),
    }
  }
  return fail('bad_value', `"${t.text}" is not a network (a.b.c.d/len)`, t.loc)
}

/** A protocol name from /etc/protocols or a number 0-255. */
export function readProtocol(t: Token, fail: Fail): TermValue {
  const name = t.text.toLowerCase()
  const n = /^\d+$/.test(name) ? Number(name) : protocolNumber(name)
  if (t.kind !== 'word' || n === undefined || n > 255) {
    fail('bad_value', `"${t.text}" is not a protocol (tcp, udp, icmp, ... or 0-255)`, t.loc)
  }
  return { text: /^\d+$/.test(name) ? String(n) : (protocolName(n) ?? name), num: n }
}

/** A number with an optional k/M/G suffix, within the key's range. */
export function readNumber(key: TermKey, t: Token, fail: Fail): TermValue {
  const m = /^(\d+(?:\.\d+)?)([kmg]?)$/i.exec(t.text)
  if (t.kind !== 'word' || !m) {
    fail('bad_value', `"${t.text}" is not a number for "${key}"`, t.loc)
  }
  // nfdump scales by 1000 (k, M, G), not 1024.
  const scale = { '': 1, k: 1e3, m: 1e6, g: 1e9 }[(m[2] ?? '').toLowerCase()] ?? 1
  const n = Number(m[1]) * scale
  const fractional = key === 'pps' || key === 'bps'
  if (!fractional && !Number.isInteger(n))
    fail('bad_value', `"${t.text}" is not a whole number`, t.loc)
  const max = TERM_MAX[key]
  if (max !== undefined && n > max)
    fail('value_out_of_range', `${t.text} is out of range for "${key}" (0-${max})`, t.loc)
  return { text: String(n), num: n }
}

function parseStrictIpv4(text: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text)
  if (!m) return undefined
  const parts = m.slice(1).map(Number)
  if (parts.some((p) => p > 255)) return undefined
  return parts.reduce((a, p) => a * 256 + p, 0)
}

/** nfdump accepts `net 10/8` and `net 172.16/12`. */
function parseShortIpv4(text: string): number | undefined {
  if (!/^\d{1,3}(\.\d{1,3}){0,2}$/.test(text)) return undefined
  const parts = text.split('.').map(Number)
  if (parts.some((p) => p > 255)) return undefined
  while (parts.length < 4) parts.push(0)
  return parts.reduce((a, p) => a * 256 + p, 0)
}
