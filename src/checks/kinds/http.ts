import type { ProbeKind } from './kind'

/** SmokePing's Curl: request timing with an expected status and an optional keyword. */
export const httpKind: ProbeKind = {
  name: 'http',
  smokepingModules: ['Curl', 'AnotherCurl', 'EchoPingHttp', 'EchoPingHttps'],
  defaultTimeout: 10,
  vars: ['urlformat', 'expect', 'status'],
  hostForm: 'address',
  prepare(target) {
    // Curl's default urlformat.
    const format = target.url ?? 'http://%host%/'
    const host =
      target.host.includes(':') && !target.host.startsWith('[') ? `[${target.host}]` : target.host
    target.url = format.replaceAll('%host%', host)
    let url: URL
    try {
      url = new URL(target.url)
    } catch {
      return `urlformat '${format}' does not give a URL`
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      return `urlformat must be an http(s) URL, not ${url.protocol}`
    if (target.status !== undefined && parseStatusRanges(target.status) === null)
      return `status '${target.status}' is not a list of codes or ranges like 200-299,301`
    return null
  },
  contactHost: (t) => new URL(t.url ?? '').hostname,
  describe: (t) => `${t.pings} HTTP GETs of ${t.url ?? ''}`,
  async probe(target, ports, signal) {
    if (!ports.http) return { ok: false, reason: 'no HTTP port' }
    const host = new URL(target.url ?? '').hostname
    const refused = ports.refuseHost(host)
    if (refused) return { ok: false, reason: refused }
    const r = await ports.http(target.url ?? '', {
      signal,
      ...(target.expect ? { keyword: target.expect } : {}),
    })
    if (!r.ok) return r
    const ranges = parseStatusRanges(target.status ?? '200-399') ?? []
    if (!ranges.some(([lo, hi]) => r.status >= lo && r.status <= hi))
      return { ok: false, reason: `HTTP ${r.status}` }
    if (target.expect && !r.keywordFound) return { ok: false, reason: 'keyword missing' }
    return { ok: true, ms: r.ms }
  },
}

/** `200-299,301` → [[200,299],[301,301]]; null when malformed. */
export function parseStatusRanges(text: string): [number, number][] | null {
  const out: [number, number][] = []
  for (const part of text.split(',')) {
    const m = /^\s*(\d{3})(?:\s*-\s*(\d{3}))?\s*$/.exec(part)
    if (!m) return null
    const lo = Number(m[1])
    const hi = Number(m[2] ?? m[1])
    if (lo < 100 || hi > 599 || hi < lo) return null
    out.push([lo, hi])
  }
  return out
}
