/**
 * Flows, octets and packets per 64-bit key (two uint32 halves: an address, a port, or an address
 * pair), in an open-addressing hash table over typed arrays. A Map with a string or heap-number
 * key per flow cost about 6 µs a flow on a million distinct addresses; this costs a fraction of
 * that and makes no garbage. A slot is three uint32s side by side, probed alone (five slots a
 * cache line): insertion order + 1 (0 = empty), the key's two halves; its flows, octets and
 * packets sit in a parallel Float64Array, read once the key is found. The insertion order lets
 * rankings break ties in first-seen order as the Map-based tables did.
 */
const META = 3
const SEQ = 0
const HI = 1
const LO = 2

/** Flows, octets and packets per key: what the top-N tables need of a table. */
export interface KeyCounts {
  readonly size: number
  find(hi: number, lo: number): number
  bump(hi: number, lo: number, f: number, o: number, p: number): boolean
  insert(hi: number, lo: number, f: number, o: number, p: number, seq?: number): void
  keyHi(i: number): number
  keyLo(i: number): number
  count(i: number, metric: number): number
  slots(): number[]
  keepAbove(metric: number, cut: number): number
  valueRanked(metric: number, rank: number): number | undefined
}

export class CountTable implements KeyCounts {
  size = 0
  private cap: number
  private mask: number
  private seqNext = 1
  private meta: Uint32Array
  private counts: Float64Array
  private scratch: { meta: Uint32Array; counts: Float64Array; v: Float64Array } | undefined

  constructor(capacity = 1024) {
    this.cap = 1 << Math.ceil(Math.log2(Math.max(16, capacity)))
    this.mask = this.cap - 1
    this.meta = new Uint32Array(this.cap * META)
    this.counts = new Float64Array(this.cap * 3)
  }

  /** The slot of (hi, lo), or -1. */
  find(hi: number, lo: number): number {
    const m = this.meta
    let i = slotOf(hi, lo) & this.mask
    for (;;) {
      const at = i * META
      if (m[at + SEQ] === 0) return -1
      if (m[at + LO] === lo && m[at + HI] === hi) return i
      i = (i + 1) & this.mask
    }
  }

  /** Adds to an existing key; false when the key is not in the table. */
  bump(hi: number, lo: number, f: number, o: number, p: number): boolean {
    const i = this.find(hi, lo)
    if (i < 0) return false
    addCounts(this.counts, i * 3, f, o, p)
    return true
  }

  /** Inserts a key that is not in the table (callers check with bump or find first). */
  insert(hi: number, lo: number, f: number, o: number, p: number, seq = this.seqNext++): void {
    if ((this.size + 1) * 2 > this.cap) this.grow()
    const m = this.meta
    let i = slotOf(hi, lo) & this.mask
    while (m[i * META + SEQ] !== 0) i = (i + 1) & this.mask
    const at = i * META
    m[at + SEQ] = seq
    m[at + HI] = hi
    m[at + LO] = lo
    const c = this.counts
    c[i * 3] = f
    c[i * 3 + 1] = o
    c[i * 3 + 2] = p
    this.size++
    if (seq >= this.seqNext) this.seqNext = seq + 1
  }

  keyHi(i: number): number {
    return this.meta[i * META + HI] as number
  }

  keyLo(i: number): number {
    return this.meta[i * META + LO] as number
  }

  /** metric 0 flows, 1 octets, 2 packets of slot i. */
  count(i: number, metric: number): number {
    return this.counts[i * 3 + metric] as number
  }

  /** The occupied slots, in first-seen order. */
  slots(): number[] {
    const m = this.meta
    const out: number[] = []
    for (let i = 0; i < this.cap; i++) if (m[i * META + SEQ] !== 0) out.push(i)
    return out.sort((a, b) => (m[a * META] as number) - (m[b * META] as number))
  }

  /**
   * Keeps the keys whose `metric` (0 flows, 1 octets, 2 packets) is above `cut`; returns the
   * largest value dropped (0 when none). Rebuilds in place through a scratch copy kept for the
   * next prune: a table pruned forty times makes no garbage.
   */
  keepAbove(metric: number, cut: number): number {
    const keep = this.scratchFor(this.size)
    const m = this.meta
    const c = this.counts
    const km = keep.meta
    const kc = keep.counts
    let kept = 0
    let dropped = 0
    for (let i = 0; i < this.cap; i++) {
      const at = i * META
      if (m[at + SEQ] === 0) continue
      const v = c[i * 3 + metric] as number
      if (v <= cut) {
        if (v > dropped) dropped = v
        continue
      }
      // Element by element: two subarrays per kept key were most of a prune's cost.
      const to = kept * META
      km[to + SEQ] = m[at + SEQ] as number
      km[to + HI] = m[at + HI] as number
      km[to + LO] = m[at + LO] as number
      kc[kept * 3] = c[i * 3] as number
      kc[kept * 3 + 1] = c[i * 3 + 1] as number
      kc[kept * 3 + 2] = c[i * 3 + 2] as number
      kept++
    }
    // Only the slot markers need clearing: counts are written whole when a slot is taken.
    m.fill(0)
    this.size = 0
    for (let k = 0; k < kept; k++) this.reinsert(keep.meta, keep.counts, k)
    return dropped
  }

