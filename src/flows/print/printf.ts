/**
 * The few printf conversions flow-print uses, so its columns come out byte for byte.
 * `s(v, w)` = `%-w.ws`, `lu(n, w)` = `%-wlu`, `x(n, w)` = `%w.wx`, `lx(n, w)` = `%-wx`,
 * `d2(n)` = `%-2.2d` (at least two digits).
 */
const SPACES = ' '.repeat(64)

function pad(n: number): string {
  return n <= 64 ? SPACES.slice(0, n) : ' '.repeat(n)
}

export function s(v: string, w: number): string {
  return v.length >= w ? (v.length === w ? v : v.slice(0, w)) : v + pad(w - v.length)
}

export function lu(n: number, w: number): string {
  const t = String(n)
  return t.length >= w ? t : t + pad(w - t.length)
}

export function ru(n: number, w: number): string {
  const t = String(n)
  return t.length >= w ? t : ' '.repeat(w - t.length) + t
}

export function x(n: number, w: number): string {
  return n.toString(16).padStart(w, '0')
}

export function lx(n: number, w: number): string {
  const t = n.toString(16)
  return t.length >= w ? t : t + ' '.repeat(w - t.length)
}

export function d2(n: number): string {
  return n < 10 ? `0${n}` : String(n)
}

export function d3(n: number): string {
  return n < 10 ? `00${n}` : n < 100 ? `0${n}` : String(n)
}
