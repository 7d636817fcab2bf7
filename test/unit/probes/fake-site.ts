import type { ProbeOutcome, ProbeRequest } from '../../../src/probes/types'

/**
 * A pure stand-in for the fixture's Apache + ModSecurity rules (the real one runs in the
 * integration tests): 1001 case-sensitive 'porn' -> 500, 1002 (?i:fishingscum) -> 500,
 * 1003 t:lowercase 'casinospam' -> 403, 1004 t:urlDecode,t:lowercase 'pillspam' -> 403.
 */
export function modsecLikeSite(req: ProbeRequest): ProbeOutcome {
  const value = Object.entries(req.headers).find(([k]) => k.toLowerCase() === 'referer')?.[1] ?? ''
  const page = (status: number, fingerprint: string): ProbeOutcome => ({
    kind: 'response',
    status,
    elapsedMs: 1,
    fingerprint,
  })
  if (value.includes('porn') || /fishingscum/i.test(value)) return page(500, 'error-500')
  if (value.toLowerCase().includes('casinospam')) return page(403, 'error-403')
  if (safeDecode(value).toLowerCase().includes('pillspam')) return page(403, 'error-403')
  return page(200, 'ok-page')
}

function safeDecode(v: string): string {
  try {
    return decodeURIComponent(v)
  } catch {
    return v
  }
}
