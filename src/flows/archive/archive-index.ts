import type { FtHeader } from '../ft-header'

/**
 * Where an archived flow file lives and what time it covers. The R2 key sorts by router, then
 * UTC day, then name, so "router X between day A and day B" is one ordered key range, and the
 * time span travels with the object as metadata: a time range selects files without opening them.
 */

export const ROUTER_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/
/** Plain file names only (no slashes, no dot-dot): they become part of a storage key. */
export const FILE_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._+-]{0,127}$/

export type FileSpan = {
  /** Unix seconds of the first flow (capture start). */
  start: number
  /** Unix seconds of the last flow (capture end). */
  end: number
  /** The end is a guess (the file was still open: no DONE flag, no capture end). */
  endEstimated: boolean
  /** Where the span came from. */
  source: 'header' | 'name'
}

export class ArchiveNameError extends Error {
  override name = 'ArchiveNameError'
  constructor(
    readonly field: 'router' | 'path',
    message: string,
  ) {
    super(message)
  }
}

/**
 * Reads flow-capture's file name: `ft-v05.2010-11-09.000000+0000` is version 5, started
 * 2010-11-09 00:00:00 at UTC offset +00:00 (flow-capture names files in local time with the
 * offset, see flow-capture(1) "-n"). In-progress files start with `tmp-` and are refused by the
 * caller. Returns the start in unix seconds, or null when the name is not flow-capture's.
 *
 * @example captureNameStart('ft-v05.2010-11-09.013000+0100') // 1289262600 (00:30 UTC)
 */
export function captureNameStart(name: string): number | null {
  const m =
    /^ft-v\d{2,4}\.(\d{4})-(\d{2})-(\d{2})\.(\d{2})(\d{2})(\d{2})([+-])(\d{2})(\d{2})$/.exec(name)
  if (!m) return null
  const [, y, mo, d, h, mi, s, , oh, om] = m.map(Number) as number[]
  // Date.UTC rolls minute 99 into the next hour: a time or offset must be one a clock shows.
  // flow-capture never writes a leap second (60), and UTC offsets run from -12:00 to +14:00.
  if ((h ?? 0) > 23 || (mi ?? 0) > 59 || (s ?? 0) > 59) return null
  if ((oh ?? 0) > 14 || (om ?? 0) > 59) return null
  const local = Date.UTC(y ?? 0, (mo ?? 1) - 1, d ?? 1, h ?? 0, mi ?? 0, s ?? 0) / 1000
  const offset = ((oh ?? 0) * 60 + (om ?? 0)) * 60 * (m[7] === '-' ? -1 : 1)
  const utc = local - offset
  // Date.UTC silently rolls 2010-02-31 into March: a name must round-trip.
  const back = new Date(local * 1000)
  if (back.getUTCDate() !== d || back.getUTCMonth() + 1 !== mo) return null
  return utc
}

/**
 * How far a closed file's capture start may be from the start its flow-capture name gives: the
 * header's start is its first flow's time (the seed's files: 1 to 14 minutes after the name), and
 * a file named just before midnight may start the next day. Farther apart, the name is wrong.
 */
export const NAME_HEADER_DRIFT = 86400

/**
 * The time span of a file: the header's capture start/end when the writer closed it (DONE or
 * PRELOADED: flow-tools itself trusts the totals only then), otherwise the start from the
 * flow-capture name and an estimated end one rotation later (a day when the header names no
 * rotation schedule). A flow-capture name whose start is more than NAME_HEADER_DRIFT from the
 * closed header's is refused (ArchiveNameError).
 */
export function fileSpan(name: string, header: FtHeader): FileSpan | null {
  const named = captureNameStart(name)
  if (
    header.final &&
    header.capStart !== undefined &&
    header.capEnd !== undefined &&
    header.capEnd >= header.capStart
  ) {
    if (named !== null && Math.abs(header.capStart - named) > NAME_HEADER_DRIFT) {
      const iso = (t: number) => new Date(t * 1000).toISOString().replace('.000Z', 'Z')
      throw new ArchiveNameError(
        'path',
        `'${name}' names a capture started ${iso(named)}, but its header's capture started ${iso(header.capStart)}, more than a day apart: the file is misnamed (rename it after its header, or give it a name that is not flow-capture's)`,
      )
    }
    return { start: header.capStart, end: header.capEnd, endEstimated: false, source: 'header' }
  }
  const start = named
  if (start === null) return null
  const rotation =
    header.rotSchedule && header.rotSchedule > 0 ? Math.ceil(86400 / header.rotSchedule) : 86400
  return { start, end: start + rotation, endEstimated: true, source: 'name' }
}

