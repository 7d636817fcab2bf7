import { createRoute, OpenAPIHono, type RouteConfig, z } from '@hono/zod-openapi'
import type { AppEnv } from '../env'
import { MAX_PARTS } from '../flows/archive/multipart-upload'
import { parseJsonBody } from '../http/json-body'
import { invalidRequest, problemResponse } from '../http/problem'
import { validationHook } from '../http/validation'
import {
  archiveErrors,
  archivePath,
  CompleteUploadSchema,
  UploadedFileSchema,
  UploadedPartSchema,
  UploadStartedSchema,
} from './flow-archive-common'
import {
  abortUpload,
  completeUpload,
  sendPart,
  startUpload,
  storeWholeFile,
} from './flow-archive-upload'

/**
 * One archived file by router and path: PUT stores it in one request or sends one part of a
 * multipart upload; POST starts or completes a multipart upload; DELETE aborts one. The path may
 * be flow-capture's whole tree (2010/2010-11/2010-11-09/ft-v05...): only its base name is kept.
 */
export const flowArchiveFileRoutes = new OpenAPIHono<AppEnv>({ defaultHook: validationHook })

const Params = z.object({
  router: z.string().openapi({ example: 'rtr8', description: '1-64 letters, digits, . _ -' }),
  path: z.string().openapi({
    example: '2010/2010-11/2010-11-09/ft-v05.2010-11-09.000000+0000',
    description:
      "The file's path, slashes allowed (e.g. flow-capture's tree under its -w directory); it is stored under its base name, whose flow-capture naming dates an open file",
  }),
})

const tooLarge = {
  413: problemResponse(
    'Larger than the limit for one request, or records inflating to more than 50 times the file (a decompression bomb)',
  ),
}
const noSuchUpload = { 404: problemResponse('No such upload in progress for this router and path') }
const unavailable = {
  503: problemResponse('R2 reported an internal error: send the request again'),
}

/**
 * Registers the documented route as is, and returns the one Hono routes by: hidden from the
 * document, its {path} matching slashes, and without the request body declaration (bodies are
 * raw or checked by hand, so Hono must not refuse a curl upload over its Content-Type).
 */
// [\s\S]: Hono decodes the path before matching, and a name with a newline should get the 422
// naming it, not a 404.
function nested<R extends RouteConfig>(doc: R, request: RouteConfig['request']): R {
  flowArchiveFileRoutes.openAPIRegistry.registerPath(doc)
  return { ...doc, request, path: doc.path.replace('{path}', '{path{[\\s\\S]+}}'), hide: true }
}

const PartQuery = z.object({
  uploadId: z.string().min(1).optional().openapi({ description: 'From POST ...?uploads' }),
  partNumber: z
    .string({ error: 'partNumber is given once' })
    .regex(/^[0-9]{1,5}$/, { error: `partNumber is a whole number, 1 to ${MAX_PARTS}` })
    .transform(Number)
    .pipe(z.number().min(1).max(MAX_PARTS))
    .optional()
    .openapi({ type: 'integer', description: `Part number, 1 to ${MAX_PARTS}` }),
})

const putFile = createRoute({
  method: 'put',
  path: '/archive/{router}/{path}',
  tags: ['Flow archive'],
  summary: 'Store one flow-tools file, or one part of a multipart upload',
  description: `The raw file as the body, Content-Length required (\`curl -T FILE\`), at most ARCHIVE_MAX_FILE_BYTES.

With \`?uploadId=ID&partNumber=N\` (N 1..${MAX_PARTS}) the body is part N of a multipart upload started by POST \`?uploads\`; answers the part's etag for the completion. Sending part N again replaces it: that is how a failed part is resumed. R2's rules, checked at completion: every part but the last at least 5 MiB and all the same size, the last no larger; a part is at most 100 MiB (one request).`,
  security: [{ bearer: [] }],
  request: {
    params: Params,
    query: PartQuery,
    body: {
      content: { 'application/octet-stream': { schema: z.string().openapi({ format: 'binary' }) } },
    },
  },
  responses: {
    201: {
      description: 'Stored (one-request upload), every record read on the way',
      content: { 'application/json': { schema: UploadedFileSchema } },
    },
    200: {
      description: 'Part stored',
      content: { 'application/json': { schema: UploadedPartSchema } },
    },
    411: problemResponse('No Content-Length (use curl -T or --data-binary @file)'),
    ...tooLarge,
    ...noSuchUpload,
    ...unavailable,
    ...archiveErrors,
  },
})

