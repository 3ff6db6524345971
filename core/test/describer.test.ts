import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createClient, createDescriber, MemoryCache } from '../src/index.js'
import { altText, apiError, type FakeApi, json, startFakeApi } from './fake-server.js'

const KEY = 'atk_0123456789abcdefghijklmnopqrstuvwxyz'
const image = (n: number) => new Uint8Array([0xff, 0xd8, 0xff, 0xe0, n])

let api: FakeApi
beforeEach(async () => {
  api = await startFakeApi()
})
afterEach(async () => {
  await api.close()
})
const client = () => createClient({ apiKey: KEY, baseUrl: api.url, maxRetries: 0 })

describe('createDescriber', () => {
  it('describes identical images once, batches the rest, and serves a rerun from the cache', async () => {
    const cache = new MemoryCache()
    // Answers by image (hashing may reorder which image reaches the batch first).
    const names = ['zero', 'First', 'Second']
    api.script((_req, res, body) => {
      const images = (body as { images: { image: string }[] }).images
      const results = images.map(({ image }) => {
        const n = Buffer.from(image, 'base64')[4] ?? 0
        return { id: `${n}`, altText: names[n], language: 'de', model: 'm', creditsUsed: 1 }
      })
      json(200, { results, creditsUsed: 2, creditsRemaining: 8 })(_req, res, body)
    })
    // The batch goes when its second image arrives, however slow hashing is on a busy machine.
    const run = createDescriber({
      client: client(),
      cache,
      batch: { maxBatchSize: 2, maxWaitMs: 10_000 },
    })
    const answers = await Promise.all(
      [1, 2, 1].map((n) => run.describe({ bytes: image(n), language: 'de', context: 'Page' })),
    )
    expect(answers.map((a) => a.altText)).toEqual(['First', 'Second', 'First'])
    expect(answers.every((a) => !a.cached)).toBe(true)
    expect(api.seen).toHaveLength(1)
    expect(api.seen[0]?.body).toMatchObject({ images: [{}, {}] })
    expect(run.stats).toEqual({
      images: 3,
      cacheHits: 0,
      shared: 1,
      generated: 2,
      creditsUsed: 2,
      failed: 0,
    })

    const rerun = createDescriber({ client: client(), cache })
    const again = await rerun.describe({ bytes: image(2), language: 'de', context: 'Page' })
    expect(again).toMatchObject({ altText: 'Second', cached: true })
    expect(api.seen).toHaveLength(1)
    // Other options are another key: this one goes to the API.
    api.script(altText('Anders'))
    const other = await rerun.describe({ bytes: image(2), language: 'de', context: 'Other page' })
    expect(other).toMatchObject({ altText: 'Anders', cached: false })
  })

  it('prepares only on a miss, and sends the prepared bytes', async () => {
    const cache = new MemoryCache()
    let prepared = 0
    const prepare = async (bytes: Uint8Array) => {
      prepared++
      return { bytes: bytes.subarray(0, 4) }
    }
    api.script(altText('Small'))
    const run = createDescriber({ client: client(), cache, prepare, batch: false })
    await run.describe({ bytes: image(7) })
    await createDescriber({ client: client(), cache, prepare }).describe({ bytes: image(7) })
    expect(prepared).toBe(1)
    expect(api.seen[0]?.body).toEqual({
      image: Buffer.from(image(7).subarray(0, 4)).toString('base64'),
      language: 'en',
    })
  })

  it('does not remember failures: the next call tries again', async () => {
    api.script(apiError(402, 'insufficient_credits', 'No credits'), altText('Later'))
    const run = createDescriber({ client: client(), batch: false })
    await expect(run.describe({ bytes: image(1) })).rejects.toMatchObject({
      code: 'insufficient_credits',
    })
    expect((await run.describe({ bytes: image(1) })).altText).toBe('Later')
    expect(run.stats.failed).toBe(1)
  })
})
