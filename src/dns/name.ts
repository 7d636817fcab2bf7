import ipaddr from 'ipaddr.js'
import { DnsNameError } from './errors'

/**
 * Checks a domain name and returns it in canonical query form: no trailing dot (the root stays
 * `.`), IDN labels as punycode (A-labels). RFC 1035 §2.3.4: labels ≤ 63 octets, names ≤ 255
 * octets on the wire, i.e. ≤ 253 characters in text without the trailing dot. Letters, digits,
 * hyphen, and the underscore that SRV/DKIM owner names use (RFC 2782, RFC 8552); the top-level
 * label not all digits (RFC 3696 §2).
 *
 * @example normalizeName('WWW.Example.com.') // 'WWW.Example.com' (case kept, as dig does)
 */
export function normalizeName(input: string): string {
  let name = input.trim()
  if (name === '.') return '.'
  if (name.endsWith('.')) name = name.slice(0, -1)
  if (name === '') throw new DnsNameError('empty', 'the name is empty')
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the point is to find non-ASCII
  if (/[^\x00-\x7f]/.test(name)) name = toALabels(name, input)
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
  checkTopLevelLabel(name, input)
  return name
}

/**
 * RFC 3696 §2: a top-level domain is never all digits. This is what tells a name from a mistyped
 * address: `1.2.3.256` is no IPv4 address, and as a name it would need a TLD called `256`.
 */
function checkTopLevelLabel(name: string, input: string): void {
  const tld = name.slice(name.lastIndexOf('.') + 1)
  if (!/^\d+$/.test(tld)) return
  const what =
    /^[\d.]+$/.test(name) && !isIpAddress(name)
      ? 'neither a valid IP address nor a valid domain name'
      : 'not a valid domain name'
  throw new DnsNameError(
    'numeric_tld',
    `'${input.trim()}' is ${what}: its top-level label '${tld}' is all digits, which no top-level domain is (RFC 3696 §2)`,
  )
}

/**
 * A domain to check as a whole (its web, name and mail servers): a name as `normalizeName`
 * takes it, but neither an address nor the root, which has no web or mail servers of its own.
 *
 * @example normalizeDomain('192.0.2.1') // throws not_a_domain, as for '::1'
 */
export function normalizeDomain(input: string): string {
  const text = input.trim()
  if (isIpAddress(text)) {
    throw new DnsNameError(
      'not_a_domain',
      `'${text}' is an IP address; the IPv6 readiness report checks a domain name such as example.com`,
    )
  }
  const name = normalizeName(text)
  // A `*` label is a lookup of the wildcard's own owner name (RFC 4592 §2.1.1), which lookups may
  // ask, but it is no domain with web, name or mail servers: its report would check the wildcard
  // record, not any name the wildcard stands for.
  if (name.split('.').includes('*')) {
    throw new DnsNameError(
      'wildcard',
      `'${text}' has the wildcard label '*'; the IPv6 readiness report checks a domain name such as example.com, not a wildcard (look up '${text}' for the wildcard's records)`,
    )
  }
  if (name === '.') {
    throw new DnsNameError(
      'not_a_domain',
      'the root zone is not a domain to check: it has no web or mail servers; name a domain such as example.com (look up `. NS` for the root servers)',
    )
  }
  return name
}

/** The characters an ASCII label may hold (the `*` of a wildcard is checked by the caller). */
const LABEL_CHAR = /^[A-Za-z0-9_*-]$/

/** Full stops that IDNA reads as `.` (RFC 3490 §3.1, UTS #46): they separate labels too. */
const IDN_DOTS = /[.\u3002\uff0e\uff61]/

/**
 * Turns the labels of a name with non-ASCII characters into A-labels, one label at a time.
 *
 * The URL parser that does the IDNA mapping reads a whole host as a URL would: `ü@a.test` is
 * user info and host `a.test`, `a.test/ü` a path, `%41` a percent escape. So every label is
 * checked first for what no label may hold, in the character as typed and in its compatibility
 * form (NFKC, the mapping UTS #46 applies: `＠` becomes `@`), and only then converted, alone and
 * with a non-numeric label after it so a numeric label is not read as an IPv4 address.
 */
function toALabels(name: string, input: string): string {
  const labels = name.split(IDN_DOTS)
  for (const label of labels) {
    const bad = forbiddenCharacter(label)
    if (bad !== undefined) {
      const seen =
        bad.normalize('NFKC') === bad ? '' : ` (read as ${JSON.stringify(bad.normalize('NFKC'))})`
      throw new DnsNameError(
        'bad_character',
        `'${input}' contains ${JSON.stringify(bad)}${seen}; a label may hold letters, digits, '-' and '_'`,
      )
    }
  }
  return labels.map((label) => toALabel(label, input)).join('.')
}

/** The first character of a label that no label may hold, before or after NFKC mapping. */
function forbiddenCharacter(label: string): string | undefined {
  for (const ch of label) {
    if (/[\p{White_Space}\p{Cc}\p{Cs}]/u.test(ch)) return ch
    for (const mapped of ch.normalize('NFKC')) {
      if (mapped <= '\x7f' && !LABEL_CHAR.test(mapped)) return ch
    }
  }
  return undefined
}

function toALabel(label: string, input: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the point is to find non-ASCII
  if (!/[^\x00-\x7f]/.test(label)) return label
  let host: string
  try {
    // The WHATWG URL parser applies UTS #46 / IDNA to the host: the same mapping browsers use.
    host = new URL(`http://${label}.a/`).hostname
  } catch {
    host = ''
  }
  const converted = host.endsWith('.a') ? host.slice(0, -2) : ''
  if (converted === '' || converted.includes('.')) {
    throw new DnsNameError(
      'bad_character',
      `'${input}' has the label '${label}', which is not a valid internationalised label`,
    )
  }
  return converted
}

/**
 * True when the text is an IPv4 address in dotted-quad form or an IPv6 address (RFC 4291 §2.2)
 * without a zone index. ipaddr.isValid also takes inet_aton's short, octal and hex forms (`127.1`,
 * `010.0.0.1`, `0x7f.1`): read by a resolver library they name other hosts than they seem to
 * (RFC 6943 §3.1.1), and a zone index (`fe80::1%eth0`) means nothing to the DNS.
 */
export function isIpAddress(text: string): boolean {
  const t = text.trim()
  return ipaddr.IPv4.isValidFourPartDecimal(t) || (ipaddr.IPv6.isValid(t) && !t.includes('%'))
}

/**
 * The reverse-lookup name of an address: `in-addr.arpa` (RFC 1035 §3.5) for IPv4, nibbles
 * under `ip6.arpa` (RFC 3596 §2.5) for IPv6.
 *
 * @example reverseName('192.0.2.10') // '10.2.0.192.in-addr.arpa'
 */
export function reverseName(address: string): string {
  const text = address.trim()
  if (!isIpAddress(text)) throw new DnsNameError('not_an_ip', `'${address}' is not an IP address`)
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
