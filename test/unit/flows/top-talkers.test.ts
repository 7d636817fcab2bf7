// The typed-array top-talkers tables against the Map-based oracle they replaced: same counts,
// ranking, first-seen ties, pruning and bounds, on random traffic with and without overflow.
import { describe, expect, it } from 'vitest'
import { createFlowBatch, type FlowBatch } from '../../../src/flows/flow-batch'
import { CountTable, DirectCountTable } from '../../../src/flows/report/count-table'
import {
  addTopEntry,
  addToTopTalkers,
  approximations,
  createTopTalkers,
  TOP_KEYS,
  TOP_SORTS,
  topEntries,
  topRows,
  topTalkerFields,
} from '../../../src/flows/report/top-talkers'
import { rng } from '../../support/rng'
import * as oracle from './top-talkers-map-oracle'

/** Random flows: addresses from a pool of `hosts` (some above 2^31), few ports, small counts. */
function batches(seed: number, n: number, hosts: number): FlowBatch[] {
  const r = rng(seed)
  const pool = Array.from({ length: hosts }, () => Math.floor(r() * 2 ** 32) >>> 0)
  const out: FlowBatch[] = []
  for (let done = 0; done < n; ) {
    const b = createFlowBatch(512)
    const rows = Math.min(512, n - done)
    for (let i = 0; i < rows; i++) {
      b.cols.srcaddr[i] = pool[Math.floor(r() * r() * hosts)] as number
      b.cols.dstaddr[i] = pool[Math.floor(r() * hosts)] as number
      b.cols.srcport[i] = Math.floor(r() * 40)
      b.cols.dstport[i] = [80, 443, 22, 53][Math.floor(r() * 4)] as number
      b.cols.prot[i] = [6, 17, 1][Math.floor(r() * 3)] as number
      b.cols.dflows[i] = 1 + Math.floor(r() * r() * 3)
      b.cols.dpkts[i] = 1 + Math.floor(r() * 5)
      b.cols.doctets[i] = (b.cols.dpkts[i] as number) * (40 + Math.floor(r() * 4) * 100)
    }
    b.length = rows
    out.push(b)
    done += rows
  }
  return out
}

describe('top talkers on typed-array tables', () => {
  for (const [hosts, maxKeys] of [
    [50, 50_000],
    [3000, 64],
    [3000, 500],
    [100_000, 1000],
  ] as const) {
    for (const sort of TOP_SORTS) {
      it(`ranks like the Map tables: ${hosts} hosts, at most ${maxKeys} keys, by ${sort}`, () => {
        const ours = createTopTalkers(sort, maxKeys)
        const theirs = oracle.createTopTalkers(sort, maxKeys)
        const keep = (b: FlowBatch, i: number) => (b.cols.prot[i] as number) !== 1
        for (const b of batches(hosts + maxKeys, 20_000, hosts)) {
          addToTopTalkers(ours, b, keep)
          oracle.addToTopTalkers(theirs, b, keep)
        }
        for (const k of TOP_KEYS) {
          expect(topRows(ours, k, sort, 25), k).toEqual(oracle.topRows(theirs, k, sort, 25))
          const entries = [...theirs.maps[k]].map(([key, c]) => [String(key), ...c])
          expect(topEntries(ours, k), k).toEqual(entries)
        }
        expect(approximations(ours)).toEqual(oracle.approximations(theirs))
        if (maxKeys < hosts) expect(approximations(ours).pair).toBeGreaterThan(0)
      })
    }
  }

  it('counts only the tables asked for, the same as the full count, and reads only their fields', () => {
    const all = createTopTalkers('octets', 500)
    const some = createTopTalkers('octets', 500, ['dstport', 'pair'])
    for (const b of batches(5, 20_000, 3000)) {
      addToTopTalkers(all, b, () => true)
      addToTopTalkers(some, b, () => true)
    }
    for (const k of ['dstport', 'pair'] as const)
      expect(topEntries(some, k)).toEqual(topEntries(all, k))
    for (const k of ['srcaddr', 'dstaddr', 'srcport', 'prot'] as const)
      expect(topEntries(some, k)).toEqual([])
    // The pair table overflowed in both; the tables not counted report nothing.
    expect(approximations(all).pair).toBeGreaterThan(0)
    expect(approximations(some)).toEqual({ pair: approximations(all).pair })
    expect(topTalkerFields([])).toEqual([])
    expect(topTalkerFields(['prot'])).toEqual(['dflows', 'doctets', 'dpkts', 'prot'])
    expect(topTalkerFields(['pair', 'srcaddr'])).toEqual([
      'dflows',
      'doctets',
      'dpkts',
      'srcaddr',
      'dstaddr',
    ])
  })

  it('puts entries back unchanged (the archive merge)', () => {
    const t = createTopTalkers('flows', 1000)
    for (const b of batches(7, 5000, 300)) addToTopTalkers(t, b, () => true)
    const back = createTopTalkers('flows', 1000)
    for (const k of TOP_KEYS)
      for (const [key, f, o, p] of topEntries(t, k)) addTopEntry(back, k, key, f, o, p)
    for (const k of TOP_KEYS) expect(topEntries(back, k)).toEqual(topEntries(t, k))
  })
})

