// The served OpenAPI document, checked by a real validator (swagger-parser: the OpenAPI 3.1
// schema and its $refs) rather than only by our own assertions on its shape.
import SwaggerParser from '@apidevtools/swagger-parser'
import { describe, expect, inject, it } from 'vitest'

const BASE = inject('baseUrl')

describe('/openapi.json', () => {
  it('is a valid OpenAPI 3.1 document with a unique operationId on every operation', async () => {
    const res = await fetch(`${BASE}/openapi.json`)
    expect(res.status).toBe(200)
    const doc = (await res.json()) as {
      paths: Record<string, Record<string, { operationId?: string }>>
    }
    // validate() throws, naming the pointer, on the first schema or $ref error.
    await expect(SwaggerParser.validate(structuredClone(doc) as never)).resolves.toBeTruthy()
    const ids = Object.values(doc.paths).flatMap((ops) =>
      Object.values(ops).map((op) => op.operationId),
    )
    expect(ids.length).toBeGreaterThan(50)
    expect(ids.every((id) => typeof id === 'string' && /^[a-z][A-Za-z0-9]+$/.test(id))).toBe(true)
    expect(new Set(ids).size).toBe(ids.length)
    expect(doc.paths['/checks/{id}/graph.svg']?.get?.operationId).toBe('getChecksByIdGraphSvg')
  })

  it('says where the token is optional, and lists no JSON-body error for a GET', async () => {
    const doc = (await (await fetch(`${BASE}/openapi.json`)).json()) as {
      paths: Record<string, Record<string, { security?: unknown; responses: object }>>
    }
    const lookup = doc.paths['/dns/lookup']
    const readiness = doc.paths['/dns/ipv6-readiness']?.get
    expect(lookup?.get?.security).toEqual([{}, { bearer: [] }])
    expect(lookup?.post?.security).toEqual([{}, { bearer: [] }])
    expect(readiness?.security).toEqual([{}, { bearer: [] }])
    expect(Object.keys(readiness?.responses ?? {})).not.toContain('400')
    expect(Object.keys(lookup?.post?.responses ?? {})).toContain('400')
  })
})
