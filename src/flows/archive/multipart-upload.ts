import type { FileSpan } from './archive-index'

/**
 * The rules of a resumable (R2 multipart) archive upload, and the upload id handed to clients.
 * R2 checks the part rules itself when the upload completes; they are here so the API can state
 * them up front and explain R2's refusal in words.
 */

/** R2: every part but the last is at least 5 MiB (as in S3). */
export const MIN_PART_BYTES = 5 * 1024 * 1024
/** One part is one request body: the platform's 100 MB limit (free and pro plans). */
export const MAX_PART_BYTES = 100 * 1024 * 1024
/** R2 (as S3): part numbers 1 to 10000. */
export const MAX_PARTS = 10_000
/**
 * The part size we advise: small enough that re-sending a failed part is cheap, large enough for
 * 156 GiB in 10000 parts (a flow file is rarely above 1 GB).
 */
export const ADVISED_PART_BYTES = 16 * 1024 * 1024

/**
 * The largest file the archive keeps: a staged upload reaches its key in one put, and R2 takes
 * at most 5 GiB less 5 MiB in one (queries read files of up to 5 GiB: ARCHIVED_FILE_LIMITS).
 */
export const MAX_STORED_BYTES = 5 * 1024 ** 3 - 5 * 1024 ** 2

/** How many bytes of a completed upload are re-read to check its header (ft headers are ≤ 16 KiB). */
export const HEAD_CHECK_BYTES = 64 * 1024

/**
 * The upload id a client sees: the UTC start day of the file (which fixes its storage key, since
 * later requests carry only the path), R2's own upload id and the span the upload was started
 * with (so part 1 can be checked against it before it is stored), base64url-encoded so it can
 * go into a query string without escaping, and the token of the staging key the parts go to
 * (the file reaches its own key only once it has read through). Ids without the span or the
 * token (handed out before they were added) are still read: their parts go to the file's key.
 *
 * @example encodeUploadId('2010-11-09', 'abc') // '2010-11-09.YWJj'
 */
export function encodeUploadId(
  day: string,
  r2UploadId: string,
  span?: FileSpan,
  staging?: string,
): string {
  const id = `${day}.${base64url(r2UploadId)}`
  if (!span) return id
  const s = `${span.start}-${span.end}-${span.endEstimated ? 1 : 0}-${span.source}`
  return `${id}.${base64url(s)}${staging ? `.${staging}` : ''}`
}

/** A new staging token: 16 random base64url characters (96 bits). */
export function newStagingToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(12))
  return btoa(String.fromCharCode(...bytes))
    .replaceAll('+', '-')
    .replaceAll('/', '_')
}

function base64url(text: string): string {
  const b64 = btoa(String.fromCharCode(...new TextEncoder().encode(text)))
  return b64.replaceAll('+', '-').replaceAll('/', '_').replaceAll('=', '')
}

function fromBase64url(text: string): string {
  const binary = atob(text.replaceAll('-', '+').replaceAll('_', '/'))
  return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(
    Uint8Array.from(binary, (ch) => ch.charCodeAt(0)),
  )
}

/** The reverse of encodeUploadId, or null for anything this archive never handed out. */
export function decodeUploadId(
  id: string,
): { day: string; r2UploadId: string; span?: FileSpan; staging?: string } | null {
  const m =
    /^(\d{4}-\d{2}-\d{2})\.([A-Za-z0-9_-]{1,2048})(?:\.([A-Za-z0-9_-]{1,128})(?:\.([A-Za-z0-9_-]{16}))?)?$/.exec(
      id,
    )
  if (!m?.[1] || !m[2]) return null
  if (Number.isNaN(Date.parse(`${m[1]}T00:00:00Z`))) return null
  try {
    const r2UploadId = fromBase64url(m[2])
    if (r2UploadId === '') return null
    if (m[3] === undefined) return { day: m[1], r2UploadId }
    const s = /^(\d{1,11})-(\d{1,11})-([01])-(header|name)$/.exec(fromBase64url(m[3]))
    if (!s) return null
    const span: FileSpan = {
      start: Number(s[1]),
      end: Number(s[2]),
      endEstimated: s[3] === '1',
      source: s[4] as FileSpan['source'],
    }
    return { day: m[1], r2UploadId, span, ...(m[4] ? { staging: m[4] } : {}) }
  } catch {
    return null
  }
}

/** Do two spans say the same thing about a file (times, whether the end is a guess, source)? */
export function sameSpan(a: FileSpan, b: FileSpan): boolean {
  return (
    a.start === b.start &&
    a.end === b.end &&
    a.endEstimated === b.endEstimated &&
    a.source === b.source
  )
}

/**
 * A digest of the parts a completion joins (numbers and etags, in part order): a completion
 * sent again must name the same parts to get the same answer.
 */
export async function partsDigest(parts: { partNumber: number; etag: string }[]): Promise<string> {
  const text = [...parts]
    .sort((a, b) => a.partNumber - b.partNumber)
    .map((p) => `${p.partNumber}:${p.etag}`)
    .join(',')
  const hash = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text))
  return [...new Uint8Array(hash)].map((b) => b.toString(16).padStart(2, '0')).join('')
}

/**
 * The part numbers missing from a completion's list: a file is parts 1..N, every one of them.
 * R2 joins whatever parts it is given (1, 2, 4 makes a file without part 3's bytes), so a list
 * with a gap is refused before anything is joined. Empty: the list is whole.
 *
 * @example missingPartNumbers([1, 2, 4]) // [3]
 */
export function missingPartNumbers(numbers: readonly number[]): number[] {
  const given = new Set(numbers)
  const last = Math.max(0, ...numbers)
  const missing: number[] = []
  for (let n = 1; n <= last; n++) if (!given.has(n)) missing.push(n)
  return missing
}

/** A list of part numbers for a message: 3, 5-9, 12 (runs shortened, at most 20 items). */
export function describePartNumbers(numbers: readonly number[]): string {
  const runs: string[] = []
  for (let i = 0; i < numbers.length; ) {
    let j = i
    while (j + 1 < numbers.length && numbers[j + 1] === (numbers[j] as number) + 1) j++
    runs.push(i === j ? String(numbers[i]) : `${numbers[i]}-${numbers[j]}`)
    i = j + 1
  }
  return runs.length > 20 ? `${runs.slice(0, 20).join(', ')}, …` : runs.join(', ')
}