describe('CountTable', () => {
  it('counts 64-bit keys through growth, and selects a ranked value', () => {
    const t = new CountTable(16)
    const r = rng(3)
    const truth = new Map<string, number>()
    for (let i = 0; i < 20_000; i++) {
      const hi = Math.floor(r() * 50) >>> 0
      const lo = (Math.floor(r() * 200) * 0x1000000) >>> 0
      if (!t.bump(hi, lo, 1, i, 0)) t.insert(hi, lo, 1, i, 0)
      truth.set(`${hi}:${lo}`, (truth.get(`${hi}:${lo}`) ?? 0) + 1)
    }
    expect(t.size).toBe(truth.size)
    for (const [key, flows] of truth) {
      const [hi, lo] = key.split(':').map(Number) as [number, number]
      expect(t.count(t.find(hi, lo), 0)).toBe(flows)
    }
    const sorted = [...truth.values()].sort((a, b) => b - a)
    for (const rank of [0, 1, 17, sorted.length - 1])
      expect(t.valueRanked(0, rank)).toBe(sorted[rank])
    expect(t.valueRanked(0, sorted.length)).toBeUndefined()
    expect(t.find(999, 1)).toBe(-1)
  })
})

describe('DirectCountTable', () => {
  it('answers like CountTable for keys below 65,536: counts, first-seen order, prunes, ranks', () => {
    const direct = new DirectCountTable()
    const hashed = new CountTable(16)
    const r = rng(8)
    for (let i = 0; i < 30_000; i++) {
      const key = Math.floor(r() * r() * 65536)
      const o = Math.floor(r() * 1500)
      for (const t of [direct, hashed]) if (!t.bump(0, key, 1, o, 2)) t.insert(0, key, 1, o, 2)
      if (i % 7000 === 6999) {
        const cut = hashed.valueRanked(1, Math.floor(hashed.size / 2)) ?? 0
        expect(direct.valueRanked(1, Math.floor(direct.size / 2))).toBe(cut)
        expect(direct.keepAbove(1, cut)).toBe(hashed.keepAbove(1, cut))
      }
    }
    expect(direct.size).toBe(hashed.size)
    const rows = (t: CountTable | DirectCountTable) =>
      t.slots().map((i) => [t.keyHi(i), t.keyLo(i), t.count(i, 0), t.count(i, 1), t.count(i, 2)])
    expect(rows(direct)).toEqual(rows(hashed))
    expect(direct.find(0, 70_000)).toBe(-1)
    expect(direct.find(1, 5)).toBe(-1)
    expect(() => direct.insert(0, 65536, 1, 1, 1)).toThrow(RangeError)
    expect(() => direct.insert(2, 80, 1, 1, 1)).toThrow(RangeError)
  })
})
