/**
 * The OpenAPI document the real Worker serves, checked by an independent validator
 * (@apidevtools/swagger-parser: the OpenAPI 3.1 JSON Schema plus its own rules). The parser runs
 * in Node, so this test asks `wrangler dev` rather than the workerd test pool.
 */
import SwaggerParser from '@apidevtools/swagger-parser'
import type { OpenAPI } from 'openapi-types'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

interface Testkit {
  startApi(options: {
    vars: Record<string, string>
  }): Promise<{ url: string; stop(): Promise<void> }>
}

const testkit = (await import(
  new URL('../../../testkit/src/index.js', import.meta.url).href
)) as Testkit

let api: Awaited<ReturnType<Testkit['startApi']>>

beforeAll(async () => {
  api = await testkit.startApi({ vars: {} })
})

afterAll(async () => {
  await api?.stop()
})

describe('GET /v1/openapi.json under wrangler dev', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    const res = await fetch(`${api.url}/v1/openapi.json`)
    expect(res.status).toBe(200)
    const document = (await res.json()) as OpenAPI.Document & { openapi: string }
    expect(document.openapi).toBe('3.1.0')
    await expect(SwaggerParser.validate(document)).resolves.toMatchObject({ openapi: '3.1.0' })
  })

  it('is refused by the same validator when broken (the check can fail)', async () => {
    const res = await fetch(`${api.url}/v1/openapi.json`)
    const document = (await res.json()) as { paths: Record<string, unknown> }
    document.paths['/v1/keys/{id}'] = { delete: { responses: {}, parameters: 'x' } }
    await expect(SwaggerParser.validate(document as unknown as OpenAPI.Document)).rejects.toThrow()
  })
})
