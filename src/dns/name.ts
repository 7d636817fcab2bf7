import ipaddr from 'ipaddr.js'
import { DnsNameError } from './errors'

/**
 * Checks a domain name and returns it in canonical query form: no trailing dot, IDN labels as
 * punycode (A-labels). RFC 1035 §2.3.4: labels ≤ 63 octets, names ≤ 255 octets on the wire,
 * i.e. ≤ 253 characters in text without the trailing dot. Letters, digits, hyphen, and the
 * underscore that SRV/DKIM owner names use (RFC 2782, RFC 8552).
 *
 * @example normalizeName('WWW.Example.com.') // 'WWW.Example.com' (case kept, as dig does)
 */
export function normalizeName(input: string): string {
  let name = input.trim()
  if (name === '.') return '.'
  if (name.endsWith('.')) name = name.slice(0, -1)
  if (name === '') throw new DnsNameError('empty', 'the name is empty')
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the point is to find non-ASCII
  if (/[^\x00-\x7f]/.test(name)) name = toALabels(name)
  if (name.length > 253) {
    throw new DnsNameError(
      'too_long',
      `the name is ${name.length} characters long; at most 253 are allowed`,
    )
  }
  for (const label of name.split('.')) {
    if (label === '')
      throw new DnsNameError('empty_label', `'${input}' has an empty label (two dots in a row)`)
    if (label.length > 63) {
      throw new DnsNameError(
        'label_too_long',
        `the label '${label.slice(0, 20)}…' is ${label.length} characters long; at most 63 are allowed`,
      )
    }
    const bad = /[^A-Za-z0-9_*-]/.exec(label)
    if (bad || (label.includes('*') && label !== '*')) {
      const ch = bad?.[0] ?? '*'
      throw new DnsNameError(
        'bad_character',
        `'${input}' contains ${JSON.stringify(ch)}; a label may hold letters, digits, '-' and '_'`,
      )
    }
  }
  return name
}

function toALabels(name: string): string {
  try {
    // The WHATWG URL parser applies UTS #46 / IDNA to the host: the same mapping browsers use.
    return new URL(`http://${name}/`).hostname
  } catch {
    throw new DnsNameError(
      'bad_character',
      `'${name}' is not a valid internationalised domain name`,
    )
  }
}

/** True when the text is an IPv4 or IPv6 address. */
export function isIpAddress(text: string): boolean {
  return ipaddr.isValid(text.trim())
}

/**
 * The reverse-lookup name of an address: `in-addr.arpa` (RFC 1035 §3.5) for IPv4, nibbles
 * under `ip6.arpa` (RFC 3596 §2.5) for IPv6.
 *
 * @example reverseName('192.0.2.10') // '10.2.0.192.in-addr.arpa'
 */
export function reverseName(address: string): string {
  const text = address.trim()
  if (!ipaddr.isValid(text))
    throw new DnsNameError('not_an_ip', `'${address}' is not an IP address`)
  const ip = ipaddr.parse(text)
  if (ip.kind() === 'ipv4') return `${ip.toByteArray().reverse().join('.')}.in-addr.arpa`
  const nibbles = ip
    .toByteArray()
    .flatMap((b) => [b >> 4, b & 15])
    .map((n) => n.toString(16))
  return `${nibbles.reverse().join('.')}.ip6.arpa`
}

/** Appends the root dot, as dig prints owner names. */
export function absolute(name: string): string {
  return name === '.' || name.endsWith('.') ? name : `${name}.`
}
