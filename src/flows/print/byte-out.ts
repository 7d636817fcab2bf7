/**
 * An output buffer for flow-print's text: rows are formatted straight into ASCII bytes, never
 * into JS strings, and handed off in chunks of about `chunkSize` bytes. Building a string per
 * field and encoding it afterwards made printing five times slower than decoding and left
 * hundreds of megabytes of garbage strings for V8 to collect.
 *
 * The methods mirror the printf conversions flow-print uses (see printf.ts for their string
 * twins): `s` = `%-w.ws`, `lu` = `%-wlu`, `ru` = `%wlu`, `x` = `%w.wx`, `lx` = `%-wx`, `d2` =
 * `%-2.2d`, `d3` = `%-3.3lu`, `ip` = a dotted quad as `%-w.ws`.
 */

/** Bytes a single row may take at most: every format's widest row is under 300 bytes. */
const ROW_SLACK = 1024

/**
 * ASCII of 0-255 as three bytes per octet (unused ones are overwritten by what follows) and its
 * length, so a dotted quad is four table copies instead of number formatting.
 */
const OCTET_CHARS = new Uint8Array(256 * 3)
const OCTET_LEN = new Uint8Array(256)
for (let k = 0; k < 256; k++) {
  const t = String(k)
  OCTET_LEN[k] = t.length
  for (let j = 0; j < t.length; j++) OCTET_CHARS[k * 3 + j] = t.charCodeAt(j)
}

/** "00" to "99": decimal numbers are written two digits per division. */
const PAIRS = Uint8Array.from(
  Array.from({ length: 100 }, (_, k) => String(k).padStart(2, '0')).join(''),
  (c) => c.charCodeAt(0),
)

/** How many decimal digits an unsigned 32-bit integer has. */
function digitCount(n: number): number {
  if (n < 100000) return n < 10 ? 1 : n < 100 ? 2 : n < 1000 ? 3 : n < 10000 ? 4 : 5
  return n < 1000000 ? 6 : n < 10000000 ? 7 : n < 100000000 ? 8 : n < 1000000000 ? 9 : 10
}

const HEX = Uint8Array.from('0123456789abcdef', (c) => c.charCodeAt(0))
const SPACE = 32
const DOT = 46
const ZERO = 48

export class ByteOut {
  private buf: Uint8Array
  private pos = 0
  private ready: Uint8Array[] = []
  private readyBytes = 0

  constructor(readonly chunkSize = 64 * 1024) {
    this.buf = new Uint8Array(chunkSize + ROW_SLACK)
  }

  /** Bytes formatted and not yet taken. */
  get pending(): number {
    return this.readyBytes + this.pos
  }

  /**
   * Call before each row: once the buffer holds a chunk's worth, it is set aside for `take` and a
   * fresh one started (the taken chunks belong to the consumer, e.g. a stream, so none is reused).
   */
  row(): void {
    if (this.pos >= this.chunkSize) this.cut()
  }

  /** Every byte written so far, as chunks the caller now owns. */
  take(): Uint8Array[] {
    this.cut()
    const out = this.ready
    this.ready = []
    this.readyBytes = 0
    return out
  }

  /** Everything written so far as text (tests and small outputs). */
  takeText(): string {
    let text = ''
    const dec = new TextDecoder()
    for (const c of this.take()) text += dec.decode(c, { stream: true })
    return text + dec.decode()
  }

  private cut(): void {
    if (this.pos === 0) return
    this.readyBytes += this.pos
    if (this.pos < this.chunkSize / 4) {
      // Taken after a batch with few rows printed (a selective filter): copy those bytes out and
      // keep the buffer. A new zeroed 65 KiB buffer per batch cost 14 ms per 1 M flows filtered
      // down to 8 %, more than the filter itself.
      this.ready.push(this.buf.slice(0, this.pos))
    } else {
      this.ready.push(this.buf.subarray(0, this.pos))
      this.buf = new Uint8Array(this.chunkSize + ROW_SLACK)
    }
    this.pos = 0
  }

