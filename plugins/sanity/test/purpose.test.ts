/**
 * Issue 23 in the plugin, against the fake lake and testkit's fake API: a decorative answer is a
 * suggestion (never written as alt=""), long descriptions go to `longDescriptionField` only when
 * asked (and are priced in the estimate), the field button's asset write keeps a person's text.
 */
import { createClient as createAltTextClient } from '@alttextapi/core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { backfillAssets, estimateBackfill } from '../src/backfill/index.js'
import { saveFieldAnswer } from '../src/provenance/field-answer.js'
import { markDecorativeAsset, type ReviewAsset } from '../src/provenance/review.js'
import { provenanceText } from '../src/studio/format.js'
import { describer, type Env, startEnv } from './helpers.js'

let env: Env
beforeAll(async () => {
  env = await startEnv()
})
afterAll(() => env.close())
afterEach(() => {
  env.sanity.docs.clear()
  env.resetAlt()
})

const id = (name: string) => `image-${name}-640x480-jpg`
const asset = (name: string, extra: Record<string, unknown> = {}) => ({
  _id: id(name),
  _type: 'sanity.imageAsset',
  originalFilename: `${name}.png`,
  ...extra,
})
/** Answers by asset name (in the image URL). */
function answers(map: Record<string, string | Record<string, unknown>>) {
  env.alt.program({
    altText: (image) =>
      (Object.entries(map).find(([name]) => image.imageUrl?.includes(`/${name}-`))?.[1] ??
        'unexpected') as never,
  })
}
const sent = () => env.alt.requests.filter((r) => r.path === '/v1/alt-text').map((r) => r.body)

describe('backfill: purpose-aware answers', () => {
  it('stores a decorative answer as unreviewed machine text with the suggestion, never as alt=""', async () => {
    env.sanity.put(asset('divider'), asset('kite'))
    answers({
      divider: { altText: 'A thin grey line', decorative: true, kind: 'illustration' },
      kite: 'A red kite',
    })
    const outcomes: Array<{ assetId: string; decorative?: boolean }> = []
    const summary = await backfillAssets({
      client: env.client,
      describe: describer(env),
      onAsset: (o) => outcomes.push(o),
    })
    expect(summary).toMatchObject({ written: 2, failed: 0 })
    expect(env.sanity.docs.get(id('divider'))).toMatchObject({
      altText: 'A thin grey line',
      altTextProvenance: {
        machineText: 'A thin grey line',
        decorative: true,
        kind: 'illustration',
      },
    })
    expect(env.sanity.docs.get(id('kite'))?.altTextProvenance).not.toHaveProperty('decorative')
    expect(outcomes.find((o) => o.assetId === id('divider'))?.decorative).toBe(true)
    expect(outcomes.find((o) => o.assetId === id('kite'))?.decorative).toBeUndefined()
    // Not asked: no long description requested, none stored.
    expect(sent().every((body) => body.long === undefined)).toBe(true)
  })

  it('a decorative answer without text fails the asset: nothing is written', async () => {
    env.sanity.put(asset('spacer'))
    answers({ spacer: { altText: '', decorative: true } })
    const summary = await backfillAssets({ client: env.client, describe: describer(env) })
    expect(summary).toMatchObject({ written: 0, failed: 1 })
    expect(summary.errors[0]?.message).toMatch(/decorative and gave no text/)
    expect(env.sanity.docs.get(id('spacer'))).not.toHaveProperty('altText')
  })

  it('with longDescriptionField asks long: true and stores the long description where the field is empty', async () => {
    env.sanity.put(
      asset('chart'),
      asset('diagram', { description: 'Written by the archivist' }),
      asset('photo'),
    )
    answers({
      chart: {
        altText: 'Bar chart of sightings per month',
        kind: 'chart',
        longDescription: 'Sightings rise from 4 in January to 31 in July.',
      },
      diagram: { altText: 'Flow diagram', kind: 'diagram', longDescription: 'Three steps.' },
      photo: 'A heron',
    })
    const summary = await backfillAssets({
      client: env.client,
      describe: describer(env),
      longDescriptionField: 'description',
    })
    expect(summary).toMatchObject({ written: 3, failed: 0 })
    expect(sent().every((body) => body.long === true)).toBe(true)
    expect(env.sanity.docs.get(id('chart'))).toMatchObject({
      altText: 'Bar chart of sightings per month',
      description: 'Sightings rise from 4 in January to 31 in July.',
      altTextProvenance: { kind: 'chart' },
    })
    // A description someone wrote is kept.
    expect(env.sanity.docs.get(id('diagram'))?.description).toBe('Written by the archivist')
    expect(env.sanity.docs.get(id('photo'))).not.toHaveProperty('description')
  })

  it('the estimate prices the long description when it is asked', async () => {
    env.sanity.put(asset('a'), asset('b'))
    const altClient = createAltTextClient({ apiKey: env.alt.key, baseUrl: env.alt.url })
    const plain = await estimateBackfill({ client: env.client, altClient })
    const long = await estimateBackfill({ client: env.client, altClient, long: true })
    expect(plain).toMatchObject({ creditsPerImage: 1, estimatedCredits: 2 })
    expect(long.creditsPerImage).toBeGreaterThan(plain.creditsPerImage)
    expect(long.estimatedCredits).toBe(2 * long.creditsPerImage)
  })
})

