/**
 * The main entry in the Workers runtime: bundle it as a Worker would be, run it in workerd
 * (Miniflare), and let it call the fake API — an answer, a retried 500, and a typed 402.
 */
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { Miniflare } from 'miniflare'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type FakeApi, startFakeApi } from '../../testkit/src/fake-api.js'

const KEY = 'atk_worker_test_key_0123456789abcdef'

const worker = `
import { createClient, isAltTextError, readConfig } from '../src/index.ts'
export default {
  async fetch(request, env) {
    const client = createClient({ ...readConfig({}, env), retryBaseMs: 1 })
    const bytes = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 9])
    try {
      const answer = await client.generate({ image: new Blob([bytes]), language: 'en' })
      return Response.json({ altText: answer.altText })
    } catch (error) {
      return Response.json({ isAltTextError: isAltTextError(error), code: error.code, message: error.message })
    }
  },
}`

let api: FakeApi
let mf: Miniflare
beforeAll(async () => {
  api = await startFakeApi({ key: KEY, altText: () => 'From a Worker' })
  const result = await build({
    stdin: {
      contents: worker,
      resolveDir: fileURLToPath(new URL('.', import.meta.url)),
      loader: 'ts',
    },
    bundle: true,
    platform: 'browser',
    conditions: ['workerd', 'worker'],
    format: 'esm',
    write: false,
    logLevel: 'silent',
  })
  mf = new Miniflare({
    modules: true,
    script: result.outputFiles[0]?.text ?? '',
    compatibilityDate: '2026-04-26',
    bindings: { ALTTEXT_API_KEY: KEY, ALTTEXT_API_URL: api.url },
  })
  await mf.ready
})
afterAll(async () => {
  await mf?.dispose()
  await api?.close()
})

describe('in workerd', () => {
  it('generates, retries a 500, and reports a 402 as a typed error', async () => {
    api.fail({ status: 500, code: 'internal_error' })
    const ok = await (await mf.dispatchFetch('http://worker/')).json()
    expect(ok).toEqual({ altText: 'From a Worker' })
    expect(api.requests).toHaveLength(2)
    expect(api.requests[1]?.headers.authorization).toBe(`Bearer ${KEY}`)
    expect(api.requests[1]?.body).toEqual({ image: 'iVBORw0KGgoJ', language: 'en' })

    api.fail({ code: 'insufficient_credits', message: 'Not enough credits' })
    const failed = await (await mf.dispatchFetch('http://worker/')).json()
    expect(failed).toMatchObject({ isAltTextError: true, code: 'insufficient_credits' })
    expect(api.requests.map((r) => r.status)).toEqual([500, 200, 402])
  })
})
