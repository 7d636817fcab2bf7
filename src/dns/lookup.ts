import { DnsNameError } from './errors'
import { isIpAddress, normalizeName, reverseName } from './name'
import type { RecordType } from './record-types'
import type { DnsResult, Resolve } from './resolve'

export type LookupResult = {
  /** The name as asked (an IP address stays an address). */
  name: string
  results: DnsResult[]
}

/**
 * Looks up one name for several types, one query per type, in parallel (a handful at most, well
 * under the 6-connection limit). An IP address is looked up by its reverse name, and only for
 * PTR: `lookup('192.0.2.10', ['PTR'])` asks `10.2.0.192.in-addr.arpa PTR`.
 */
export async function lookup(
  input: string,
  types: RecordType[],
  resolve: Resolve,
): Promise<LookupResult> {
  const name = input.trim()
  if (isIpAddress(name)) {
    const other = types.filter((t) => t !== 'PTR')
    if (other.length > 0) {
      throw new DnsNameError(
        'bad_character',
        `'${name}' is an IP address: ask type=PTR for its reverse name (not ${other.join(', ')})`,
      )
    }
    return { name, results: [await resolve(reverseName(name), 'PTR')] }
  }
  const qname = normalizeName(name)
  return { name: qname, results: await Promise.all(types.map((t) => resolve(qname, t))) }
}