describe('the field button on the asset', () => {
  const loaded = async (name: string) =>
    (await env.client.getDocument(id(name))) as unknown as ReviewAsset
  const answer = {
    altText: 'A thin grey line',
    creditsUsed: 1,
    creditsRemaining: 99,
    model: 'cheap',
    language: 'en',
    decorative: true,
    kind: 'illustration',
  }

  it('an accepted decorative suggestion stores alt "" reviewed by the editor', async () => {
    env.sanity.put(asset('rule'))
    const wrote = await saveFieldAnswer(env.client, await loaded('rule'), answer, {
      decorative: true,
      reviewer: { id: 'pEditor' },
    })
    expect(wrote).toBe(true)
    const stored = env.sanity.docs.get(id('rule'))
    expect(stored).toMatchObject({
      altText: '',
      altTextProvenance: {
        machineText: 'A thin grey line',
        decorative: true,
        reviewedBy: 'pEditor',
      },
    })
    expect(provenanceText(stored as never)).toMatch(/^Marked decorative/)
  })

  it("keeps a person's library text (nothing written) and refuses a text changed since it was read", async () => {
    env.sanity.put(asset('human', { altText: 'Written by a person' }), asset('race'))
    expect(await saveFieldAnswer(env.client, await loaded('human'), answer)).toBe(false)
    expect(env.sanity.docs.get(id('human'))?.altText).toBe('Written by a person')

    const before = await loaded('race')
    env.sanity.edit(id('race'), (doc) => {
      doc.altText = 'A colleague was faster'
    })
    await expect(saveFieldAnswer(env.client, before, answer)).rejects.toThrow(
      /changed since it was read; nothing was saved/,
    )
    expect(env.sanity.docs.get(id('race'))?.altText).toBe('A colleague was faster')
  })

  it('stores the long description on the asset only where its field is empty', async () => {
    env.sanity.put(asset('chart'))
    await saveFieldAnswer(
      env.client,
      await loaded('chart'),
      { ...answer, decorative: undefined, longDescription: 'Rising, then falling.' },
      { longDescriptionField: 'longDescription' },
    )
    expect(env.sanity.docs.get(id('chart'))).toMatchObject({
      altText: 'A thin grey line',
      longDescription: 'Rising, then falling.',
    })
  })
})

describe('review: Mark decorative', () => {
  it('only for an unreviewed machine text the machine judged decorative', async () => {
    env.sanity.put(
      asset('plain', {
        altText: 'A kite',
        altTextProvenance: { machineText: 'A kite', generatedAt: '2026-12-01T00:00:00Z' },
      }),
    )
    const plain = (await env.client.getDocument(id('plain'))) as unknown as ReviewAsset
    await expect(markDecorativeAsset(env.client, plain, { id: 'pEditor' })).rejects.toThrow(
      /judged decorative/,
    )
    expect(env.sanity.docs.get(id('plain'))?.altText).toBe('A kite')
  })

  it('a member who may not edit gets 403 in words, and nothing changes', async () => {
    env.sanity.put(
      asset('dots', {
        altText: 'Dots',
        altTextProvenance: {
          machineText: 'Dots',
          decorative: true,
          generatedAt: '2026-12-01T00:00:00Z',
        },
      }),
    )
    const before = structuredClone(env.sanity.docs.get(id('dots')))
    const loadedDots = (await env.client.getDocument(id('dots'))) as unknown as ReviewAsset
    await expect(markDecorativeAsset(env.viewer, loadedDots, { id: 'pViewer' })).rejects.toThrow(
      /You may not edit dots\.png .*403.*nothing was changed/,
    )
    expect(env.sanity.docs.get(id('dots'))).toEqual(before)
  })
})
