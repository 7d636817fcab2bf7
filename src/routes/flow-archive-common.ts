import { z } from '@hono/zod-openapi'
import { ArchiveNameError, checkArchivePath } from '../flows/archive/archive-index'
import type { FlowParseError } from '../flows/flow-errors'
import { invalidRequest, ProblemError, problemResponse } from '../http/problem'

/** What the flow archive routes share: the file schema, error responses, name checks. */

export const ArchivedFileSchema = z
  .object({
    router: z.string(),
    name: z.string().openapi({ example: 'ft-v05.2010-11-09.000000+0000' }),
    key: z.string(),
    size: z.number().int(),
    uploaded: z.string(),
    start: z.number().int().openapi({ description: 'Unix seconds of the capture start' }),
    end: z.number().int(),
    endEstimated: z
      .boolean()
      .openapi({ description: 'The file was not closed: end = start + one rotation' }),
    spanSource: z.enum(['header', 'name']),
    recordVersion: z.string().openapi({ example: '5' }),
    compressed: z.boolean(),
    flows: z.number().int().optional(),
  })
  .openapi('ArchivedFile')

export const archiveErrors = {
  401: problemResponse('Missing or wrong API token'),
  422: problemResponse('Bad router, name, time range, or a file that is not a flow-tools file'),
}

/** Checks router and path; returns the file's base name (the name it is stored under). */
export function archivePath(router: string, path: string): string {
  return named(() => checkArchivePath(router, path))
}

/** Runs a name check, turning its error into a 422 naming the parameter. */
export function named<T>(check: () => T): T {
  try {
    return check()
  } catch (err) {
    if (err instanceof ArchiveNameError) {
      throw invalidRequest(err.message, {
        errors: [{ path: `param.${err.field}`, message: err.message }],
      })
    }
    throw err
  }
}

export function flowFileProblem(file: string, err: FlowParseError): ProblemError {
  return new ProblemError({
    type: '/problems/bad-flow-file',
    title: 'Unreadable flow file',
    status: 422,
    detail: `${file}: ${err.message} (byte ${err.offset})`,
    code: err.code,
    file,
    offset: err.offset,
  })
}
