import { createClient as createAltTextClient } from '@alttextapi/core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import {
  type AssetOutcome,
  backfillAssets,
  createBackfillControl,
  estimateBackfill,
} from '../src/backfill/index.js'
import {
  describer,
  type Env,
  failNextSave,
  isDryRunMutate,
  savesSeen,
  savingWith,
  startEnv,
} from './helpers.js'

let env: Env
beforeAll(async () => {
  env = await startEnv()
})
afterAll(() => env.close())
afterEach(() => {
  env.sanity.docs.clear()
  env.sanity.seen.length = 0
  env.sanity.beforeMutate = undefined
  env.sanity.failMutations = 0
  env.resetAlt()
})

const asset = (n: number, extra: Record<string, unknown> = {}) => ({
  _id: `image-a${String(n).padStart(3, '0')}-640x480-jpg`,
  _type: 'sanity.imageAsset',
  originalFilename: `IMG_${n}.jpg`,
  ...extra,
})

function library(count: number) {
  for (let n = 1; n <= count; n++) env.sanity.put(asset(n))
}

const altOf = (n: number) =>
  env.sanity.docs.get(`image-a${String(n).padStart(3, '0')}-640x480-jpg`)?.altText

/** Mutate requests that write (the run's one dry-run write check excepted). */
const mutateCount = () => savesSeen(env.sanity).length