  /** Room for `n` more bytes, for text whose length is not bounded by a row (headers). */
  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return
    this.cut()
    if (n > this.buf.length) this.buf = new Uint8Array(n)
  }

  /** ASCII text as it is (literals, headers). */
  lit(text: string): void {
    this.ensure(text.length)
    const b = this.buf
    let p = this.pos
    for (let k = 0; k < text.length; k++) b[p++] = text.charCodeAt(k)
    this.pos = p
  }

  /** `n` spaces. */
  sp(n: number): void {
    const b = this.buf
    let p = this.pos
    for (const end = p + n; p < end; p++) b[p] = SPACE
    this.pos = p
  }

  /** One byte. */
  ch(code: number): void {
    this.buf[this.pos++] = code
  }

  /** `%-w.ws`: at most `w` characters of `text`, padded with spaces to `w`. */
  s(text: string, w: number): void {
    const b = this.buf
    let p = this.pos
    const n = Math.min(text.length, w)
    for (let k = 0; k < n; k++) b[p++] = text.charCodeAt(k)
    for (let k = n; k < w; k++) b[p++] = SPACE
    this.pos = p
  }

  /** Writes the decimal digits of `n` (an unsigned 32-bit integer) and returns how many. */
  private dec(n: number): number {
    const len = digitCount(n)
    this.pos = digitsBefore(this.buf, this.pos + len, n) + len
    return len
  }

  /** `%-wlu`: decimal, left-justified in `w` (never truncated). */
  lu(n: number, w: number): void {
    const len = this.dec(n)
    if (len < w) this.sp(w - len)
  }

  /** `%-w.wlu` as flow-print writes numbers through `%-w.ws`: left-justified, cut to `w`. */
  su(n: number, w: number): void {
    const start = this.pos
    const len = this.dec(n)
    if (len < w) this.sp(w - len)
    else this.pos = start + w
  }

  /** `%wlu`: decimal, right-justified in `w`. */
  ru(n: number, w: number): void {
    const len = digitCount(n)
    if (len < w) this.sp(w - len)
    this.dec(n)
  }

  /** `%w.wx`: lower-case hex, zero-padded to at least `w` digits. */
  x(n: number, w: number): void {
    let len = 1
    for (let t = n >>> 4; t > 0; t >>>= 4) len++
    const b = this.buf
    let p = this.pos
    for (let k = len; k < w; k++) b[p++] = ZERO
    for (let k = len - 1; k >= 0; k--) b[p++] = HEX[(n >>> (k * 4)) & 15] as number
    this.pos = p
  }

  /** `%-wx`: lower-case hex, left-justified in `w`. */
  lx(n: number, w: number): void {
    const start = this.pos
    this.x(n, 1)
    const len = this.pos - start
    if (len < w) this.sp(w - len)
  }

  /** `%-2.2d`: at least two digits (times: one table pair, no division). */
  d2(n: number): void {
    if (n >= 100) {
      this.dec(n)
      return
    }
    const b = this.buf
    const p = this.pos
    b[p] = PAIRS[n * 2] as number
    b[p + 1] = PAIRS[n * 2 + 1] as number
    this.pos = p + 2
  }

  /** `%-3.3lu`: at least three digits. */
  d3(n: number): void {
    if (n >= 1000) {
      this.dec(n)
      return
    }
    const b = this.buf
    const p = this.pos
    const h = Math.floor(n / 100)
    const r = (n - h * 100) * 2
    b[p] = ZERO + h
    b[p + 1] = PAIRS[r] as number
    b[p + 2] = PAIRS[r + 1] as number
    this.pos = p + 3
  }

  /** A host-order IPv4 address as `%-w.ws` of its dotted quad (`w` ≥ 15 never cuts it). */
  ip(a: number, w: number): void {
    const b = this.buf
    const start = this.pos
    let p = octet(b, start, a >>> 24)
    b[p++] = DOT
    p = octet(b, p, (a >>> 16) & 255)
    b[p++] = DOT
    p = octet(b, p, (a >>> 8) & 255)
    b[p++] = DOT
    p = octet(b, p, a & 255)
    const end = start + w
    if (p > end) p = end
    while (p < end) b[p++] = SPACE
    this.pos = p
  }

  /**
   * fmt_ipv4prefix() as `%-w.ws`: the address without its trailing zero octets, then `/mask`
   * (10.0.0.0/8 → 10/8).
   */
  prefix(a: number, mask: number, w: number): void {
    const start = this.pos
    let n = 4
    while (n > 1 && ((a >>> (8 * (4 - n))) & 255) === 0) n--
    for (let k = 0; k < n; k++) {
      if (k > 0) this.buf[this.pos++] = DOT
      this.pos = octet(this.buf, this.pos, (a >>> (24 - 8 * k)) & 255)
    }
    this.buf[this.pos++] = 47 // '/'
    this.dec(mask)
    const len = this.pos - start
    if (len < w) this.sp(w - len)
    else this.pos = start + w
  }
}

/** Writes the decimal digits of `n` so they end just before `end`; returns where they start. */
function digitsBefore(b: Uint8Array, end: number, n: number): number {
  let p = end
  // Right to left, two digits per division (`>>> 0` truncates: n < 2^32).
  while (n >= 100) {
    const q = (n / 100) >>> 0
    const r = (n - q * 100) * 2
    b[--p] = PAIRS[r + 1] as number
    b[--p] = PAIRS[r] as number
    n = q
  }
  if (n >= 10) {
    b[--p] = PAIRS[n * 2 + 1] as number
    b[--p] = PAIRS[n * 2] as number
  } else b[--p] = ZERO + n
  return p
}

/** Writes octet `o` in decimal at `p` and returns the position after it. */
function octet(b: Uint8Array, p: number, o: number): number {
  const k = o * 3
  // All three bytes, then advance by the real length: a spare byte is overwritten next.
  b[p] = OCTET_CHARS[k] as number
  b[p + 1] = OCTET_CHARS[k + 1] as number
  b[p + 2] = OCTET_CHARS[k + 2] as number
  return p + (OCTET_LEN[o] as number)
}
