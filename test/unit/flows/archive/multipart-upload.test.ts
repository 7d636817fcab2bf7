import { describe, expect, it } from 'vitest'
import { headerFromHead } from '../../../../src/flows/archive/header-sniff'
import {
  decodeUploadId,
  describePartNumbers,
  encodeUploadId,
  missingPartNumbers,
  newStagingToken,
  sameSpan,
} from '../../../../src/flows/archive/multipart-upload'
import { FlowParseError } from '../../../../src/flows/flow-errors'
import { fixture } from '../flow-test-helpers'

describe('upload ids', () => {
  it('round-trip the day and any R2 upload id, query-safe', () => {
    for (const r2 of ['abc', 'a+b/c==', 'ABPnzm4Gx-_~.x', 'ü'.repeat(40)]) {
      const id = encodeUploadId('2010-11-09', r2)
      expect(id, r2).toMatch(/^2010-11-09\.[A-Za-z0-9_-]+$/)
      expect(decodeUploadId(id)).toEqual({ day: '2010-11-09', r2UploadId: r2 })
    }
  })
  it('carry the span the upload was started with, for the check of part 1', () => {
    const span = { start: 1289260800, end: 1289261700, endEstimated: true, source: 'name' as const }
    const id = encodeUploadId('2010-11-09', 'a+b/c==', span)
    expect(id).toMatch(/^2010-11-09\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/)
    expect(decodeUploadId(id)).toEqual({ day: '2010-11-09', r2UploadId: 'a+b/c==', span })
    // A span segment that is not one: not an id of this archive.
    expect(decodeUploadId(`${id.split('.').slice(0, 2).join('.')}.YWJj`)).toBeNull()
  })
  it('carry the staging token the parts go to', () => {
    const span = {
      start: 1289260800,
      end: 1289261700,
      endEstimated: false,
      source: 'header' as const,
    }
    const token = newStagingToken()
    expect(token).toMatch(/^[A-Za-z0-9_-]{16}$/)
    expect(newStagingToken()).not.toBe(token)
    const id = encodeUploadId('2010-11-09', 'a+b/c==', span, token)
    expect(decodeUploadId(id)).toEqual({
      day: '2010-11-09',
      r2UploadId: 'a+b/c==',
      span,
      staging: token,
    })
    // A token of another length is not one of ours.
    expect(decodeUploadId(`${id}x`)).toBeNull()
  })
  it('refuse what this archive never handed out', () => {
    for (const id of [
      '',
      'abc',
      '2010-11-09.',
      '2010-13-45.YWJj',
      '2010-11-09.YW!j',
      '2010-11-09/YWJj',
    ]) {
      expect(decodeUploadId(id), id).toBeNull()
    }
  })
})

describe('sameSpan', () => {
  const span = { start: 1, end: 2, endEstimated: false, source: 'header' as const }
  it('compares times, the estimate flag and the source', () => {
    expect(sameSpan(span, { ...span })).toBe(true)
    expect(sameSpan(span, { ...span, end: 3 })).toBe(false)
    expect(sameSpan(span, { ...span, source: 'name' })).toBe(false)
  })
})

describe('headerFromHead', () => {
  it('reads the header from the first bytes of a file, and names a short or foreign head', () => {
    const file = fixture('seed/2010-11-09/ft-v05.2010-11-09.000000+0000')
    expect(headerFromHead(file.subarray(0, 65536)).final).toBe(true)
    expect(() => headerFromHead(file.subarray(0, 20))).toThrow(FlowParseError)
    expect(() => headerFromHead(new TextEncoder().encode('<html>'))).toThrow(/bad magic/)
  })
})

describe('missingPartNumbers', () => {
  it('names the numbers a completion list skips: a file is parts 1..N', () => {
    expect(missingPartNumbers([1, 2, 4])).toEqual([3])
    expect(missingPartNumbers([2, 1, 3])).toEqual([])
    expect(missingPartNumbers([1])).toEqual([])
    expect(missingPartNumbers([3])).toEqual([1, 2])
    expect(missingPartNumbers([1, 2, 9, 12])).toEqual([3, 4, 5, 6, 7, 8, 10, 11])
    expect(describePartNumbers([3, 4, 5, 6, 7, 8, 10, 11, 14])).toBe('3-8, 10-11, 14')
  })
})
