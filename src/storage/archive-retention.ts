import { ARCHIVE_PREFIX, routerPrefix, utcDay } from '../flows/archive/archive-index'

/**
 * The flow archive's retention: files whose capture START day (UTC, the day in their key) is
 * more than ARCHIVE_RETENTION_DAYS before today are deleted, a bounded batch per cron tick.
 */

/** The minute of each hour the sweep runs: once an hour, off the :00 rush of other jobs. */
export const SWEEP_MINUTE = 17

export type SweepOptions = {
  retentionDays: number
  /** Milliseconds since the epoch. */
  now: number
  /** At most this many files deleted per sweep (R2's bulk delete takes 1000 keys). */
  maxDeletes?: number
  /** At most this many list calls per sweep (the routers' listing included). */
  maxLists?: number
}

export type SweepResult = {
  /** Files starting before this UTC day were due. */
  cutoffDay: string
  routers: number
  deleted: string[]
  lists: number
  /** The budget ran out: the next sweep continues. */
  more: boolean
}

/**
 * Deletes the files of every router that start before the cutoff day. Keys sort by router, then
 * day, so each router's expired files are the front of its key range: one list call finds them
 * and the first younger key ends the router. The routers are visited from an offset that moves
 * every hour, so a budget spent on the first routers does not starve the last ones.
 */
export async function sweepExpiredFlowFiles(
  bucket: R2Bucket,
  options: SweepOptions,
): Promise<SweepResult> {
  const { retentionDays, now, maxDeletes = 1000, maxLists = 10 } = options
  const cutoffDay = utcDay(Math.floor(now / 1000) - retentionDays * 86400)
  const result: SweepResult = { cutoffDay, routers: 0, deleted: [], lists: 0, more: false }
  if (retentionDays <= 0) return result

  const routers: string[] = []
  let cursor: string | undefined
  do {
    if (result.lists === maxLists) return { ...result, more: true }
    const page = await bucket.list({
      prefix: ARCHIVE_PREFIX,
      delimiter: '/',
      limit: 1000,
      ...(cursor ? { cursor } : {}),
    })
    result.lists++
    for (const p of page.delimitedPrefixes) routers.push(p.slice(ARCHIVE_PREFIX.length, -1))
    cursor = page.truncated ? page.cursor : undefined
  } while (cursor)
  result.routers = routers.length

  const offset = routers.length ? Math.floor(now / 3_600_000) % routers.length : 0
  const doomed: string[] = []
  for (let i = 0; i < routers.length; i++) {
    const prefix = routerPrefix(routers[(offset + i) % routers.length] ?? '')
    let routerCursor: string | undefined
    for (;;) {
      if (result.lists === maxLists || doomed.length === maxDeletes) {
        result.more = true
        break
      }
      const page = await bucket.list({
        prefix,
        limit: Math.min(1000, maxDeletes - doomed.length),
        ...(routerCursor ? { cursor: routerCursor } : {}),
      })
      result.lists++
      const expired = page.objects.filter((o) => dayOf(o.key) < cutoffDay)
      for (const o of expired) doomed.push(o.key)
      // a younger key, or the end of the router: nothing more of it is due
      if (expired.length < page.objects.length || !page.truncated) break
      routerCursor = page.cursor
    }
    if (result.more) break
  }
  if (doomed.length) await bucket.delete(doomed)
  result.deleted = doomed
  return result
}

/**
 * The cron tick's part: at minute SWEEP_MINUTE of each hour, sweep with ARCHIVE_RETENTION_DAYS
 * ("0" keeps everything). Never throws: a failed sweep is logged and retried an hour later,
 * and must not fail the checks that share the tick.
 */
export async function sweepArchiveOnSchedule(
  env: Pick<Env, 'FLOW_ARCHIVE' | 'ARCHIVE_RETENTION_DAYS'>,
  scheduledTime: number,
): Promise<SweepResult | null> {
  if (new Date(scheduledTime).getUTCMinutes() !== SWEEP_MINUTE) return null
  const days = Number(env.ARCHIVE_RETENTION_DAYS)
  if (!Number.isSafeInteger(days) || days < 0) {
    console.error(
      `archive retention: ARCHIVE_RETENTION_DAYS '${env.ARCHIVE_RETENTION_DAYS}' is not a whole number of days; nothing swept`,
    )
    return null
  }
  if (days === 0) return null
  try {
    const result = await sweepExpiredFlowFiles(env.FLOW_ARCHIVE, {
      retentionDays: days,
      now: scheduledTime,
    })
    console.log(
      `archive retention: ${result.deleted.length} files before ${result.cutoffDay} deleted (${result.routers} routers, ${result.lists} lists${result.more ? ', more next hour' : ''})`,
    )
    return result
  } catch (err) {
    console.error('archive retention sweep failed', err)
    return null
  }
}

function dayOf(key: string): string {
  return key.split('/')[3] ?? ''
}
