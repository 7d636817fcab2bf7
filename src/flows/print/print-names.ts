import { PORT_NAME_LINES } from './port-names'
import type { PrintNames } from './print-formats'
import { AS_NAME_LINES, PROTOCOL_NAME_LINES, TAG_NAME_LINES } from './print-symbols'

type Tables = {
  ports: (string | undefined)[]
  protocols: (string | undefined)[]
  as: (string | undefined)[]
  tags: Map<number, string>
}

let tables: Tables | undefined

/** "number name" lines → [number, name] pairs. */
function* entries(lines: string): Generator<[number, string]> {
  for (const line of lines.split('\n')) {
    const space = line.indexOf(' ')
    yield [Number(line.slice(0, space)), line.slice(space + 1)]
  }
}

function indexed(lines: string, size: number): (string | undefined)[] {
  const names: (string | undefined)[] = new Array(size).fill(undefined)
  for (const [n, name] of entries(lines)) names[n] = name
  return names
}

/**
 * flow-print -n's symbol tables: port names (port-names.ts), protocol and tag names (flow-tools'
 * ip-prot.sym and tag.sym) and AS names (as far as the fixtures show them, print-symbols.ts).
 * Built once, on first use, as arrays indexed by number: one lookup per printed column. Tags are
 * 32-bit, so they sit in a Map.
 */
export function printNames(): PrintNames {
  if (!tables) {
    tables = {
      ports: indexed(PORT_NAME_LINES, 65536),
      protocols: indexed(PROTOCOL_NAME_LINES, 256),
      as: indexed(AS_NAME_LINES, 65536),
      tags: new Map(entries(TAG_NAME_LINES)),
    }
  }
  const { ports, protocols, as, tags } = tables
  return {
    port: (n) => ports[n],
    protocol: (n) => protocols[n],
    as: (n) => as[n],
    tag: (n) => tags.get(n),
  }
}
