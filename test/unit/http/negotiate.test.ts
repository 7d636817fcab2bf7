import type { Context } from 'hono'
import { describe, expect, it } from 'vitest'
import { preferredType } from '../../../src/http/negotiate'

function pick(accept: string | undefined, supports = ['application/json', 'text/plain'] as const) {
  const c = { req: { header: () => accept } } as unknown as Context
  return preferredType(c, supports, 'application/json')
}

describe('preferredType', () => {
  it('takes the highest q-value, the most specific range naming each type', () => {
    expect(pick('application/json;q=0.1, text/plain;q=0.9')).toBe('text/plain')
    expect(pick('text/*')).toBe('text/plain')
    expect(pick('text/*;q=0.5, application/json;q=0.4')).toBe('text/plain')
    // text/plain names it more precisely than text/*: its q=0.1 counts, not text/*'s 1.
    expect(pick('text/*, text/plain;q=0.1, application/json;q=0.5')).toBe('application/json')
  })

  it('never answers with a refused type, */* or not', () => {
    expect(pick('application/json;q=0, */*')).toBe('text/plain')
    expect(pick('text/plain;q=0, application/json')).toBe('application/json')
    expect(pick('*;q=0.2, application/json;q=0')).toBe('text/plain')
  })

  it('falls back on a tie, no header, nothing acceptable or nonsense', () => {
    expect(pick(undefined)).toBe('application/json')
    expect(pick('*/*')).toBe('application/json')
    expect(pick('text/html')).toBe('application/json')
    expect(pick('garbage;;;, ,')).toBe('application/json')
    expect(pick('text/plain;q=2')).toBe('text/plain')
  })
})