/** `flows/v1/{router}/{YYYY-MM-DD of keyStart, UTC}/{name}` */
export function archiveKey(router: string, start: number, name: string): string {
  return `${routerPrefix(router)}${utcDay(start)}/${name}`
}

/**
 * The time a file is stored under: its flow-capture name's start, so that one name is one object
 * whatever its header says (a header's start may fall on the next day; keyed by the header, the
 * same name uploaded closed and not closed made two objects); any other name, its span's start.
 * Within NAME_HEADER_DRIFT of the span's start (fileSpan checks it), which the listing allows for.
 */
export function keyStart(name: string, span: FileSpan): number {
  return captureNameStart(name) ?? span.start
}

/** Where every archived file's key starts. */
export const ARCHIVE_PREFIX = 'flows/v1/'

export function routerPrefix(router: string): string {
  return `${ARCHIVE_PREFIX}${router}/`
}

export function utcDay(unixSeconds: number): string {
  return new Date(unixSeconds * 1000).toISOString().slice(0, 10)
}

/** Checks a router name and an upload path; returns the file's base name. */
export function checkArchivePath(router: string, path: string): string {
  checkRouter(router)
  const parts = path.split('/').filter((p) => p !== '')
  const name = parts.at(-1) ?? ''
  if (parts.some((p) => p === '..' || p === '.') || !FILE_NAME_PATTERN.test(name)) {
    throw new ArchiveNameError(
      'path',
      `'${path.slice(0, 140)}' must end in a plain file name (letters, digits, '.', '_', '+', '-'), without '..'`,
    )
  }
  if (name.startsWith('tmp-')) {
    throw new ArchiveNameError(
      'path',
      `'${name}' is flow-capture's in-progress file; upload it once it is renamed ft-...`,
    )
  }
  return name
}

export function checkRouter(router: string): void {
  if (!ROUTER_PATTERN.test(router)) {
    throw new ArchiveNameError(
      'router',
      `router '${router.slice(0, 70)}' must be 1-64 letters, digits, '.', '_' or '-'`,
    )
  }
}

/**
 * Days before `from`'s day a listing starts reading keys (listFlowFiles in
 * src/storage/flow-archive.ts: startAfter the day of from - 2 days): a file starts at most a day
 * before its key's day and, written by flow-capture, ends at most a day after it starts.
 */
export const LISTING_LOOKBACK_DAYS = 2

/**
 * The earliest `from` whose listing no longer reads the key day a file stored at `keyStartSeconds`
 * (keyStart) is under: midnight UTC of that day plus LISTING_LOOKBACK_DAYS + 1 days. A range
 * from there on misses the file, even where its span reaches in.
 */
export function listingReachEnd(keyStartSeconds: number): number {
  const keyDay = Math.floor(keyStartSeconds / 86400) * 86400
  return keyDay + (LISTING_LOOKBACK_DAYS + 1) * 86400
}

/** Unix seconds of the UTC day a stored key is under (`flows/v1/{router}/{day}/{name}`), or null. */
export function keyDayStart(key: string): number | null {
  const m = /\/(\d{4}-\d{2}-\d{2})\/[^/]+$/.exec(key)
  const t = m ? Date.parse(`${m[1]}T00:00:00Z`) : Number.NaN
  return Number.isNaN(t) ? null : t / 1000
}

/**
 * The upload warning for a file that lasts longer than the listing looks back (a flow-cat of
 * several days), or null: it is stored, but ranges starting at or after listingReachEnd do not
 * find it, although its span covers them. Said at upload, since nothing says it at query time.
 */
export function longSpanWarning(
  keyStartSeconds: number,
  span: { start: number; end: number },
): string | null {
  const reach = listingReachEnd(keyStartSeconds)
  if (span.end < reach) return null
  const iso = (t: number) => new Date(t * 1000).toISOString().replace('.000Z', 'Z')
  return `the file spans ${iso(span.start)} .. ${iso(span.end)}, longer than a listing looks back (${LISTING_LOOKBACK_DAYS} days before a range's from, reading by the day it is stored under, ${utcDay(keyStartSeconds)}): ranges whose from is ${iso(reach)} or later do not find it (GET /flows/archive, archive queries); start such a range before ${iso(reach)}, or upload the days as separate files`
}

/** Does [start, end] meet [from, to]? (All unix seconds, inclusive.) */
export function overlaps(span: { start: number; end: number }, from: number, to: number): boolean {
  return span.start <= to && span.end >= from
}
