// Octet strings, precomputed: formatting addresses is the hot path of flow-print.
const OCTET = Array.from({ length: 256 }, (_, k) => String(k))

/** Dotted quad of a host-order IPv4 integer (10.0.0.1 = 0x0a000001). */
export function formatIpv4(a: number): string {
  return `${OCTET[a >>> 24]}.${OCTET[(a >>> 16) & 255]}.${OCTET[(a >>> 8) & 255]}.${OCTET[a & 255]}`
}

/** Dotted quad to a host-order integer, or undefined when `text` is not exactly four octets. */
export function parseIpv4(text: string): number | undefined {
  const parts = text.split('.')
  if (parts.length !== 4) return undefined
  let n = 0
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p)) return undefined
    const v = Number(p)
    if (v > 255) return undefined
    n = n * 256 + v
  }
  return n >>> 0
}
