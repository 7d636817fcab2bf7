import { describe, expect, it } from 'vitest'
import { flowsTrailer, type JobResult } from '../../../src/jobs/result'

const result = {
  flows: {
    href: '/x',
    format: 'csv',
    limitPerFile: 3,
    cutFiles: ['ft-v05.2010-11-09.000000+0000'],
  },
  failures: [
    {
      index: 4,
      router: 'rtr8',
      name: 'ft-v05.2010-11-10.000000+0000',
      error: 'truncated record:\nline two',
      code: 'truncated_record',
      attempts: 1,
    },
  ],
} as unknown as JobResult

describe('flowsTrailer', () => {
  it('names cut and unread files after CSV as # lines, one line each', () => {
    expect(flowsTrailer(result, true)).toBe(
      '# CUT: "ft-v05.2010-11-09.000000+0000": only its first 3 matching flows are here (limit)\n' +
        '# NOT READ: "rtr8/ft-v05.2010-11-10.000000+0000": truncated record: line two\n',
    )
  })

  it('and after NDJSON as lines of their own', () => {
    const lines = flowsTrailer(result, false)
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l))
    expect(lines).toEqual([
      { cut: { file: 'ft-v05.2010-11-09.000000+0000', limitPerFile: 3 } },
      {
        failed: {
          file: 'rtr8/ft-v05.2010-11-10.000000+0000',
          error: 'truncated record:\nline two',
          code: 'truncated_record',
        },
      },
    ])
  })

  it('is empty for a whole answer', () => {
    expect(flowsTrailer({ failures: [] } as unknown as JobResult, true)).toBe('')
  })
})
