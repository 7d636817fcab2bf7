// R2's refusals of calls on an upload, mapped to what the API promises: NoSuchUpload is "no such
// upload" (404); InternalError (10001) is R2's "try again" (503) for a part or a completion, and
// "nothing to drop" for an abort (Miniflare also answers an id it never issued so).
import { describe, expect, it } from 'vitest'
import {
  ArchiveUploadError,
  abortMultipart,
  completeMultipart,
} from '../../src/storage/archive-multipart'

function bucketFailing(message: string): R2Bucket {
  const fail = async () => {
    throw new Error(message)
  }
  return {
    resumeMultipartUpload: () => ({ complete: fail, abort: fail, uploadPart: fail }),
  } as unknown as R2Bucket
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p
  } catch (err) {
    if (err instanceof ArchiveUploadError) return err.code
    throw err
  }
  throw new Error('expected a refusal')
}

describe('multipart calls on an unknown upload', () => {
  it('an internal error is a retry for a completion, nothing to drop for an abort', async () => {
    const internal = bucketFailing(
      'completeMultipartUpload: We encountered an internal error. (10001)',
    )
    // A real passing error must not tell a client to give up on a live upload.
    expect(await codeOf(completeMultipart(internal, 'k', 'forged', []))).toBe('unavailable')
    expect(await codeOf(abortMultipart(internal, 'k', 'forged'))).toBe('no_such_upload')
    const unknown = bucketFailing(
      'completeMultipartUpload: The specified multipart upload does not exist. (10024)',
    )
    expect(await codeOf(completeMultipart(unknown, 'k', 'gone', []))).toBe('no_such_upload')
  })

  it('keeps the other refusals as they are', async () => {
    const invalid = bucketFailing(
      'completeMultipartUpload: One or more of the specified parts could not be found. (10025)',
    )
    expect(await codeOf(completeMultipart(invalid, 'k', 'id', []))).toBe('invalid_part')
  })
})
