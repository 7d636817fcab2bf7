/**
 * Scalars of the flow-nfilter language: numbers read like strtoul(3) with base 0, IPv4 addresses
 * read like flow-tools' scan_ip(), clock times and free-form dates. Each returns undefined on bad
 * input; the caller turns that into an error with a position.
 */

/**
 * strtoul(s, 0): `0x16` = 22, `022` = 18 (octal, quirk 4 reproduced), `22` = 22. Unlike
 * flow-nfilter, trailing garbage (`1k`, read as 1 by flow-tools) is rejected: a deliberate
 * deviation, so a typo never silently changes a filter.
 */
export function parseUnsigned(text: string): number | undefined {
  let n: number
  if (/^0x[0-9a-f]+$/i.test(text)) n = Number.parseInt(text.slice(2), 16)
  else if (/^0[0-7]*$/.test(text)) n = text.length > 1 ? Number.parseInt(text.slice(1), 8) : 0
  else if (/^[1-9][0-9]*$/.test(text)) n = Number(text)
  else return undefined
  return Number.isSafeInteger(n) ? n : undefined
}

/**
 * scan_ip(): dotted quad with missing octets zero-filled on the right (`10.1` = 10.1.0.0,
 * quirk 5). flow-tools takes each octet `& 0xff` and resolves anything with a letter through
 * DNS (quirk 6); we reject both instead (no DNS in a filter, no silent wrap).
 */
export function parseIpv4(text: string): number | undefined {
  const parts = text.split('.')
  if (parts.length < 1 || parts.length > 4) return undefined
  let n = 0
  for (let i = 0; i < 4; i++) {
    const p = parts[i]
    let v = 0
    if (p !== undefined) {
      if (!/^[0-9]{1,3}$/.test(p)) return undefined
      v = Number(p)
      if (v > 255) return undefined
    }
    n = n * 256 + v
  }
  return n
}

export function formatIpv4(n: number): string {
  return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`
}

/** The netmask of a prefix length as uint32 (len 0 → 0). */
export function prefixMask(len: number): number {
  return len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0
}

/**
 * The length flow-tools gives a prefix written without `/len`: classful when the host part is
 * zero (A /8, B /16, C /24, D and E /28 — sic, flow-tools' own table), else a host route /32.
 */
export function classfulLength(addr: number): number {
  const first = addr >>> 24
  const len = first < 128 ? 8 : first < 192 ? 16 : first < 224 ? 24 : 28
  return (addr & ~prefixMask(len)) === 0 ? len : 32
}

/** `H[:M[:S]]` → seconds since midnight. */
export function parseClock(text: string): number | undefined {
  const m = /^([0-9]{1,2})(?::([0-9]{1,2}))?(?::([0-9]{1,2}))?$/.exec(text)
  if (!m) return undefined
  const h = Number(m[1])
  const min = Number(m[2] ?? 0)
  const s = Number(m[3] ?? 0)
  if (h > 23 || min > 59 || s > 60) return undefined
  return h * 3600 + min * 60 + s
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec']
const WEEKDAYS = /^(mon|tue|wed|thu|fri|sat|sun)[a-z]*,?$/i

/**
 * A free-form date as flow-nfilter's getdate() reads it, for the forms people write: `November 9,
 * 2010 00:00:00`, `9 Nov 2010`, `2010-11-09 00:00`, `2010-11-09T00:00:00Z`, `11/09/2010 10:00:07`,
 * `@1289260800`; an optional leading weekday and a trailing `UTC`, `GMT`, `Z` or `±HHMM`. Times are
 * UTC unless a zone is given (a Worker has no local zone). Relative dates (`yesterday`) are
 * refused: a saved filter must not change meaning with the clock. Returns unix seconds.
 */
export function parseDate(text: string): number | undefined {
  const at = /^@(-?[0-9]+)$/.exec(text.trim())
  if (at) return Number(at[1])
  let words = text
    .trim()
    .replace(/T(?=[0-9]{2}:)/, ' ')
    .split(/\s+/)
  if (words[0] && WEEKDAYS.test(words[0])) words = words.slice(1)
  let offset = 0
  const last = words[words.length - 1]
  if (last !== undefined) {
    const zone = /^(?:(utc|gmt|z)|([+-])([0-9]{2}):?([0-9]{2}))$/i.exec(last)
    const zulu = /^(.*[0-9])z$/i.exec(last)
    if (zone) {
      words = words.slice(0, -1)
      if (zone[2]) offset = (zone[2] === '-' ? -1 : 1) * (Number(zone[3]) * 60 + Number(zone[4]))
    } else if (zulu?.[1]) {
      words[words.length - 1] = zulu[1]
    }
  }
  let y: number | undefined
  let mo: number | undefined
  let d: number | undefined
  let clock = 0
  const rest: string[] = []
  for (const raw of words) {
    const w = raw.replace(/,$/, '')
    const iso = /^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})$/.exec(w)
    const us = /^([0-9]{1,2})\/([0-9]{1,2})\/([0-9]{2}|[0-9]{4})$/.exec(w)
    const month = MONTHS.indexOf(w.slice(0, 3).toLowerCase())
    if (iso) [y, mo, d] = [Number(iso[1]), Number(iso[2]), Number(iso[3])]
    else if (us) {
      const yy = Number(us[3])
      ;[mo, d, y] = [
        Number(us[1]),
        Number(us[2]),
        yy < 100 ? (yy < 69 ? 2000 + yy : 1900 + yy) : yy,
      ]
    } else if (/^[a-z]+\.?$/i.test(w) && month >= 0) mo = month + 1
    else if (w.includes(':')) {
      const c = parseClock(w)
      if (c === undefined) return undefined
      clock = c
    } else if (/^[0-9]+$/.test(w)) rest.push(w)
    else return undefined
  }
  for (const n of rest) {
    const v = Number(n)
    if (d === undefined && v >= 1 && v <= 31 && n.length <= 2) d = v
    else if (y === undefined && n.length === 4) y = v
    else return undefined
  }
  if (y === undefined || mo === undefined || d === undefined) return undefined
  if (mo < 1 || mo > 12 || d < 1 || d > 31) return undefined
  const ms = Date.UTC(y, mo - 1, d)
  if (new Date(ms).getUTCDate() !== d) return undefined
  return ms / 1000 + clock - offset * 60
}
