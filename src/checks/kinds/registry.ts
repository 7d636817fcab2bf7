import { dnsKind } from './dns'
import { httpKind } from './http'
import type { ProbeKind } from './kind'
import { refererKind } from './referer'
import { tcpKind } from './tcp'

/**
 * Probe kinds by name: new kinds register here. Targets select one with `probe = tcp|http|dns|
 * referer` or a SmokePing module name the kind stands in for.
 */
const kinds = new Map<string, ProbeKind>(
  [tcpKind, httpKind, dnsKind, refererKind].map((k) => [k.name, k]),
)

/** SmokePing modules that send ICMP, which a Worker cannot do. */
export const ICMP_MODULES = new Set([
  'FPing',
  'FPing6',
  'FPingContinuous',
  'RemoteFPing',
  'IOSPing',
  'TelnetIOSPing',
  'TelnetJunOSPing',
  'OpenSSHJunOSPing',
  'OpenSSHEOSPing',
  'DismanPing',
  'TraceroutePing',
])

export function registerProbeKind(kind: ProbeKind): void {
  kinds.set(kind.name, kind)
}

export function probeKind(name: string): ProbeKind | undefined {
  return kinds.get(name)
}

/** The kind that runs a kind name or SmokePing module name, if any. */
export function kindForModule(module: string): ProbeKind | undefined {
  const direct = kinds.get(module)
  if (direct) return direct
  for (const k of kinds.values()) if (k.smokepingModules.includes(module)) return k
  return undefined
}

export function probeKindNames(): string[] {
  return [...kinds.keys()]
}
