/**
 * The field button and the document action in a document of the BUILT example Studio in
 * Chromium (see studio-browser-env.ts), against the fake content lake and testkit's fake API.
 */
import { createHash } from 'node:crypto'
import type { Locator } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  EDITOR,
  type OpenStudio,
  openStudio,
  STUDIO_DATASET,
  STUDIO_PROJECT,
} from './studio-browser-env.js'

let studio: OpenStudio
beforeAll(async () => {
  studio = await openStudio()
}, 900_000)
afterAll(async () => {
  await studio?.close()
})

/** Asset ids as Sanity makes them (the Studio checks the shape: a 40-hex hash). */
const hash = (name: string) => createHash('sha1').update(name).digest('hex')
const assetId = (name: string) => `image-${hash(name)}-640x480-jpg`
const asset = (name: string) => ({
  _id: assetId(name),
  _type: 'sanity.imageAsset',
  originalFilename: `${name}.jpg`,
  url: `https://cdn.sanity.io/images/${STUDIO_PROJECT}/${STUDIO_DATASET}/${hash(name)}-640x480.jpg`,
})
const image = (name: string, extra: Record<string, unknown> = {}) => ({
  _type: 'image',
  asset: { _type: 'reference', _ref: assetId(name) },
  ...extra,
})
const secret = () => ({
  _id: 'secrets.alttextapi',
  _type: 'alttextapi.secret',
  apiKey: studio.env.alt.key,
})

/** Opens a post and returns the hero field's part of the plugin. */
async function openPost(id: string): Promise<Locator> {
  const action = studio.page.getByTestId('alttext-field-action').first()
  await studio.open(`/structure/post;${id}`, () =>
    action.getByRole('button', { name: /Generate alt text|Regenerate alt text/ }).waitFor({
      timeout: 60_000,
    }),
  )
  return action
}