  /**
   * The metric value ranked `rank` (0 = largest) among the keys, or undefined past the end.
   * A selection, not a sort: pruning asks for it each time a table fills.
   */
  valueRanked(metric: number, rank: number): number | undefined {
    if (rank < 0 || rank >= this.size) return undefined
    const v = this.scratchFor(this.size).v.subarray(0, this.size)
    const m = this.meta
    const c = this.counts
    let n = 0
    for (let i = 0; i < this.cap; i++) {
      if (m[i * META + SEQ] !== 0) v[n++] = c[i * 3 + metric] as number
    }
    return select(v, this.size - 1 - rank)
  }

  private scratchFor(n: number): { meta: Uint32Array; counts: Float64Array; v: Float64Array } {
    if (!this.scratch || this.scratch.v.length < n) {
      this.scratch = {
        meta: new Uint32Array(n * META),
        counts: new Float64Array(n * 3),
        v: new Float64Array(n),
      }
    }
    return this.scratch
  }

  private grow(): void {
    const oldMeta = this.meta
    const oldCounts = this.counts
    const oldCap = this.cap
    this.cap *= 2
    this.mask = this.cap - 1
    this.meta = new Uint32Array(this.cap * META)
    this.counts = new Float64Array(this.cap * 3)
    this.size = 0
    for (let i = 0; i < oldCap; i++) {
      if (oldMeta[i * META + SEQ] !== 0) this.reinsert(oldMeta, oldCounts, i)
    }
  }

  /** Puts back slot k of other arrays, first-seen order kept. */
  private reinsert(meta: Uint32Array, counts: Float64Array, k: number): void {
    this.insert(
      meta[k * META + HI] as number,
      meta[k * META + LO] as number,
      counts[k * 3] as number,
      counts[k * 3 + 1] as number,
      counts[k * 3 + 2] as number,
      meta[k * META + SEQ] as number,
    )
  }
}

/**
 * KeyCounts for keys below 65,536 (ports, protocols; `hi` 0): the key is the slot. No hashing,
 * no probing, and a prune clears slots in place instead of rebuilding the table: on 1 M flows
 * with 60,000 distinct ports the port tables were a third of the report's time as hash tables.
 * Same answers as CountTable, first-seen order included.
 */
export class DirectCountTable implements KeyCounts {
  size = 0
  private seqNext = 1
  /** Insertion order + 1 per key (0 = absent). */
  private readonly seq = new Float64Array(DIRECT_KEYS)
  /** flows, octets, packets per key. */
  private readonly counts = new Float64Array(DIRECT_KEYS * 3)
  private scratch: Float64Array | undefined

  find(hi: number, lo: number): number {
    return hi === 0 && lo >= 0 && lo < DIRECT_KEYS && this.seq[lo] !== 0 ? lo : -1
  }

  bump(hi: number, lo: number, f: number, o: number, p: number): boolean {
    if (this.find(hi, lo) < 0) return false
    addCounts(this.counts, lo * 3, f, o, p)
    return true
  }

  insert(hi: number, lo: number, f: number, o: number, p: number, seq = this.seqNext++): void {
    if (hi !== 0 || !Number.isInteger(lo) || lo < 0 || lo >= DIRECT_KEYS) {
      throw new RangeError(`key ${hi}:${lo} is not below ${DIRECT_KEYS}`)
    }
    this.seq[lo] = seq
    const c = this.counts
    c[lo * 3] = f
    c[lo * 3 + 1] = o
    c[lo * 3 + 2] = p
    this.size++
    if (seq >= this.seqNext) this.seqNext = seq + 1
  }

  keyHi(): number {
    return 0
  }

  keyLo(i: number): number {
    return i
  }

  count(i: number, metric: number): number {
    return this.counts[i * 3 + metric] as number
  }

  slots(): number[] {
    const seq = this.seq
    const out: number[] = []
    for (let i = 0; i < DIRECT_KEYS; i++) if (seq[i] !== 0) out.push(i)
    return out.sort((a, b) => (seq[a] as number) - (seq[b] as number))
  }

  keepAbove(metric: number, cut: number): number {
    const seq = this.seq
    const c = this.counts
    let dropped = 0
    for (let i = 0; i < DIRECT_KEYS; i++) {
      if (seq[i] === 0) continue
      const v = c[i * 3 + metric] as number
      if (v > cut) continue
      if (v > dropped) dropped = v
      seq[i] = 0
      c.fill(0, i * 3, i * 3 + 3)
      this.size--
    }
    return dropped
  }

  valueRanked(metric: number, rank: number): number | undefined {
    if (rank < 0 || rank >= this.size) return undefined
    this.scratch ??= new Float64Array(DIRECT_KEYS)
    const v = this.scratch.subarray(0, this.size)
    let n = 0
    for (let i = 0; i < DIRECT_KEYS; i++)
      if (this.seq[i] !== 0) v[n++] = this.counts[i * 3 + metric] as number
    return select(v, this.size - 1 - rank)
  }
}

const DIRECT_KEYS = 65536

/** Adds one flow's (or entry's) flows, octets and packets to the counts at `at`. */
function addCounts(c: Float64Array, at: number, f: number, o: number, p: number): void {
  c[at] = (c[at] as number) + f
  c[at + 1] = (c[at + 1] as number) + o
  c[at + 2] = (c[at + 2] as number) + p
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
