/**
 * The review tool of the BUILT example Studio in Chromium (see studio-browser-env.ts): it renders,
 * an editor approves, regenerates and marks decorative; approving text changed since the list was
 * loaded is refused; a member who may not edit gets a clear error; axe finds no violations in it.
 */
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

const assetId = (n: string) => `image-${n}-640x480-jpg`
const machineAsset = (n: string, text: string, extra: Record<string, unknown> = {}) => ({
  _id: assetId(n),
  _type: 'sanity.imageAsset',
  originalFilename: `${n}.jpg`,
  url: `${studio.env.sanity.url}/images/${STUDIO_PROJECT}/${STUDIO_DATASET}/${n}-640x480.jpg`,
  altText: text,
  altTextProvenance: {
    _type: 'alttextapi.provenance',
    origin: 'machine',
    machineText: text,
    model: 'cheap',
    language: 'en',
    generatedAt: '2026-12-01T10:00:00.000Z',
    ...extra,
  },
})

/** Opens the review tool and waits for its heading. */
async function openReview() {
  await studio.open('/alt-text-review', (page) =>
    page
      .getByTestId('alttext-review-tool')
      .getByRole('heading', { name: 'Alt text review' })
      .waitFor({ timeout: 60_000 }),
  )
  return studio.page.getByTestId('alttext-review-tool')
}

describe('the review tool of the built Studio in Chromium', () => {
  it('renders; an editor approves one asset and regenerates another; axe finds no violations in it', async () => {
    const { env } = studio
    env.sanity.put(
      machineAsset('kite', 'A red kite above dunes'),
      machineAsset('heron', 'A bird'),
      { _id: 'secrets.alttextapi', _type: 'alttextapi.secret', apiKey: env.alt.key },
    )
    env.altTextFor.set('/heron-', 'A grey heron standing on one leg in shallow water')

    const tool = await openReview()
    const kite = tool.getByTestId('alt-review-row').filter({ hasText: 'kite.jpg' })
    const heron = tool.getByTestId('alt-review-row').filter({ hasText: 'heron.jpg' })
    await kite.getByText('A red kite above dunes').waitFor()
    await expect(
      kite.getByText('Written by the machine (cheap, en, 2026-12-01), not reviewed.').count(),
    ).resolves.toBe(1)

    // axe on our component only (the Studio around it is Sanity's).
    expect(await studio.axe('[data-testid="alttext-review-tool"]')).toEqual([])

    await kite.getByRole('button', { name: 'Approve' }).click()
    await kite.waitFor({ state: 'detached' })
    expect(env.sanity.docs.get(assetId('kite'))?.altTextProvenance).toMatchObject({
      machineText: 'A red kite above dunes',
      reviewedBy: EDITOR.id,
    })

    await heron.getByRole('button', { name: 'Regenerate' }).click()
    await heron.getByText('A grey heron standing on one leg in shallow water').waitFor()
    await heron.getByText(/New text written \(1 credit\)/).waitFor()
    expect(env.sanity.docs.get(assetId('heron'))).toMatchObject({
      altText: 'A grey heron standing on one leg in shallow water',
      altTextProvenance: { machineText: 'A grey heron standing on one leg in shallow water' },
    })
    expect(env.alt.requests.find((r) => r.path === '/v1/alt-text')?.body).toMatchObject({
      fresh: true,
    })
    expect(studio.pageErrors).toEqual([])
  }, 120_000)

  it('refuses to approve a text that changed since the list was loaded (no lost edit)', async () => {
    const { env } = studio
    env.sanity.docs.clear()
    env.sanity.put(machineAsset('tern', 'A tern'))
    const tool = await openReview()
    const tern = tool.getByTestId('alt-review-row').filter({ hasText: 'tern.jpg' })
    await tern.getByText('A tern').waitFor()
    // A colleague improves the text while the list is open.
    env.sanity.edit(assetId('tern'), (doc) => {
      doc.altText = 'An Arctic tern diving for fish'
    })
    const edited = structuredClone(env.sanity.docs.get(assetId('tern')))
    await tern.getByRole('button', { name: 'Approve' }).click()
    await tern
      .getByRole('status')
      .getByText(/The alt text of tern\.jpg changed since this list was loaded; nothing was saved/)
      .waitFor()
    expect(env.sanity.docs.get(assetId('tern'))).toEqual(edited)
  }, 120_000)

  it('shows the machine\'s decorative suggestion; Mark decorative stores alt "" reviewed by the editor', async () => {
    const { env } = studio
    env.sanity.docs.clear()
    env.sanity.put(
      machineAsset('divider', 'A thin grey line', { decorative: true, kind: 'illustration' }),
    )
    const tool = await openReview()
    const row = tool.getByTestId('alt-review-row').filter({ hasText: 'divider.jpg' })
    await row.getByText(/The machine suggests the image is decorative/).waitFor()
    expect(await studio.axe('[data-testid="alttext-review-tool"]')).toEqual([])
    await row.getByRole('button', { name: 'Mark decorative' }).click()
    await row.waitFor({ state: 'detached' })
    expect(env.sanity.docs.get(assetId('divider'))).toMatchObject({
      altText: '',
      altTextProvenance: {
        machineText: 'A thin grey line',
        decorative: true,
        reviewedBy: EDITOR.id,
      },
    })
  }, 120_000)

  it('a member who may not edit gets a clear error on Approve, and nothing changes', async () => {
    const { env } = studio
    env.sanity.docs.clear()
    env.sanity.put(machineAsset('gull', 'A gull on a post'))
    const before = structuredClone(env.sanity.docs.get(assetId('gull')))
    // Signed in with a token that may read but not write (the fake lake answers its mutations 403).
    await studio.signIn(env.sanity.readToken)
    const tool = await openReview()
    const gull = tool.getByTestId('alt-review-row').filter({ hasText: 'gull.jpg' })
    await gull.getByText('A gull on a post').waitFor({ timeout: 60_000 })
    await gull.getByRole('button', { name: 'Approve' }).click()
    await gull
      .getByRole('status')
      .getByText(/You may not edit gull\.jpg .*403.*nothing was changed/)
      .waitFor()
    expect(env.sanity.docs.get(assetId('gull'))).toEqual(before)
  }, 120_000)
})
