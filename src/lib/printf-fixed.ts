/**
 * C's printf("%.Nf") as glibc prints it: the exact binary value rounded to `digits` decimals,
 * an exact tie to the even digit. JavaScript's toFixed rounds a tie away from zero instead
 * (25608.40625 → "25608.4063" where flow-stat prints "25608.4062"); both agree everywhere else,
 * since both round the exact value. For 0-20 digits (ties are detected in toFixed(100), which is
 * exact that far).
 */
export function printfFixed(v: number, digits: number): string {
  const rounded = v.toFixed(digits)
  if (!Number.isFinite(v) || Math.abs(v) >= 1e21) return rounded
  const exact = v.toFixed(100)
  const dot = exact.indexOf('.')
  if (!/^50*$/.test(exact.slice(dot + 1 + digits))) return rounded
  const truncated = exact.slice(0, digits === 0 ? dot : dot + 1 + digits)
  const last = Number(truncated[truncated.length - 1])
  return last % 2 === 0 ? truncated : rounded
}
