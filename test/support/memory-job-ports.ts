/**
 * The job runner's ports in memory: partials, results and the queue in maps and arrays, archived
 * files as byte arrays. Used by the runner's unit tests and the archive benchmark.
 */
import { FAN_IN, type JobMessage, type JobSpec } from '../../src/jobs/job'
import type { Partial } from '../../src/jobs/partial'
import type { JobResult } from '../../src/jobs/result'
import type { JobPorts } from '../../src/jobs/runner'

export function memoryJobPorts(files: Map<string, Uint8Array<ArrayBuffer>>) {
  const partials = new Map<string, Partial>()
  const results: JobResult[] = []
  const queue: JobMessage[] = []
  const specs = new Map<string, JobSpec>()
  const groups = new Map<string, number>()
  const ports: JobPorts = {
    getSpec: async (job) => specs.get(job) ?? null,
    hasPartial: async (job, l, i) => partials.has(`${job}/${l}/${i}`),
    // Storage hands out copies: merging must not depend on mutating what it read.
    getPartial: async (job, l, i) => {
      const p = partials.get(`${job}/${l}/${i}`)
      return p ? structuredClone(p) : null
    },
    putPartial: async (job, l, i, p) => {
      const key = `${job}/${l}/${i}`
      if (!partials.has(key)) {
        const group = `${job}/${l}/${Math.floor(i / FAN_IN)}`
        groups.set(group, (groups.get(group) ?? 0) + 1)
      }
      partials.set(key, structuredClone(p))
    },
    countGroup: async (job, l, g) => groups.get(`${job}/${l}/${g}`) ?? 0,
    putResult: async (_job, r) => {
      results.push(r)
    },
    putFlowChunk: async () => {},
    openFile: async (key) => {
      const bytes = files.get(key)
      return bytes ? new Blob([bytes]).stream() : null
    },
    enqueue: async (m) => {
      queue.push(...m)
    },
    now: () => new Date(),
  }
  return { ports, queue, results, specs }
}
