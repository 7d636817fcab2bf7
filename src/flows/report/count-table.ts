/**
 * Flows, octets and packets per 64-bit key (two uint32 halves: an address, a port, or an address
 * pair), in an open-addressing hash table over one Float64Array. A Map with a string or
 * heap-number key per flow cost about 6 µs a flow on a million distinct addresses; this costs a
 * fraction of that and makes no garbage. A slot is six numbers side by side (one cache line
 * read per probe): insertion order + 1 (0 = empty), the key's two halves, flows, octets, packets.
 * The insertion order lets rankings break ties in first-seen order as the Map-based tables did.
 */
const STRIDE = 6
const SEQ = 0
const HI = 1
const LO = 2
const COUNTS = 3

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
  private s: Float64Array
  private scratch: { slots: Float64Array; v: Float64Array } | undefined

  constructor(capacity = 1024) {
    this.cap = 1 << Math.ceil(Math.log2(Math.max(16, capacity)))
    this.mask = this.cap - 1
    this.s = new Float64Array(this.cap * STRIDE)
  }

  /** The slot of (hi, lo), or -1. */
  find(hi: number, lo: number): number {
    const s = this.s
    let i = slotOf(hi, lo) & this.mask
    for (;;) {
      const at = i * STRIDE
      if (s[at + SEQ] === 0) return -1
      if (s[at + LO] === lo && s[at + HI] === hi) return i
      i = (i + 1) & this.mask
    }
  }

  /** Adds to an existing key; false when the key is not in the table. */
  bump(hi: number, lo: number, f: number, o: number, p: number): boolean {
    const i = this.find(hi, lo)
    if (i < 0) return false
    const s = this.s
    const at = i * STRIDE + COUNTS
    s[at] = (s[at] as number) + f
    s[at + 1] = (s[at + 1] as number) + o
    s[at + 2] = (s[at + 2] as number) + p
    return true
  }

  /** Inserts a key that is not in the table (callers check with bump or find first). */
  insert(hi: number, lo: number, f: number, o: number, p: number, seq = this.seqNext++): void {
    if ((this.size + 1) * 2 > this.cap) this.grow()
    const s = this.s
    let i = slotOf(hi, lo) & this.mask
    while (s[i * STRIDE + SEQ] !== 0) i = (i + 1) & this.mask
    const at = i * STRIDE
    s[at + SEQ] = seq
    s[at + HI] = hi
    s[at + LO] = lo
    s[at + COUNTS] = f
    s[at + COUNTS + 1] = o
    s[at + COUNTS + 2] = p
    this.size++
    if (seq >= this.seqNext) this.seqNext = seq + 1
  }

  keyHi(i: number): number {
    return this.s[i * STRIDE + HI] as number
  }

  keyLo(i: number): number {
    return this.s[i * STRIDE + LO] as number
  }

  /** metric 0 flows, 1 octets, 2 packets of slot i. */
  count(i: number, metric: number): number {
    return this.s[i * STRIDE + COUNTS + metric] as number
  }

  /** The occupied slots, in first-seen order. */
  slots(): number[] {
    const s = this.s
    const out: number[] = []
    for (let i = 0; i < this.cap; i++) if (s[i * STRIDE + SEQ] !== 0) out.push(i)
    return out.sort((a, b) => (s[a * STRIDE] as number) - (s[b * STRIDE] as number))
  }

  /**
   * Keeps the keys whose `metric` (0 flows, 1 octets, 2 packets) is above `cut`; returns the
   * largest value dropped (0 when none). Rebuilds in place through a scratch copy kept for the
   * next prune: a table pruned forty times makes no garbage.
   */
  keepAbove(metric: number, cut: number): number {
    const keep = this.scratchFor(this.size).slots
    const s = this.s
    let kept = 0
    let dropped = 0
    for (let at = 0; at < s.length; at += STRIDE) {
      if (s[at + SEQ] === 0) continue
      const v = s[at + COUNTS + metric] as number
      if (v <= cut) {
        if (v > dropped) dropped = v
        continue
      }
      keep.set(s.subarray(at, at + STRIDE), kept * STRIDE)
      kept++
    }
    s.fill(0)
    this.size = 0
    for (let k = 0; k < kept * STRIDE; k += STRIDE) this.reinsert(keep, k)
    return dropped
  }

  /**
   * The metric value ranked `rank` (0 = largest) among the keys, or undefined past the end.
   * A selection, not a sort: pruning asks for it each time a table fills.
   */
  valueRanked(metric: number, rank: number): number | undefined {
    if (rank < 0 || rank >= this.size) return undefined
    const v = this.scratchFor(this.size).v.subarray(0, this.size)
    const s = this.s
    let n = 0
    for (let at = 0; at < s.length; at += STRIDE) {
      if (s[at + SEQ] !== 0) v[n++] = s[at + COUNTS + metric] as number
    }
    return select(v, this.size - 1 - rank)
  }

  private scratchFor(n: number): { slots: Float64Array; v: Float64Array } {
    if (!this.scratch || this.scratch.v.length < n) {
      this.scratch = { slots: new Float64Array(n * STRIDE), v: new Float64Array(n) }
    }
    return this.scratch
  }

  private grow(): void {
    const old = this.s
    this.cap *= 2
    this.mask = this.cap - 1
    this.s = new Float64Array(this.cap * STRIDE)
    this.size = 0
    for (let at = 0; at < old.length; at += STRIDE) if (old[at + SEQ] !== 0) this.reinsert(old, at)
  }

  /** Puts back the slot at `at` of another slot array, first-seen order kept. */
  private reinsert(from: Float64Array, at: number): void {
    this.insert(
      from[at + HI] as number,
      from[at + LO] as number,
      from[at + COUNTS] as number,
      from[at + COUNTS + 1] as number,
      from[at + COUNTS + 2] as number,
      from[at + SEQ] as number,
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
    const c = this.counts
    const at = lo * 3
    c[at] = (c[at] as number) + f
    c[at + 1] = (c[at + 1] as number) + o
    c[at + 2] = (c[at + 2] as number) + p
    return true
  }

  insert(hi: number, lo: number, f: number, o: number, p: number, seq = this.seqNext++): void {
    if (hi !== 0 || !Number.isInteger(lo) || lo < 0 || lo >= DIRECT_KEYS) {
      throw new RangeError(`key ${hi}:${lo} is not below ${DIRECT_KEYS}`)
    }
    this.seq[lo] = seq
    this.counts.set([f, o, p], lo * 3)
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
