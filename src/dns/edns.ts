import type * as dnsPacket from 'dns-packet'

/**
 * What a reply's OPT pseudo-record says (RFC 6891): the responder's EDNS version and UDP size,
 * the DO bit, and its Extended DNS Errors (RFC 8914), which say why a SERVFAIL or a blocked
 * answer happened ("DNSSEC Bogus", "Prohibited"...). dig shows them in its OPT PSEUDOSECTION.
 */
export type Edns = {
  version: number
  udpSize: number
  do: boolean
  ede: { code: number; purpose: string; text?: string }[]
}

/** RFC 8914 §5.2's registry, as dig names the codes. */
const EDE_PURPOSES = [
  'Other',
  'Unsupported DNSKEY Algorithm',
  'Unsupported DS Digest Type',
  'Stale Answer',
  'Forged Answer',
  'DNSSEC Indeterminate',
  'DNSSEC Bogus',
  'Signature Expired',
  'Signature Not Yet Valid',
  'DNSKEY Missing',
  'RRSIGs Missing',
  'No Zone Key Bit Set',
  'NSEC Missing',
  'Cached Error',
  'Not Ready',
  'Blocked',
  'Censored',
  'Filtered',
  'Prohibited',
  'Stale NXDOMAIN Answer',
  'Not Authoritative',
  'Not Supported',
  'No Reachable Authority',
  'Network Error',
  'Invalid Data',
]

const EDE_OPTION = 15

/** The OPT record of a reply's additional section, read; undefined when the reply has none. */
export function ednsOf(additionals: readonly dnsPacket.Answer[]): Edns | undefined {
  const opt = additionals.find((a): a is dnsPacket.OptAnswer => a.type === 'OPT')
  if (!opt) return undefined
  const ede: Edns['ede'] = []
  for (const o of opt.options ?? []) {
    const data = (o as { data?: Uint8Array }).data
    if ((o.code as number) !== EDE_OPTION || !data || data.length < 2) continue
    const code = (data[0] ?? 0) * 256 + (data[1] ?? 0)
    // EXTRA-TEXT is UTF-8 for people (RFC 8914 §2): control characters would break the lines.
    const text = Array.from(new TextDecoder().decode(data.subarray(2)))
      .filter((ch) => ch >= ' ' && ch !== '\x7f')
      .join('')
    ede.push({
      code,
      purpose: EDE_PURPOSES[code] ?? 'Unknown',
      ...(text !== '' ? { text: text.slice(0, 200) } : {}),
    })
  }
  const o = opt as dnsPacket.OptAnswer & { ednsVersion?: number; flag_do?: boolean }
  return {
    version: o.ednsVersion ?? 0,
    udpSize: o.udpPayloadSize ?? 512,
    do: o.flag_do === true,
    ede,
  }
}

/** dig's OPT PSEUDOSECTION lines (BIND 9.18): the EDNS line, then one line per EDE. */
export function ednsLines(edns: Edns): string[] {
  const lines = [
    `; EDNS: version: ${edns.version}, flags:${edns.do ? ' do' : ''}; udp: ${edns.udpSize}`,
  ]
  for (const e of edns.ede)
    lines.push(`; EDE: ${e.code} (${e.purpose})${e.text !== undefined ? `: (${e.text})` : ''}`)
  return lines
}
