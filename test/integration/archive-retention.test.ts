// The flow archive's retention sweep against Miniflare's local R2, with a fixed "now".
import {
  createExecutionContext,
  createScheduledController,
  waitOnExecutionContext,
} from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import { beforeEach, describe, expect, it } from 'vitest'
import worker from '../../src/index'
import { sweepExpiredFlowFiles } from '../../src/storage/archive-retention'
import { buildFtFile } from './ft-file'
import { call } from './helpers'

const NOW = Date.UTC(2026, 10, 25, 9, 17) // 30 days back: files starting before 2026-10-26 go
const bucket = env.FLOW_ARCHIVE

function days(from: number, to: number): string[] {
  const out: string[] = []
  for (let d = from; d <= to; d++)
    out.push(new Date(Date.UTC(2026, 9, d)).toISOString().slice(0, 10))
  return out
}

async function keys(prefix = ''): Promise<string[]> {
  return (await bucket.list({ prefix, limit: 1000 })).objects.map((o) => o.key)
}

beforeEach(async () => {
  const old = await keys()
  if (old.length) await bucket.delete(old)
  const put = (key: string) => bucket.put(key, 'x')
  // rtr1: 2026-10-20 .. 10-31, two files a day; rtr2: only expired; rtr3: only young
  for (const day of days(20, 31)) {
    await put(`flows/v1/rtr1/${day}/ft-v05.${day}.000000+0000`)
    await put(`flows/v1/rtr1/${day}/ft-v05.${day}.120000+0000`)
  }
  for (const day of days(1, 3)) await put(`flows/v1/rtr2/${day}/ft-v05.${day}.000000+0000`)
  for (const day of days(27, 28)) await put(`flows/v1/rtr3/${day}/ft-v05.${day}.000000+0000`)
  await put('elsewhere/2026-01-01/keep-me')
})

describe('sweepExpiredFlowFiles', () => {
  it('deletes exactly the files whose start day is before the cutoff, across routers', async () => {
    const result = await sweepExpiredFlowFiles(bucket, { retentionDays: 30, now: NOW })
    expect(result).toMatchObject({ cutoffDay: '2026-10-26', routers: 3, more: false })
    expect(result.deleted).toHaveLength(6 * 2 + 3)
    expect(result.lists).toBe(4)
    const left = await keys()
    expect(left.filter((k) => k.startsWith('flows/v1/rtr1/')).map((k) => k.slice(14, 24))).toEqual(
      days(26, 31).flatMap((d) => [d, d]),
    )
    expect(await keys('flows/v1/rtr2/')).toEqual([])
    expect(await keys('flows/v1/rtr3/')).toHaveLength(2)
    expect(left).toContain('elsewhere/2026-01-01/keep-me')
  })

  it('stays within its delete and list budgets and finishes over later sweeps', async () => {
    const first = await sweepExpiredFlowFiles(bucket, {
      retentionDays: 30,
      now: NOW,
      maxDeletes: 4,
    })
    expect(first.deleted).toHaveLength(4)
    expect(first.more).toBe(true)
    const capped = await sweepExpiredFlowFiles(bucket, { retentionDays: 30, now: NOW, maxLists: 2 })
    expect(capped.lists).toBe(2)
    expect(capped.more).toBe(true)
    let total = first.deleted.length + capped.deleted.length
    for (let hour = 1; hour <= 10; hour++) {
      const next = await sweepExpiredFlowFiles(bucket, {
        retentionDays: 30,
        now: NOW + hour * 3_600_000,
        maxDeletes: 4,
        maxLists: 3,
      })
      expect(next.deleted.length).toBeLessThanOrEqual(4)
      expect(next.lists).toBeLessThanOrEqual(3)
      total += next.deleted.length
    }
    expect(total).toBe(15)
    expect((await keys('flows/v1/')).every((k) => k.slice(14, 24) >= '2026-10-26')).toBe(true)
  })

  it('keeps everything with 0 days', async () => {
    const before = await keys()
    const result = await sweepExpiredFlowFiles(bucket, { retentionDays: 0, now: NOW })
    expect(result.deleted).toEqual([])
    expect(await keys()).toEqual(before)
  })
})

describe('the cron tick', () => {
  async function tick(scheduledTime: number, retention: string): Promise<void> {
    const ctx = createExecutionContext()
    await worker.scheduled(
      createScheduledController({ scheduledTime, cron: '* * * * *' }),
      { ...env, ARCHIVE_RETENTION_DAYS: retention } as Env,
      ctx,
    )
    await waitOnExecutionContext(ctx)
  }

  it('sweeps at minute 17 only, and only with a retention set', async () => {
    const all = (await keys()).length
    await tick(NOW + 60_000, '30') // minute 18
    await tick(NOW, '0')
    await tick(NOW, 'forever')
    expect(await keys()).toHaveLength(all)
    await tick(NOW, '30')
    expect(await keys()).toHaveLength(all - 15)
  })

  it('sweeps files stored through the API by their header start day', async () => {
    const day = Date.UTC(2026, 9, 25) / 1000 // 10-25: one day too old on NOW
    for (const [name, start] of [
      ['ft-v05.2026-10-25.230000+0000', day + 23 * 3600],
      ['ft-v05.2026-10-26.000000+0000', day + 86400],
    ] as const) {
      const body = await buildFtFile({ flows: 10, capStart: start, capEnd: start + 3599 })
      const res = await call(`/flows/archive/rtr9/2026/2026-10/${name}`, {
        method: 'PUT',
        token: true,
        body,
        headers: { 'content-length': String(body.length) },
      })
      expect(res.status, await res.clone().text()).toBe(201)
    }
    await tick(NOW, '30')
    expect(await keys('flows/v1/rtr9/')).toEqual([
      'flows/v1/rtr9/2026-10-26/ft-v05.2026-10-26.000000+0000',
    ])
  })
})
