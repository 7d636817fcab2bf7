// A job's elapsed time (GET /flows/jobs/{id}): it runs while the job does and stops when it ends.
import { describe, expect, it } from 'vitest'
import { jobElapsedMs } from '../../../src/jobs/job'

const created = '2024-01-15T12:00:00.000Z'
const at = (iso: string) => Date.parse(iso)

describe('jobElapsedMs', () => {
  it('runs to now while the job has not ended', () => {
    expect(jobElapsedMs(created, undefined, at('2024-01-15T12:00:05.000Z'))).toBe(5000)
  })

  it('stops at the finish (done or failed), however late it is read', () => {
    const finished = '2024-01-15T12:00:02.500Z'
    expect(jobElapsedMs(created, finished, at('2024-01-15T12:00:03.000Z'))).toBe(2500)
    expect(jobElapsedMs(created, finished, at('2024-01-16T12:00:00.000Z'))).toBe(2500)
  })

  it('does not grow for an unreadable finish time', () => {
    expect(jobElapsedMs(created, 'garbage', at('2024-01-16T12:00:00.000Z'))).toBe(0)
  })
})
