import { describe, expect, it } from 'vitest'
import { operationIdFor, withOperationIds } from '../../../src/http/operation-ids'

describe('operationIdFor', () => {
  it('names an operation by its method and path segments, parameters as By…', () => {
    expect(operationIdFor('get', '/checks/{id}/graph.svg')).toBe('getChecksByIdGraphSvg')
    expect(operationIdFor('post', '/generate/linux-iproute2')).toBe('postGenerateLinuxIproute2')
    expect(operationIdFor('PUT', '/flows/archive/{router}/{path}')).toBe(
      'putFlowsArchiveByRouterByPath',
    )
    expect(operationIdFor('get', '/health')).toBe('getHealth')
  })
})

describe('withOperationIds', () => {
  it('fills in missing ids and keeps the ones a route names', () => {
    const doc = withOperationIds({
      paths: { '/a/{x}': { get: {}, delete: { operationId: 'removeA' } }, '/b': { post: {} } },
    })
    expect(doc.paths['/a/{x}']).toEqual({
      get: { operationId: 'getAByX' },
      delete: { operationId: 'removeA' },
    })
    expect(doc.paths['/b']).toEqual({ post: { operationId: 'postB' } })
  })

  it('refuses two operations with one id, naming both', () => {
    expect(() => withOperationIds({ paths: { '/a-b': { get: {} }, '/a/b': { get: {} } } })).toThrow(
      'operationId getAB of GET /a/b is also GET /a-b',
    )
  })
})
