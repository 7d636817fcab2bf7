// A history request is planned before it reads: one over KV's per-request budget is a 422 that
// says why, never a request that fails half-way through its reads.
import { describe, expect, it } from 'vitest'
import { call, problemOf } from './helpers'

describe('history read budget', () => {
  it('refuses a 900-day day-resolution range of a 60 s step target, and answers a shorter one', async () => {
    const put = await call('/targets', {
      method: 'PUT',
      token: true,
      headers: { 'content-type': 'text/plain' },
      body: 'probe = TCPPing\nstep = 60\npings = 5\n\n+ fast\nhost = 127.0.0.1\nport = 9\n',
    })
    expect(put.status, await put.clone().text()).toBe(200)
    const now = Date.now()
    const day = 86_400_000
    const long = await call(
      `/checks/fast/rounds?resolution=day&from=${new Date(now - 900 * day).toISOString()}&to=${new Date(now).toISOString()}`,
    )
    expect(long.status).toBe(422)
    const p = await problemOf(long)
    expect(p.code).toBe('too_many_reads')
    expect(p.detail).toMatch(
      /needs up to \d+ KV reads for a target with a 60 s step; one request may make at most 990/,
    )
    const short = await call(
      `/checks/fast/rounds?resolution=day&from=${new Date(now - 400 * day).toISOString()}&to=${new Date(now).toISOString()}`,
    )
    expect(short.status, await short.clone().text()).toBe(200)
  })
})