describe('backfillAssets', () => {
  it('fills every asset lacking altText, a transaction per page, and reports progress', async () => {
    library(7)
    env.sanity.put(asset(8, { altText: 'Kept' }), asset(9, { altText: '' }))
    const progress: number[] = []
    const summary = await backfillAssets({
      client: env.client,
      describe: describer(env),
      batchSize: 3,
      onProgress: (p) => progress.push(p.processed),
    })
    expect(summary).toMatchObject({
      total: 7,
      processed: 7,
      written: 7,
      failed: 0,
      end: 'done',
      creditsUsed: 7,
    })
    expect(summary.creditsRemaining).toBe(93)
    for (let n = 1; n <= 7; n++) expect(altOf(n)).toBe(`Alt for a${String(n).padStart(3, '0')}`)
    expect(altOf(8)).toBe('Kept')
    expect(altOf(9)).toBe('')
    expect(mutateCount()).toBe(3)
    expect(env.sanity.seen.filter(isDryRunMutate)).toHaveLength(1)
    expect(progress.at(-1)).toBe(7)
    expect(progress).toEqual([...progress].sort((a, b) => a - b))
  })

  it('sends the reduced pipeline URL and context from title, file name and documents using it', async () => {
    env.sanity.put(asset(1, { title: 'Harbour at dusk', originalFilename: 'harbour-lights.jpg' }), {
      _id: 'post-1',
      _type: 'post',
      title: 'Our town',
      language: 'fr',
      img: { asset: { _ref: asset(1)._id } },
    })
    await backfillAssets({ client: env.client, describe: describer(env) })
    const call = env.alt.images[0]
    expect(call?.imageUrl).toBe(`${env.sanity.url}/images/testproj/production/a001-640x480.jpg`)
    expect(call?.context).toBe(
      'Page title: Our town\nCaption: Harbour at dusk\nFile name: harbour-lights',
    )
    expect(call?.language).toBe('fr')
  })

  it('a configured language wins; meaningless camera file names are not sent', async () => {
    env.sanity.put(asset(1))
    await backfillAssets({ client: env.client, describe: describer(env), language: 'nb-NO' })
    expect(env.alt.images[0]?.language).toBe('nb-NO')
    expect(env.alt.images[0]?.context).toBeUndefined()
  })

  it('dry run lists without calling the API or writing', async () => {
    library(4)
    const planned: AssetOutcome[] = []
    const summary = await backfillAssets({
      client: env.client,
      describe: describer(env),
      dryRun: true,
      batchSize: 3,
      onAsset: (o) => planned.push(o),
    })
    expect(planned.map((o) => o.status)).toEqual(['planned', 'planned', 'planned', 'planned'])
    expect(summary.processed).toBe(4)
    expect(env.alt.images).toHaveLength(0)
    expect(mutateCount()).toBe(0)
  })

  it('honours --limit and resumes on the next run with what is still missing', async () => {
    library(5)
    const first = await backfillAssets({
      client: env.client,
      describe: describer(env),
      limit: 2,
      batchSize: 10,
    })
    expect(first).toMatchObject({ processed: 2, written: 2, end: 'limit' })
    const second = await backfillAssets({ client: env.client, describe: describer(env) })
    expect(second).toMatchObject({ total: 3, written: 3, end: 'done' })
    expect(env.alt.images).toHaveLength(5)
    for (let n = 1; n <= 5; n++) expect(altOf(n)).toBeTypeOf('string')
  })

  it('records failures, moves on, and a rerun retries them', async () => {
    library(4)
    env.alt.fail({
      image: { imageUrlIncludes: '/a002-' },
      code: 'model_error',
      times: Number.POSITIVE_INFINITY,
    })
    const summary = await backfillAssets({
      client: env.client,
      describe: describer(env),
      batchSize: 2,
    })
    expect(summary).toMatchObject({ written: 3, failed: 1, end: 'done' })
    expect(summary.errors).toEqual([
      expect.objectContaining({ assetId: asset(2)._id, code: 'model_error' }),
    ])
    env.resetAlt()
    const again = await backfillAssets({ client: env.client, describe: describer(env) })
    expect(again).toMatchObject({ total: 1, written: 1 })
  })

  it('an empty answer is not written (it would mark the asset decorative for good)', async () => {
    library(2)
    env.altTextFor.set('/a002-', '')
    const summary = await backfillAssets({ client: env.client, describe: describer(env) })
    expect(summary).toMatchObject({ written: 1, failed: 1 })
    expect(altOf(2)).toBeUndefined()
  })

  it('an asset whose altText is null is really written, not re-described on every run', async () => {
    env.sanity.put(asset(1, { altText: null }))
    const summary = await backfillAssets({ client: env.client, describe: describer(env) })
    expect(summary).toMatchObject({ written: 1, failed: 0 })
    expect(altOf(1)).toBe('Alt for a001')
    const again = await backfillAssets({ client: env.client, describe: describer(env) })
    expect(again).toMatchObject({ total: 0, written: 0 })
    expect(env.alt.images).toHaveLength(1)
  })

  it('stops at a fatal error (no credits) after saving what was paid for', async () => {
    library(6)
    env.alt.program({ balance: 3 })
    const summary = await backfillAssets({
      client: env.client,
      describe: describer(env),
      batchSize: 4,
      concurrency: 1,
    })
    expect(summary.end).toBe('fatal')
    expect(summary.fatal?.code).toBe('insufficient_credits')
    expect(summary.written).toBe(3)
    expect([1, 2, 3].map(altOf).every(Boolean)).toBe(true)
    expect(altOf(4)).toBeUndefined()
  })

  it('an asset edited meanwhile is re-tried alone; one that got alt elsewhere is kept', async () => {
    library(3)
    env.alt.program({
      onImage: (call) => {
        if (call.imageUrl?.includes('/a002-'))
          env.sanity.edit(asset(2)._id, (d) => {
            d.altText = 'Written in the Media tab'
          })
        if (call.imageUrl?.includes('/a003-'))
          env.sanity.edit(asset(3)._id, (d) => {
            d.title = 'Renamed'
          })
      },
    })
    const summary = await backfillAssets({
      client: env.client,
      describe: describer(env),
      batchSize: 3,
    })
    expect(altOf(2)).toBe('Written in the Media tab')
    expect(altOf(1)).toBe('Alt for a001')
    expect(summary.skipped).toBe(2)
    expect(summary.written).toBe(1)
    // Asset 3 only changed its title: the next run picks it up again.
    env.resetAlt()
    const again = await backfillAssets({ client: env.client, describe: describer(env) })
    expect(again.written).toBe(1)
    expect(altOf(3)).toBe('Alt for a003')
  })

  it('a failing Sanity write fails the page, not the run', async () => {
    library(4)
    failNextSave(env.sanity)
    const summary = await backfillAssets({
      client: env.client,
      describe: describer(env),
      batchSize: 2,
    })
    expect(summary).toMatchObject({ written: 2, failed: 2, end: 'done' })
    expect(summary.errors[0]?.code).toBe('sanity_error')
  })

  it('pauses and resumes between images, and stops cleanly', async () => {
    library(6)
    const control = createBackfillControl()
    env.alt.program({
      onImage: () => {
        if (env.alt.images.length === 2) control.pause()
      },
    })
    const run = backfillAssets({
      client: env.client,
      describe: describer(env),
      control,
      batchSize: 3,
      concurrency: 1,
    })
    await new Promise((r) => setTimeout(r, 150))
    expect(control.state).toBe('paused')
    expect(env.alt.images).toHaveLength(2)
    env.alt.program({
      onImage: () => {
        if (env.alt.images.length === 4) control.stop()
      },
    })
    control.resume()
    const summary = await run
    expect(summary.end).toBe('stopped')
    expect(summary.written).toBe(4)
    expect(env.alt.images).toHaveLength(4)
  })

  it('without a token, Sanity refuses the write check (401): fatal before any image is described', async () => {
    library(1)
    const summary = await backfillAssets({ client: env.anonymous, describe: describer(env) })
    expect(summary).toMatchObject({ end: 'fatal', failed: 0, creditsUsed: 0 })
    expect(summary.fatal?.message).toMatch(/write access/)
    expect(env.alt.images).toHaveLength(0)
    expect(altOf(1)).toBeUndefined()
  })

  it('a token that may read but not write (403) ends the run before any credit is spent', async () => {
    library(30)
    const seen: AssetOutcome[] = []
    const summary = await backfillAssets({
      client: env.viewer,
      describe: describer(env),
      batchSize: 10,
      onAsset: (o) => seen.push(o),
    })
    expect(summary).toMatchObject({
      end: 'fatal',
      processed: 0,
      written: 0,
      failed: 0,
      creditsUsed: 0,
      fatal: { code: 'sanity_forbidden' },
    })
    expect(summary.fatal?.message).toMatch(/403.*Insufficient permissions/)
    expect(summary.fatal?.message).toMatch(/write access.*Editor.*write permission/)
    expect(seen).toHaveLength(0)
    expect(env.alt.requests).toHaveLength(0)
    expect(env.sanity.seen.filter(isDryRunMutate)).toHaveLength(1)
    expect(mutateCount()).toBe(0)
  })

  it('a save refused (403) after the write check passed stops the run after that page', async () => {
    library(6)
    const summary = await backfillAssets({
      client: savingWith(env.client, env.viewer),
      describe: describer(env),
      batchSize: 2,
      concurrency: 1,
    })
    expect(summary).toMatchObject({ end: 'fatal', written: 0, failed: 0 })
    expect(summary.fatal?.code).toBe('sanity_forbidden')
    expect(summary.fatal?.message).toMatch(/write access/)
    // The first page was described (and paid); no further image was sent.
    expect(env.alt.images).toHaveLength(2)
    expect(mutateCount()).toBe(1)
    for (let n = 1; n <= 6; n++) expect(altOf(n)).toBeUndefined()
  })
})

describe('estimateBackfill', () => {
  it('counts the assets lacking alt and prices them with the chosen model', async () => {
    library(5)
    env.sanity.put(asset(6, { altText: 'x' }))
    const altClient = createAltTextClient({
      apiKey: env.alt.key,
      baseUrl: env.alt.url,
      maxRetries: 0,
    })
    expect(await estimateBackfill({ client: env.client, altClient })).toEqual({
      missing: 5,
      creditsPerImage: 1,
      estimatedCredits: 5,
      balance: 100,
      model: 'cheap',
    })
    const fancy = await estimateBackfill({ client: env.client, altClient, model: 'fancy' })
    expect(fancy).toMatchObject({ estimatedCredits: 15, model: 'fancy' })
    const noKey = createAltTextClient({ baseUrl: env.alt.url, maxRetries: 0 })
    expect(
      (await estimateBackfill({ client: env.client, altClient: noKey })).balance,
    ).toBeUndefined()
  })
})
