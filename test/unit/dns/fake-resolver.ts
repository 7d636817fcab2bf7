import { Buffer } from 'node:buffer'
import * as dnsPacket from 'dns-packet'
import type { SendQuery } from '../../../src/dns/resolve'

type Zone = Record<string, dnsPacket.Answer[]>

/**
 * A fake DoH server for unit tests: answers each query from a small in-memory zone, chasing
 * CNAMEs like a recursive resolver; unknown names get NXDOMAIN with an SOA.
 */
export function fakeSender(zone: Zone, onQuery?: (q: dnsPacket.DecodedPacket) => void): SendQuery {
  return async (query) => {
    const q = dnsPacket.decode(Buffer.from(query))
    onQuery?.(q)
    const question = q.questions?.[0]
    if (!question) throw new Error('no question')
    const answers: dnsPacket.Answer[] = []
    let name = question.name.toLowerCase()
    let exists = false
    let found = false
    for (let hops = 0; hops < 8; hops++) {
      const records = zone[name] ?? []
      if (records.length > 0) exists = true
      const cname = records.find((r) => r.type === 'CNAME')
      if (cname && question.type !== 'CNAME') {
        answers.push(cname)
        name = String((cname as { data: unknown }).data).toLowerCase()
        // A CNAME target that is not in the zone does not exist (NXDOMAIN after the chain).
        exists = false
        continue
      }
      const matching = records.filter((r) => r.type === question.type)
      found = matching.length > 0
      answers.push(...matching)
      break
    }
    // A negative answer (also one after CNAMEs) carries the SOA of the zone that holds the last
    // name, as a real server does (RFC 2308 §2.1-2.2): the closest enclosing name with an SOA in
    // the fake zone, else the catch-all `test` SOA.
    const reply = dnsPacket.encode({
      type: 'response',
      id: q.id ?? 0,
      flags: dnsPacket.RECURSION_DESIRED | dnsPacket.RECURSION_AVAILABLE | (exists ? 0 : 3),
      questions: [question],
      answers,
      authorities: found ? [] : [enclosingSoa(zone, name)],
    })
    return new Uint8Array(reply)
  }
}

function enclosingSoa(zone: Zone, name: string): dnsPacket.Answer {
  const labels = name.split('.')
  for (let i = 0; i < labels.length; i++) {
    const own = zone[labels.slice(i).join('.')]?.find((r) => r.type === 'SOA')
    if (own) return own
  }
  return soa()
}

/** The test zone's SOA (what a negative answer carries), with its TTL. */
export function soa(ttl = 900): dnsPacket.Answer {
  return {
    type: 'SOA',
    name: 'test',
    ttl,
    class: 'IN',
    data: {
      mname: 'ns.test',
      rname: 'hostmaster.test',
      serial: 1,
      refresh: 1,
      retry: 1,
      expire: 1,
      minimum: 60,
    },
  }
}

export function rr(name: string, type: string, data: unknown, ttl = 300): dnsPacket.Answer {
  return { name, type, data, ttl, class: 'IN' } as dnsPacket.Answer
}
