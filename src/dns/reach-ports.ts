import { DnsParamError } from './errors'

/** The web reachability check connects once per address and port: a few ports at most. */
const PORTS = /^\d{1,5}(,\d{1,5}){0,3}$/

/**
 * The `ports` parameter of the readiness report: 1 to 4 comma-separated TCP ports, 1-65535.
 *
 * @example parsePorts('80,443') // [80, 443]
 * @example parsePorts('443,80,443') // [443, 80]: duplicates dropped, order kept
 */
export function parsePorts(text: string): number[] {
  if (!PORTS.test(text)) {
    throw new DnsParamError(
      'bad_ports',
      'ports',
      'ports must be 1 to 4 comma-separated port numbers, e.g. 80,443',
      'expected e.g. 80,443',
    )
  }
  const ports = text.split(',').map(Number)
  const bad = ports.find((p) => p < 1 || p > 65535)
  if (bad !== undefined) {
    throw new DnsParamError(
      'port_out_of_range',
      'ports',
      `port ${bad} is out of range 1-65535`,
      'out of range',
    )
  }
  // `80,80` would connect twice to every address and list each outcome twice: one port, once.
  return [...new Set(ports)]
}