flowArchiveFileRoutes.openapi(nested(putFile, { params: Params, query: PartQuery }), async (c) => {
  const { router, path } = c.req.valid('param')
  const base = archivePath(router, path)
  const { uploadId, partNumber } = c.req.valid('query')
  if (uploadId === undefined && partNumber === undefined) {
    return c.json(await storeWholeFile(c, router, base), 201)
  }
  if (uploadId === undefined || partNumber === undefined) {
    const missing = uploadId === undefined ? 'uploadId' : 'partNumber'
    throw invalidRequest(`a part needs both uploadId and partNumber; ${missing} is missing`, {
      errors: [{ path: `query.${missing}`, message: 'required with the other' }],
    })
  }
  return c.json(await sendPart(c, router, base, uploadId, partNumber), 200)
})

const UploadQuery = z.object({
  uploads: z.string().optional().openapi({ description: 'Present (empty): start an upload' }),
  uploadId: z.string().min(1).optional().openapi({ description: 'Complete this upload' }),
})

const postFile = createRoute({
  method: 'post',
  path: '/archive/{router}/{path}',
  tags: ['Flow archive'],
  summary: 'Start (?uploads) or complete (?uploadId=ID) a multipart upload of a large flow file',
  description: `\`?uploads\`: the body is the file's first bytes, at least its whole ft header (\`head -c 65536 FILE\` is plenty); the header and name give the time span, as for PUT, and a file that is not ft gets the same 422. Answers the upload id and the advised part size.

\`?uploadId=ID\`: the body is JSON \`{"parts": [{"partNumber": 1, "etag": "..."}, ...]}\` with the etags the part uploads returned. The stored file's header is then read back and must give the span the upload started with; otherwise the object is deleted and the answer is 422.`,
  security: [{ bearer: [] }],
  request: {
    params: Params,
    query: UploadQuery,
    body: {
      content: {
        'application/octet-stream': { schema: z.string().openapi({ format: 'binary' }) },
        'application/json': { schema: CompleteUploadSchema },
      },
    },
  },
  responses: {
    201: {
      description: 'Upload started',
      content: { 'application/json': { schema: UploadStartedSchema } },
    },
    200: {
      description:
        'Upload completed: the stored file, read back through. A completion sent again within 24 hours (its first answer lost) gets the same file.',
      content: { 'application/json': { schema: UploadedFileSchema } },
    },
    400: problemResponse('Malformed JSON body'),
    409: problemResponse(
      'The upload was completed before with other parts: the stored file is what those made',
    ),
    ...tooLarge,
    ...noSuchUpload,
    ...unavailable,
    ...archiveErrors,
  },
})

flowArchiveFileRoutes.openapi(
  nested(postFile, { params: Params, query: UploadQuery }),
  async (c) => {
    const { router, path } = c.req.valid('param')
    const base = archivePath(router, path)
    const { uploads, uploadId } = c.req.valid('query')
    if (uploadId !== undefined) {
      const parsed = CompleteUploadSchema.safeParse(
        await parseJsonBody(c.req.raw, '{"parts": [{"partNumber": 1, "etag": "..."}]}'),
      )
      if (!parsed.success) {
        const errors = parsed.error.issues.map((i) => ({
          path: ['json', ...i.path.map(String)].join('.'),
          message: i.message,
        }))
        throw invalidRequest(errors.map((e) => `${e.path}: ${e.message}`).join('; '), { errors })
      }
      return c.json(await completeUpload(c, router, base, uploadId, parsed.data.parts), 200)
    }
    if (uploads === undefined) {
      throw invalidRequest('POST needs ?uploads (start an upload) or ?uploadId=ID (complete one)', {
        errors: [{ path: 'query.uploads', message: 'required without uploadId' }],
      })
    }
    return c.json(await startUpload(c, router, base), 201)
  },
)

const AbortQuery = z.object({
  uploadId: z
    .string({
      // A DELETE on a file's path without an upload id reads as "delete this file", which it is not.
      error:
        'DELETE on a file path aborts a multipart upload and needs its uploadId; stored files are deleted by time range: DELETE /flows/archive?router=R&from=T&to=T',
    })
    .min(1),
})

const deleteUpload = createRoute({
  method: 'delete',
  path: '/archive/{router}/{path}',
  tags: ['Flow archive'],
  summary: 'Abort a multipart upload and drop its parts',
  security: [{ bearer: [] }],
  request: { params: Params, query: AbortQuery },
  responses: {
    204: { description: 'Aborted (also when it was already aborted)' },
    409: problemResponse('The upload was completed: its file is stored and stays'),
    ...noSuchUpload,
    ...unavailable,
    ...archiveErrors,
  },
})

flowArchiveFileRoutes.openapi(
  nested(deleteUpload, { params: Params, query: AbortQuery }),
  async (c) => {
    const { router, path } = c.req.valid('param')
    const base = archivePath(router, path)
    await abortUpload(c, router, base, c.req.valid('query').uploadId)
    return c.body(null, 204)
  },
)
