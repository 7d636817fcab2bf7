/**
 * Flows, octets and packets per 64-bit key (two uint32 halves: an address, a port, or an address
 * pair), in an open-addressing hash table over typed arrays. A Map with a string or heap-number
 * key per flow cost about 6 µs a flow on a million distinct addresses; this costs a fraction of
 * that and makes no garbage. Each key remembers when it was first inserted, so rankings can break
 * ties in first-seen order as the Map-based tables did.
 */
export class CountTable {
  size = 0
  private cap: number
  private mask: number
  private seqNext = 1
  hi: Uint32Array
  lo: Uint32Array
  /** Insertion order + 1; 0 marks an empty slot. */
  seq: Float64Array
  /** flows, octets, packets of slot i at 3i, 3i+1, 3i+2. */
  counts: Float64Array

  constructor(capacity = 1024) {
    this.cap = 1 << Math.ceil(Math.log2(Math.max(16, capacity)))
    this.mask = this.cap - 1
    this.hi = new Uint32Array(this.cap)
    this.lo = new Uint32Array(this.cap)
    this.seq = new Float64Array(this.cap)
    this.counts = new Float64Array(this.cap * 3)
  }

  /** The slot of (hi, lo), or -1. */
  find(hi: number, lo: number): number {
    let i = slotOf(hi, lo) & this.mask
    for (;;) {
      if (this.seq[i] === 0) return -1
      if (this.lo[i] === lo && this.hi[i] === hi) return i
      i = (i + 1) & this.mask
    }
  }

  /** Adds to an existing key; false when the key is not in the table. */
  bump(hi: number, lo: number, f: number, o: number, p: number): boolean {
    const i = this.find(hi, lo)
    if (i < 0) return false
    const c = this.counts
    c[i * 3] = (c[i * 3] as number) + f
    c[i * 3 + 1] = (c[i * 3 + 1] as number) + o
    c[i * 3 + 2] = (c[i * 3 + 2] as number) + p
    return true
  }

  /** Inserts a key that is not in the table (callers check with bump or find first). */
  insert(hi: number, lo: number, f: number, o: number, p: number, seq = this.seqNext++): void {
    if ((this.size + 1) * 2 > this.cap) this.grow()
    let i = slotOf(hi, lo) & this.mask
    while (this.seq[i] !== 0) i = (i + 1) & this.mask
    this.hi[i] = hi
    this.lo[i] = lo
    this.seq[i] = seq
    this.counts[i * 3] = f
    this.counts[i * 3 + 1] = o
    this.counts[i * 3 + 2] = p
    this.size++
    if (seq >= this.seqNext) this.seqNext = seq + 1
  }

  /** The occupied slots, in first-seen order. */
  slots(): number[] {
    const out: number[] = []
    for (let i = 0; i < this.cap; i++) if (this.seq[i] !== 0) out.push(i)
    return out.sort((a, b) => (this.seq[a] as number) - (this.seq[b] as number))
  }

  /**
   * Keeps the keys whose `metric` (0 flows, 1 octets, 2 packets) is above `cut`; returns the
   * largest value dropped (0 when none).
   */
  keepAbove(metric: number, cut: number): number {
    const old = { hi: this.hi, lo: this.lo, seq: this.seq, counts: this.counts, cap: this.cap }
    this.hi = new Uint32Array(this.cap)
    this.lo = new Uint32Array(this.cap)
    this.seq = new Float64Array(this.cap)
    this.counts = new Float64Array(this.cap * 3)
    this.size = 0
    let dropped = 0
    for (let i = 0; i < old.cap; i++) {
      const s = old.seq[i] as number
      if (s === 0) continue
      const v = old.counts[i * 3 + metric] as number
      if (v <= cut) {
        if (v > dropped) dropped = v
        continue
      }
      const c = old.counts
      this.insert(
        old.hi[i] as number,
        old.lo[i] as number,
        c[i * 3] as number,
        c[i * 3 + 1] as number,
        c[i * 3 + 2] as number,
        s,
      )
    }
    return dropped
  }

  /**
   * The metric value ranked `rank` (0 = largest) among the keys, or undefined past the end.
   * A selection, not a sort: pruning asks for it each time a table fills.
   */
  valueRanked(metric: number, rank: number): number | undefined {
    if (rank < 0 || rank >= this.size) return undefined
    const v = new Float64Array(this.size)
    let n = 0
    for (let i = 0; i < this.cap; i++) {
      if (this.seq[i] !== 0) v[n++] = this.counts[i * 3 + metric] as number
    }
    return select(v, this.size - 1 - rank)
  }

  private grow(): void {
    const old = { hi: this.hi, lo: this.lo, seq: this.seq, counts: this.counts, cap: this.cap }
    this.cap *= 2
    this.mask = this.cap - 1
    this.hi = new Uint32Array(this.cap)
    this.lo = new Uint32Array(this.cap)
    this.seq = new Float64Array(this.cap)
    this.counts = new Float64Array(this.cap * 3)
    this.size = 0
    for (let i = 0; i < old.cap; i++) {
      const s = old.seq[i] as number
      if (s === 0) continue
      const c = old.counts
      this.insert(
        old.hi[i] as number,
        old.lo[i] as number,
        c[i * 3] as number,
        c[i * 3 + 1] as number,
        c[i * 3 + 2] as number,
        s,
      )
    }
  }
}

/** A 32-bit mix of the two halves (murmur3's finalizer), so nearby addresses spread out. */
function slotOf(hi: number, lo: number): number {
  let h = Math.imul(lo ^ Math.imul(hi, 0x9e3779b1), 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  return (h ^ (h >>> 16)) >>> 0
}

/** The k-th smallest value of v (Hoare's quickselect; reorders v). */
function select(v: Float64Array, k: number): number {
  let lo = 0
  let hi = v.length - 1
  while (hi > lo) {
    const pivot = v[(lo + hi) >>> 1] as number
    let i = lo
    let j = hi
    while (i <= j) {
      while ((v[i] as number) < pivot) i++
      while ((v[j] as number) > pivot) j--
      if (i <= j) {
        const t = v[i] as number
        v[i] = v[j] as number
        v[j] = t
        i++
        j--
      }
    }
    if (k <= j) hi = j
    else if (k >= i) lo = i
    else break
  }
  return v[k] as number
}
