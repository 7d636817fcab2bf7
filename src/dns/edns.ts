import type * as dnsPacket from 'dns-packet'
import { malformedReply } from './errors'

/**
 * What a reply's OPT pseudo-record says (RFC 6891): the responder's EDNS version and UDP size,
 * the DO bit, and its Extended DNS Errors (RFC 8914), which say why a SERVFAIL or a blocked
 * answer happened ("DNSSEC Bogus", "Prohibited"...). dig shows them in its OPT PSEUDOSECTION.
 */
export type Edns = {
  version: number
  udpSize: number
  do: boolean
  /** `purpose` is absent for a code RFC 8914's registry (as dig knows it) does not name. */
  ede: { code: number; purpose?: string; text?: string }[]
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

/**
 * The OPT record of a reply, read; undefined when the reply has none. A reply with more than one
 * OPT, or one outside the additional section (RFC 6891 §6.1.1), or an Extended DNS Error too
 * short for its INFO-CODE (RFC 8914 §2) is malformed: which of two OPTs would be the real one?
 */
export function ednsOf(sections: {
  answers?: readonly dnsPacket.Answer[] | undefined
  authorities?: readonly dnsPacket.Answer[] | undefined
  additionals?: readonly dnsPacket.Answer[] | undefined
}): Edns | undefined {
  const isOpt = (a: dnsPacket.Answer): a is dnsPacket.OptAnswer => a.type === 'OPT'
  if ([...(sections.answers ?? []), ...(sections.authorities ?? [])].some(isOpt)) {
    throw malformedReply('an OPT record outside the additional section, RFC 6891 §6.1.1')
  }
  const opts = (sections.additionals ?? []).filter(isOpt)
  if (opts.length > 1)
    throw malformedReply(`${opts.length} OPT records; RFC 6891 §6.1.1 allows one`)
  const opt = opts[0]
  if (!opt) return undefined
  const ede: Edns['ede'] = []
  for (const o of opt.options ?? []) {
    const data = (o as { data?: Uint8Array }).data ?? new Uint8Array(0)
    if ((o.code as number) !== EDE_OPTION) continue
    if (data.length < 2) {
      throw malformedReply(
        `an Extended DNS Error option of ${data.length} byte(s); its INFO-CODE alone is 2, RFC 8914 §2`,
      )
    }
    const code = (data[0] ?? 0) * 256 + (data[1] ?? 0)
    const text = printable(new TextDecoder().decode(data.subarray(2)))
    const purpose = EDE_PURPOSES[code]
    ede.push({
      code,
      ...(purpose !== undefined ? { purpose } : {}),
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

/**
 * EXTRA-TEXT is UTF-8 for people (RFC 8914 §2): C0 and C1 controls (NEL, U+0085, among them) and
 * the Unicode line and paragraph separators would break the dig lines, so they are dropped.
 */
function printable(text: string): string {
  return Array.from(text)
    .filter((ch) => {
      const c = ch.codePointAt(0) ?? 0
      return c >= 0x20 && !(c >= 0x7f && c <= 0x9f) && c !== 0x2028 && c !== 0x2029
    })
    .join('')
}

/** dig's OPT PSEUDOSECTION lines (BIND 9.18): the EDNS line, then one line per EDE. */
export function ednsLines(edns: Edns): string[] {
  const lines = [
    `; EDNS: version: ${edns.version}, flags:${edns.do ? ' do' : ''}; udp: ${edns.udpSize}`,
  ]
  // BIND names only the codes it knows: `; EDE: 99` for another, with no "(purpose)".
  for (const e of edns.ede) {
    const purpose = e.purpose !== undefined ? ` (${e.purpose})` : ''
    lines.push(`; EDE: ${e.code}${purpose}${e.text !== undefined ? `: (${e.text})` : ''}`)
  }
  return lines
}
