/** The run-level client against testkit's fake of the API (real HTTP, the documented contract). */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type FakeApi, type FakeImage, startFakeApi } from '../../testkit/src/fake-api.js'
import {
  type CachedAltText,
  createClient,
  createDescriber,
  type DescribeEvent,
  MemoryCache,
  type Outcome,
} from '../src/index.js'

const KEY = 'atk_0123456789abcdefghijklmnopqrstuvwxyz'
const image = (n: number) => new Uint8Array([0xff, 0xd8, 0xff, 0xe0, n])

let api: FakeApi
beforeEach(async () => {
  api = await startFakeApi({ key: KEY })
})
afterEach(async () => {
  await api.close()
})
const client = () => createClient({ apiKey: KEY, baseUrl: api.url, maxRetries: 0 })
const textOf = (o: Outcome) => ('altText' in o ? o.altText : undefined)

/** The fifth byte of an image the fake received: which `image(n)` it is. */
const nOf = (image: FakeImage) => image.bytes?.[4] ?? 0
/** Describes every image by its fifth byte. */
const byImage = (names: string[]) => api.program({ altText: (i) => names[nOf(i)] ?? '?' })

describe('createDescriber', () => {
  it('describes identical images once, batches the rest, and serves a rerun from the cache', async () => {
    const cache = new MemoryCache()
    byImage(['zero', 'First', 'Second'])
    api.program({ balance: 10 })
    // The batch goes when its second image arrives, however slow hashing is on a busy machine.
    const run = createDescriber({
      client: client(),
      cache,
      batch: { maxBatchSize: 2, maxWaitMs: 10_000 },
    })
    const answers = await Promise.all(
      [1, 2, 1].map((n) => run.describe({ bytes: image(n), language: 'de', context: `Page ${n}` })),
    )
    expect(answers.map(textOf)).toEqual(['First', 'Second', 'First'])
    // Which of the two copies of image 1 goes first depends on which finishes hashing first.
    expect(answers.map((a) => a.status).sort()).toEqual(['cached', 'described', 'described'])
    expect(api.requests).toHaveLength(1)
    expect(api.requests[0]?.body).toMatchObject({ images: [{}, {}] })
    expect(run.summary()).toMatchObject({ described: 2, shared: 1, cached: 0, creditsUsed: 2 })
    expect(run.summary().creditsRemaining).toBe(8)

    // Nearby text is not part of the key: another page with the same image costs nothing.
    const rerun = createDescriber({ client: client(), cache })
    const again = await rerun.describe({ bytes: image(2), language: 'de', context: 'Other page' })
    expect(again).toMatchObject({ status: 'cached', altText: 'Second', shared: false })
    expect(api.requests).toHaveLength(1)
    // Another language is another key: this one goes to the API.
    api.program({ altText: () => 'Autre' })
    const other = await rerun.describe({ bytes: image(2), language: 'fr' })
    expect(other).toMatchObject({ status: 'described', altText: 'Autre' })
    expect(api.requests).toHaveLength(2)
    expect(api.requests[1]?.body).toMatchObject({ language: 'fr' })
  })

  it('fresh passes over cached machine text, never over text a person wrote', async () => {
    const entries = new Map<string, CachedAltText>()
    const cache = {
      get: async (key: string) => entries.get(key),
      set: async (key: string, value: CachedAltText) => void entries.set(key, value),
    }
    const run = () => createDescriber({ client: client(), cache, batch: false })
    api.program({ altText: () => 'A gull' })
    expect(await run().describe({ bytes: image(7), language: 'en' })).toMatchObject({
      status: 'described',
    })
    api.program({ altText: () => 'A herring gull on a post' })
    const again = await run().describe({ bytes: image(7), language: 'en', fresh: true })
    expect(again).toMatchObject({ status: 'described', altText: 'A herring gull on a post' })
    expect(api.requests).toHaveLength(2)
    expect(api.requests[1]?.body).toMatchObject({ fresh: true })
    // A person changes the text: fresh now answers theirs, from the cache, and sends nothing.
    for (const [key, value] of entries)
      entries.set(key, { ...value, altText: 'Gus', origin: 'edited' })
    const kept = await run().describe({ bytes: image(7), language: 'en', fresh: true })
    expect(kept).toMatchObject({ status: 'cached', altText: 'Gus', origin: 'edited' })
    expect(api.requests).toHaveLength(2)
  })

  it('sends fresh per item in a batch (the API would otherwise answer by reuse)', async () => {
    byImage(['zero', 'One', 'Two'])
    const run = createDescriber({ client: client(), batch: { maxBatchSize: 2, maxWaitMs: 10_000 } })
    await Promise.all([
      run.describe({ bytes: image(1), language: 'de', fresh: true }),
      run.describe({ bytes: image(2), language: 'de' }),
    ])
    const items = (
      (api.requests[0] as { body: unknown }).body as { images: Record<string, unknown>[] }
    ).images
    expect(items.map((item) => item.fresh)).toEqual(
      items.map((item) =>
        Buffer.from(item.image as string, 'base64')[4] === 1 ? true : undefined,
      ),
    )
    expect(items.filter((item) => item.fresh === true)).toHaveLength(1)
    expect(api.requests).toHaveLength(1)
  })

  it('prepares only on a miss, and sends the prepared bytes', async () => {
    const cache = new MemoryCache()
    let prepared = 0
    const prepare = async (bytes: Uint8Array) => {
      prepared++
      return { bytes: bytes.subarray(0, 4) }
    }
    api.program({ altText: () => 'Small' })
    const run = createDescriber({ client: client(), cache, prepare, batch: false })
    await run.describe({ bytes: image(7) })
    await createDescriber({ client: client(), cache, prepare }).describe({ bytes: image(7) })
    expect(prepared).toBe(1)
    expect(api.requests).toHaveLength(1)
    expect(api.requests[0]?.body).toEqual({
      image: Buffer.from(image(7).subarray(0, 4)).toString('base64'),
      language: 'en',
    })
  })

  it('stops a 20-image run on a 401 after at most `concurrency` requests, with one error', async () => {
    api.fail({
      status: 401,
      code: 'unauthorized',
      message: 'Invalid API key',
      times: Number.POSITIVE_INFINITY,
    })
    const events: DescribeEvent[] = []
    const run = createDescriber({
      client: client(),
      batch: false,
      concurrency: 3,
      onProgress: (event) => events.push(event),
    })
    const outcomes = await Promise.all(
      Array.from({ length: 20 }, (_, n) => run.describe({ bytes: image(n) })),
    )
    expect(api.requests.length).toBeGreaterThanOrEqual(1)
    expect(api.requests.length).toBeLessThanOrEqual(3)
    expect(outcomes.every((o) => o.status === 'stopped')).toBe(true)
    const errors = new Set(outcomes.map((o) => (o.status === 'stopped' ? o.error : undefined)))
    expect(errors.size).toBe(1)
    expect(run.fatal?.code).toBe('unauthorized')
    expect(run.fatal?.message).toMatch(/ALTTEXT_API_KEY/)
    expect(events.filter((e) => e.type === 'fatal')).toHaveLength(1)
    expect(events.filter((e) => e.type === 'image')).toHaveLength(20)
    expect(run.summary()).toMatchObject({ stopped: 20, failed: 0, described: 0 })
    // Later images do not reach the API either.
    expect((await run.describe({ bytes: image(99) })).status).toBe('stopped')
    expect(api.requests.length).toBeLessThanOrEqual(3)
  })

  it('stops when credits run out mid-run (402), keeping what was described', async () => {
    // Two images' worth of credits: the third call is refused (402) by the balance itself.
    api.program({ balance: 2 })
    const run = createDescriber({ client: client(), batch: false, concurrency: 1 })
    const outcomes = await Promise.all(
      Array.from({ length: 6 }, (_, n) => run.describe({ bytes: image(n) })),
    )
    // Hashing may finish out of order on a busy machine: which two were described may vary.
    const statuses = outcomes.map((o) => o.status).sort()
    expect(statuses).toEqual(['described', 'described', 'stopped', 'stopped', 'stopped', 'stopped'])
    expect(api.requests).toHaveLength(3)
    expect(run.summary()).toMatchObject({ described: 2, stopped: 4, creditsUsed: 2 })
    expect(run.summary().fatal?.code).toBe('insufficient_credits')
    expect(api.requests.map((r) => r.status)).toEqual([200, 200, 402])
  })

  it('stops on a fatal error inside a batch answer', async () => {
    api.fail({
      code: 'insufficient_credits',
      message: 'No credits left',
      image: (i: FakeImage) => nOf(i) === 2,
    })
    const run = createDescriber({ client: client(), batch: { maxBatchSize: 2, maxWaitMs: 5000 } })
    const outcomes = await Promise.all([1, 2].map((n) => run.describe({ bytes: image(n) })))
    expect(outcomes.map((o) => o.status).sort()).toEqual(['described', 'stopped'])
    expect((await run.describe({ bytes: image(3) })).status).toBe('stopped')
    expect(api.requests).toHaveLength(1)
  })

  it('treats an unreachable API as fatal', async () => {
    const url = api.url
    await api.close()
    const run = createDescriber({
      client: createClient({ apiKey: KEY, baseUrl: url, maxRetries: 0 }),
      batch: false,
    })
    const outcomes = await Promise.all([1, 2, 3].map((n) => run.describe({ bytes: image(n) })))
    expect(outcomes.every((o) => o.status === 'stopped')).toBe(true)
    expect(run.fatal?.code).toBe('network_error')
    api = await startFakeApi({ key: KEY })
  })

  it('groups per-image failures and goes on; the same image is not sent twice', async () => {
    api.fail({ code: 'unsupported_media_type', message: 'Not an image', times: 2 })
    const run = createDescriber({ client: client(), batch: false, concurrency: 1 })
    const outcomes = []
    for (const n of [1, 2, 1, 3]) outcomes.push(await run.describe({ bytes: image(n) }))
    expect(outcomes.map((o) => o.status)).toEqual(['failed', 'failed', 'failed', 'described'])
    expect(api.requests).toHaveLength(3)
    expect(run.fatal).toBeUndefined()
    const summary = run.summary()
    expect(summary.failed).toBe(3)
    expect(summary.failures).toEqual([
      { code: 'unsupported_media_type', message: expect.stringMatching(/^Not an image/), count: 3 },
    ])
  })

  it('keeps the budget: images over maxImages are skipped, not sent', async () => {
    const run = createDescriber({ client: client(), batch: false, budget: { maxImages: 2 } })
    const outcomes = await Promise.all([1, 2, 3, 4].map((n) => run.describe({ bytes: image(n) })))
    expect(outcomes.filter((o) => o.status === 'described')).toHaveLength(2)
    expect(api.requests).toHaveLength(2)
    expect(run.summary().skipped).toEqual({ 'budget of 2 images reached': 2 })
  })

  it('reports every image to onProgress with the live counters', async () => {
    const seen: string[] = []
    const run = createDescriber({
      client: client(),
      batch: false,
      concurrency: 1,
      onProgress: (event) => {
        if (event.type === 'image')
          seen.push(`${event.outcome.status}:${event.summary.described}+${event.summary.shared}`)
      },
    })
    for (const n of [1, 1, 2]) await run.describe({ bytes: image(n) })
    expect(seen).toEqual(['described:1+0', 'cached:1+1', 'described:2+1'])
    expect(api.requests).toHaveLength(2)
  })

  it('counts what a dry run would send, once per distinct image, and calls nothing', async () => {
    const run = createDescriber({ client: client(), dryRun: true })
    const outcomes = await Promise.all([1, 2, 1].map((n) => run.describe({ bytes: image(n) })))
    expect(outcomes.every((o) => o.status === 'skipped')).toBe(true)
    expect(run.summary()).toMatchObject({ planned: 2, skipped: { 'dry run': 3 } })
    expect(api.requests).toHaveLength(0)
  })

  it('reads reused and decorative from the answer', async () => {
    // The API described this image before (for another run): it answers by reuse, for free.
    api.program({ altText: () => ({ altText: '', decorative: true }) })
    await client().generate({ image: image(1) })
    const run = createDescriber({ client: client(), batch: false })
    const outcome = await run.describe({ bytes: image(1) })
    expect(api.requests).toHaveLength(2)
    expect(outcome).toMatchObject({ status: 'described', reused: true, decorative: true })
    expect(run.summary()).toMatchObject({ described: 1, reused: 1, decorative: 1, creditsUsed: 0 })
  })

  it('sends purpose and long, alone and in a batch, and keys the cache on them', async () => {
    api.program({
      altText: (i) =>
        i.purpose === 'link'
          ? { altText: 'Go to the shop', kind: 'logo' }
          : { altText: 'Sales rose in 2025', kind: 'chart', longDescription: 'Q1 10, Q2 20.' },
    })
    const cache = new MemoryCache()
    const single = createDescriber({ client: client(), cache, batch: false })
    const chart = await single.describe({ bytes: image(1), long: true })
    expect(api.requests[0]?.body).toMatchObject({ long: true })
    expect(api.requests[0]?.body).not.toHaveProperty('purpose')
    expect(chart).toMatchObject({
      status: 'described',
      kind: 'chart',
      longDescription: 'Q1 10, Q2 20.',
    })
    // The same bytes without `long` are another key: a second call, not the long answer.
    await single.describe({ bytes: image(1) })
    expect(api.requests).toHaveLength(2)
    expect(api.requests[1]?.body).not.toHaveProperty('long')
    expect(api.requests[1]?.status).toBe(200)
    // A cached long answer keeps its kind and long description.
    const again = await single.describe({ bytes: image(1), long: true })
    expect(again).toMatchObject({
      status: 'cached',
      kind: 'chart',
      longDescription: 'Q1 10, Q2 20.',
    })

    const batched = createDescriber({
      client: client(),
      batch: { maxBatchSize: 2, maxWaitMs: 10_000 },
    })
    const links = await Promise.all(
      [3, 4].map((n) =>
        batched.describe({ bytes: image(n), purpose: 'link', context: 'Link target: /shop' }),
      ),
    )
    expect(links.map((o) => 'kind' in o && o.kind)).toEqual(['logo', 'logo'])
    expect(api.requests[2]?.body).toMatchObject({
      images: [{ purpose: 'link' }, { purpose: 'link' }],
    })
    expect(api.requests).toHaveLength(3)
  })

  it('ignores a kind outside the list and an empty long description', async () => {
    // Outside the contract (a kind not in the list, an empty long description): a raw answer.
    api.fail({
      answer: {
        status: 200,
        body: {
          id: 'u',
          altText: 'A cat',
          language: 'en',
          model: 'm',
          creditsUsed: 1,
          creditsRemaining: 5,
          kind: 'hologram',
          longDescription: '',
        },
      },
    })
    const outcome = await createDescriber({ client: client(), batch: false }).describe({
      bytes: image(1),
    })
    expect(outcome.status).toBe('described')
    expect(outcome).not.toHaveProperty('kind')
    expect(outcome).not.toHaveProperty('longDescription')
    expect(api.requests).toHaveLength(1)
  })
})
