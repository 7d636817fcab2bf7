import { protocolName } from '../filter/symbol-names'
import { PORT_NAME_LINES } from './port-names'
import type { PrintNames } from './print-formats'

let tables: { ports: (string | undefined)[]; protocols: (string | undefined)[] } | undefined

/**
 * flow-print -n's symbol tables: port names (flow-tools' tcp-port.sym as far as known, see
 * port-names.ts) and protocol names (the ones flow-nfilter reads, from symbol-names.ts). Built
 * once, on first use, as arrays indexed by number: one lookup per printed column.
 */
export function printNames(): PrintNames {
  if (!tables) {
    const ports: (string | undefined)[] = new Array(65536).fill(undefined)
    for (const line of PORT_NAME_LINES.split('\n')) {
      const space = line.indexOf(' ')
      ports[Number(line.slice(0, space))] = line.slice(space + 1)
    }
    const protocols = Array.from({ length: 256 }, (_, n) => protocolName(n))
    tables = { ports, protocols }
  }
  const { ports, protocols } = tables
  return { port: (n) => ports[n], protocol: (n) => protocols[n] }
}
