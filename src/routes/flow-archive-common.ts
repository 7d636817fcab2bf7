import { z } from '@hono/zod-openapi'
import { ArchiveNameError, checkArchivePath } from '../flows/archive/archive-index'
import {
  ADVISED_PART_BYTES,
  MAX_PART_BYTES,
  MAX_PARTS,
  MIN_PART_BYTES,
} from '../flows/archive/multipart-upload'
import type { FlowParseError } from '../flows/flow-errors'
import { invalidRequest, ProblemError, problemResponse } from '../http/problem'
import { ArchiveUploadError, type ArchiveUploadErrorCode } from '../storage/archive-multipart'

/** What the flow archive routes share: schemas, error responses and problems, name checks. */

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

/** A stored file as its upload answers it: ArchivedFile, and what reading it found. */
export const UploadedFileSchema = ArchivedFileSchema.extend({
  flowsRead: z.number().int().optional().openapi({
    description:
      'Records read when the file was uploaded (every record is read before the file is kept; a file that does not read gets a 422 and is not kept)',
  }),
  flowStart: z.number().int().optional().openapi({
    description:
      'Unix seconds of the earliest flow start the upload read (flows start before the capture start: they are exported when they end); reported, not stored',
  }),
  flowEnd: z
    .number()
    .int()
    .optional()
    .openapi({ description: 'Unix seconds of the latest flow end the upload read' }),
  warnings: z.array(z.string()).optional().openapi({
    description:
      'The file reads, but: an open file cut short at its end, or flows that started more than an hour before the capture start (a time range looks for them from an hour before it)',
  }),
  unchecked: z.string().optional().openapi({
    description: 'Why the records were not read (a multipart upload above 1 GiB)',
  }),
}).openapi('UploadedFile')

export const archiveErrors = {
  401: problemResponse('Missing or wrong API token'),
  422: problemResponse('Bad router, name, time range, or a file that is not a flow-tools file'),
}

/** Checks router and path; returns the file's base name (the name it is stored under). */
export function archivePath(router: string, path: string): string {
  return named(() => checkArchivePath(router, path))
}

/**
 * Where a request value was: a path parameter, the query string or the JSON body. An error path
 * names it (`query.router`, not `param.router`), so a client fixes the part it actually sent.
 */
export type ValueSource = 'param' | 'query' | 'body'

/** Runs a name check, turning its error into a 422 naming the parameter and where it was. */
export function named<T>(check: () => T, source: ValueSource = 'param'): T {
  try {
    return check()
  } catch (err) {
    if (err instanceof ArchiveNameError) throw nameProblem(err, source)
    throw err
  }
}

/** The 422 of a bad router or file name, naming the parameter and where it was. */
export function nameProblem(err: ArchiveNameError, source: ValueSource = 'param'): ProblemError {
  return invalidRequest(err.message, {
    errors: [{ path: `${source}.${err.field}`, message: err.message }],
  })
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

export const UploadStartedSchema = z
  .object({
    uploadId: z.string().openapi({
      description: 'Opaque; send it with every part, the completion and an abort',
    }),
    key: z.string().openapi({ example: 'flows/v1/rtr8/2010-11-09/ft-v05.2010-11-09.000000+0000' }),
    partSize: z.number().int().openapi({
      description: 'Advised part size in bytes: every part but the last this size',
      example: ADVISED_PART_BYTES,
    }),
    minPartSize: z.number().int().openapi({ example: MIN_PART_BYTES }),
    maxPartSize: z.number().int().openapi({ example: MAX_PART_BYTES }),
    maxParts: z.number().int().openapi({ example: MAX_PARTS }),
    start: z.number().int(),
    end: z.number().int(),
    spanSource: z.enum(['header', 'name']),
  })
  .openapi('ArchiveUploadStarted')

export const UploadedPartSchema = z
  .object({ partNumber: z.number().int().min(1).max(MAX_PARTS), etag: z.string().min(1).max(1024) })
  .openapi('ArchiveUploadedPart')

export const CompleteUploadSchema = z
  .object({
    parts: z
      .array(UploadedPartSchema)
      .min(1)
      .max(MAX_PARTS)
      .refine((parts) => new Set(parts.map((p) => p.partNumber)).size === parts.length, {
        message: 'each partNumber at most once',
      }),
  })
  .openapi('ArchiveUploadCompletion')

/** Runs a storage call, turning R2's refusals into problems that say what to do. */
export async function storage<T>(call: () => Promise<T>, uploadId = ''): Promise<T> {
  try {
    return await call()
  } catch (err) {
    if (err instanceof ArchiveUploadError) throw uploadProblem(err.code, uploadId, err.message)
    throw err
  }
}

const UPLOAD_PROBLEMS: Record<
  ArchiveUploadErrorCode,
  { type: string; title: string; status: 404 | 422 | 503; detail: string }
> = {
  no_such_upload: {
    type: '/problems/no-such-upload',
    title: 'No such upload',
    status: 404,
    detail:
      'no upload in progress under this id for this router and path (unknown, completed or aborted)',
  },
  invalid_part: {
    type: '/problems/invalid-part',
    title: 'Invalid part list',
    status: 422,
    detail: 'a listed part was never uploaded, or its etag is not the one its upload returned',
  },
  part_too_small: {
    type: '/problems/part-too-small',
    title: 'Part too small',
    status: 422,
    detail: `every part but the last must be at least ${MIN_PART_BYTES} bytes (5 MiB, R2's rule)`,
  },
  uneven_parts: {
    type: '/problems/uneven-parts',
    title: 'Uneven parts',
    status: 422,
    detail:
      "every part but the last must have the same size, and the last may not be larger (R2's rule)",
  },
  unavailable: {
    type: '/problems/storage-unavailable',
    title: 'Storage unavailable',
    status: 503,
    detail: 'R2 reported an internal error; send the same request again',
  },
}

export function uploadProblem(
  code: ArchiveUploadErrorCode,
  uploadId: string,
  why: string,
): ProblemError {
  const p = UPLOAD_PROBLEMS[code]
  const id = uploadId ? ` (upload ${uploadId.slice(0, 40)}…)` : ''
  return new ProblemError({ ...p, detail: `${p.detail}${id}: ${why}`, code })
}