describe('a document of the built Studio in Chromium', () => {
  it('the field button describes the image: the field gets the text, the asset the text and its provenance; axe finds no violations', async () => {
    const { env } = studio
    env.sanity.docs.clear()
    env.sanity.put(asset('kite'), secret(), {
      _id: 'post-kite',
      _type: 'post',
      title: 'Birds of the coast',
      language: 'en',
      hero: image('kite'),
    })
    env.altTextFor.set(hash('kite'), 'A red kite hovering above sand dunes')
    const action = await openPost('post-kite')
    await action.getByText('The image has no alt text in the library.').waitFor()
    expect(await studio.axe('[data-testid="alttext-field-action"]')).toEqual([])

    await action.getByRole('button', { name: 'Generate alt text' }).click()
    // The provenance of the text it wrote, read back from the lake.
    await action
      .getByText(
        /Library alt text: “A red kite hovering above sand dunes”\. Written by the machine \(cheap, en, \d{4}-\d\d-\d\d\), not reviewed\./,
      )
      .waitFor()
    expect(env.sanity.docs.get(assetId('kite'))).toMatchObject({
      altText: 'A red kite hovering above sand dunes',
      altTextProvenance: {
        _type: 'alttextapi.provenance',
        origin: 'machine',
        machineText: 'A red kite hovering above sand dunes',
        model: 'cheap',
        language: 'en',
      },
    })
    // The field: the Studio saves the editor's draft through the Actions API.
    await expect
      .poll(() => (env.sanity.docs.get('drafts.post-kite')?.hero as { alt?: string })?.alt)
      .toBe('A red kite hovering above sand dunes')
    expect(
      env.alt.requests.filter((r) => r.path === '/v1/alt-text').map((r) => r.body),
    ).toMatchObject([
      {
        imageUrl: expect.stringContaining(
          `/images/${STUDIO_PROJECT}/${STUDIO_DATASET}/${hash('kite')}-640x480.jpg`,
        ),
        language: 'en',
        context: expect.stringContaining('Birds of the coast'),
      },
    ])
    await action.getByRole('button', { name: 'Regenerate alt text' }).waitFor()
    expect(await studio.axe('[data-testid="alttext-field-action"]')).toEqual([])
  }, 180_000)

  it('a decorative answer is a suggestion: nothing is applied until the editor marks it; then alt "" and the asset is marked decorative', async () => {
    const { env } = studio
    env.sanity.docs.clear()
    env.alt.requests.length = 0
    env.sanity.put(asset('divider'), secret(), {
      _id: 'post-divider',
      _type: 'post',
      title: 'A quiet page',
      language: 'en',
      hero: image('divider'),
    })
    env.alt.program({
      altText: (img) =>
        img.imageUrl?.includes(hash('divider'))
          ? { altText: 'A thin grey horizontal line', decorative: true, kind: 'illustration' }
          : 'unexpected',
    })
    const action = await openPost('post-divider')
    await action.getByRole('button', { name: 'Generate alt text' }).click()
    const suggestion = action.getByRole('status').filter({ hasText: 'decorative' })
    await suggestion.getByText(/The machine judges this image decorative/).waitFor()
    expect(await studio.axe('[data-testid="alttext-field-action"]')).toEqual([])
    // Not applied: neither the asset nor the document changed.
    expect(env.sanity.docs.get(assetId('divider'))?.altText).toBeUndefined()
    expect(env.sanity.docs.get('drafts.post-divider')).toBeUndefined()

    await suggestion.getByRole('button', { name: 'Mark as decorative' }).click()
    await action.getByText(/Marked decorative \(alt=""\) by a person/).waitFor()
    expect(env.sanity.docs.get(assetId('divider'))).toMatchObject({
      altText: '',
      altTextProvenance: {
        machineText: 'A thin grey horizontal line',
        decorative: true,
        kind: 'illustration',
        reviewedBy: EDITOR.id,
      },
    })
    await expect
      .poll(() => (env.sanity.docs.get('drafts.post-divider')?.hero as { alt?: string })?.alt)
      .toBe('')
  }, 180_000)

  it("with longDescriptionField, the field button asks for a long description and fills the image's Long description field and the asset's", async () => {
    const { env } = studio
    env.sanity.docs.clear()
    env.alt.requests.length = 0
    env.sanity.put(asset('chart'), secret(), {
      _id: 'post-chart',
      _type: 'post',
      title: 'Sightings in 2026',
      language: 'en',
      hero: image('chart'),
    })
    env.alt.program({
      altText: (img) =>
        img.imageUrl?.includes(hash('chart'))
          ? {
              altText: 'Bar chart of heron sightings per month',
              kind: 'chart',
              longDescription: 'Sightings rise from 4 in January to 31 in July, then fall to 6.',
            }
          : 'unexpected',
    })
    const action = await openPost('post-chart')
    await action.getByRole('button', { name: 'Generate alt text' }).click()
    await action.getByText(/Library alt text: “Bar chart of heron sightings per month”/).waitFor()
    expect(env.alt.requests.find((r) => r.path === '/v1/alt-text')?.body).toMatchObject({
      long: true,
    })
    expect(env.sanity.docs.get(assetId('chart'))).toMatchObject({
      altText: 'Bar chart of heron sightings per month',
      longDescription: 'Sightings rise from 4 in January to 31 in July, then fall to 6.',
      altTextProvenance: { kind: 'chart' },
    })
    await expect
      .poll(() => env.sanity.docs.get('drafts.post-chart')?.hero)
      .toMatchObject({
        alt: 'Bar chart of heron sightings per month',
        longDescription: 'Sightings rise from 4 in January to 31 in July, then fall to 6.',
      })
  }, 180_000)

  it('the document action fills every image lacking alt in one transaction and reports it; axe finds no violations in its report', async () => {
    const { env } = studio
    env.sanity.docs.clear()
    env.sanity.put(asset('gull'), asset('tern'), asset('heron'), secret(), {
      _id: 'post-gallery',
      _type: 'post',
      title: 'Seabirds',
      language: 'en',
      hero: image('heron', { alt: 'A heron, as the editor wrote it' }),
      gallery: [
        { _key: 'a1', ...image('gull'), _type: 'figure', caption: 'On the pier' },
        { _key: 'b2', ...image('tern'), _type: 'figure' },
      ],
    })
    const texts = new Map([
      [hash('gull'), 'A gull on a pier post'],
      [hash('tern'), 'A tern diving into the sea'],
    ])
    env.alt.program({
      altText: (img) =>
        [...texts].find(([needle]) => img.imageUrl?.includes(needle))?.[1] ?? 'unexpected',
    })
    await openPost('post-gallery')
    const seenBefore = env.sanity.seen.length
    const page = studio.page
    await page.getByRole('button', { name: 'Open document actions' }).click()
    await page.getByRole('menuitem', { name: 'Generate missing alt text' }).click()
    const report = page.getByTestId('alttext-action-report')
    await report.getByText(/2 alt texts written, 2 credits used/).waitFor({ timeout: 60_000 })
    expect(await studio.axe('[data-testid="alttext-action-report"]')).toEqual([])
    const draft = env.sanity.docs.get('drafts.post-gallery') as Record<string, unknown>
    expect(draft).toMatchObject({
      hero: { alt: 'A heron, as the editor wrote it' },
      gallery: [
        { _key: 'a1', alt: 'A gull on a pier post' },
        { _key: 'b2', alt: 'A tern diving into the sea' },
      ],
    })
    // One transaction, through the lake's mutate endpoint.
    const writes = env.sanity.seen
      .slice(seenBefore)
      .filter((r) => r.method === 'POST' && r.path.includes('/data/mutate/'))
    expect(writes).toHaveLength(1)
    expect(env.sanity.docs.get('post-gallery')?.gallery).toEqual([
      { _key: 'a1', ...image('gull'), _type: 'figure', caption: 'On the pier' },
      { _key: 'b2', ...image('tern'), _type: 'figure' },
    ])
  }, 180_000)
})
