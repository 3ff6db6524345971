import { createClient as createAltTextClient, LIMITS } from '@alttextapi/core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { resolvePluginConfig } from '../src/config.js'
import {
  documentContext,
  documentParts,
  imageContext,
  imageUrl,
  parseImageRef,
  resolveLanguage,
} from '../src/describe/index.js'
import { ACCOUNT_KEY_REFUSED, keyHint, keyScope, readApiKey, saveApiKey } from '../src/secrets.js'
import { estimateWarning, progressLabel, progressText, summaryText } from '../src/studio/format.js'
import { MissingKeyError, studioAltClient, studioDescriber } from '../src/studio-client.js'
import { type Env, startEnv } from './helpers.js'

let env: Env
beforeAll(async () => {
  env = await startEnv()
})
afterAll(() => env.close())
afterEach(() => {
  env.sanity.docs.clear()
  env.resetAlt()
  env.sanity.seen.length = 0
})

describe('API key in a private document', () => {
  const config = resolvePluginConfig({})

  it('stores the key where only authenticated members can read it', async () => {
    await saveApiKey(env.client, config.secretId, env.alt.key)
    expect(await readApiKey(env.client, config.secretId)).toBe(env.alt.key)
    expect(await readApiKey(env.anonymous, config.secretId)).toBeUndefined()
    // …but every member who may read the dataset can (a Viewer too): hence a generate-scoped,
    // capped key (README, Security).
    expect(await readApiKey(env.viewer, config.secretId)).toBe(env.alt.key)
    expect(env.sanity.docs.get('secrets.alttextapi')).toMatchObject({ _type: 'alttextapi.secret' })
    expect(keyHint(env.alt.key)).toBe('atk_test…')
  })

  it('refuses what is not a key and removes the key when emptied', async () => {
    await expect(saveApiKey(env.client, config.secretId, 'hello')).rejects.toThrow(/atk_/)
    await saveApiKey(env.client, config.secretId, env.alt.key)
    await saveApiKey(env.client, config.secretId, '  ')
    expect(env.sanity.docs.has('secrets.alttextapi')).toBe(false)
  })

  it('stores a generate-scoped key; refuses an account-scoped one (unless allowed) and a refused one', async () => {
    const altClient = () =>
      createAltTextClient({ apiKey: env.alt.key, baseUrl: env.alt.url, maxRetries: 0 })
    // Today's keys read the account: scope `account`, refused for a document every member reads.
    expect(await keyScope(altClient())).toBe('account')
    await expect(
      saveApiKey(env.client, config.secretId, env.alt.key, { altClient: altClient() }),
    ).rejects.toThrow(ACCOUNT_KEY_REFUSED)
    expect(env.sanity.docs.has('secrets.alttextapi')).toBe(false)
    await saveApiKey(env.client, config.secretId, env.alt.key, {
      altClient: altClient(),
      allowAccountKey: true,
    })
    expect(env.sanity.docs.has('secrets.alttextapi')).toBe(true)
    env.sanity.docs.clear()
    // A generate key: the API refuses it the account route (403), and it is stored.
    env.alt.fail({ code: 'forbidden', scope: 'all', times: 1 })
    await saveApiKey(env.client, config.secretId, env.alt.key, { altClient: altClient() })
    expect(await readApiKey(env.client, config.secretId)).toBe(env.alt.key)
    env.sanity.docs.clear()
    // A key the API does not know is not stored.
    env.alt.fail({ code: 'unauthorized', scope: 'all', times: 1 })
    await expect(
      saveApiKey(env.client, config.secretId, env.alt.key, { altClient: altClient() }),
    ).rejects.toThrow(/API key/)
    expect(env.sanity.docs.has('secrets.alttextapi')).toBe(false)
  })

  it('builds the API client from the stored key, or says none is set', async () => {
    const withUrl = resolvePluginConfig({ apiUrl: env.alt.url, imageBaseUrl: env.sanity.url })
    await expect(studioAltClient(env.client, withUrl)).rejects.toBeInstanceOf(MissingKeyError)
    await saveApiKey(env.client, withUrl.secretId, env.alt.key)
    const describe = await studioDescriber(env.client, withUrl)
    const answer = await describe({ assetRef: 'image-abc-10x20-png' })
    expect(answer.altText).toBe('Alt for abc')
    // Within 1024 px: the original file, the same bytes every other tool sends.
    expect(env.alt.images[0]?.imageUrl).toMatch(/\/images\/testproj\/production\/abc-10x20\.png$/)
  })

  it('in proxy mode sends no key and reads no secret', async () => {
    const config = resolvePluginConfig({ proxyUrl: env.alt.url })
    const seen: Array<RequestInit | undefined> = []
    const client = await studioAltClient(env.client, config, (input, init) => {
      seen.push(init)
      return fetch(input, init)
    })
    const models = await client.models()
    expect(models.models.length).toBeGreaterThan(0)
    expect(seen[0]?.credentials).toBe('include')
    // No key: only the placeholder the proxy replaces, and the member's Sanity token.
    expect(new Headers(seen[0]?.headers).get('authorization')).toBe('Bearer proxy')
    expect(new Headers(seen[0]?.headers).get('x-sanity-token')).toBe(env.sanity.token)
    expect(env.sanity.seen.some((r) => r.path.includes('/data/query/'))).toBe(false)
  })
})

describe('describe helpers', () => {
  it('parses asset refs and builds reduced pipeline URLs', () => {
    expect(parseImageRef('image-Tb9Ew8CXIwaY6R1kjMvI0uRR-2000x3000-jpg')).toEqual({
      id: 'Tb9Ew8CXIwaY6R1kjMvI0uRR',
      width: 2000,
      height: 3000,
      format: 'jpg',
    })
    expect(parseImageRef('file-abc-pdf')).toBeUndefined()
    expect(imageUrl('image-abc-2000x3000-svg', { projectId: 'p', dataset: 'd', width: 512 })).toBe(
      'https://cdn.sanity.io/images/p/d/abc-2000x3000.svg?w=512&h=512&fit=max&fm=jpg&q=80',
    )
    expect(() => imageUrl('nope', { projectId: 'p', dataset: 'd' })).toThrow()
    // An original within the size and of an accepted type goes as it is (reusable across tools);
    // a larger one, or one the API cannot read (SVG, AVIF, TIFF), as a reduced JPEG.
    expect(imageUrl('image-abc-1024x700-png', { projectId: 'p', dataset: 'd' })).toBe(
      'https://cdn.sanity.io/images/p/d/abc-1024x700.png',
    )
    expect(imageUrl('image-abc-1025x700-webp', { projectId: 'p', dataset: 'd' })).toBe(
      'https://cdn.sanity.io/images/p/d/abc-1025x700.webp?w=1024&h=1024&fit=max&fm=jpg&q=80',
    )
    expect(imageUrl('image-abc-300x200-avif', { projectId: 'p', dataset: 'd' })).toMatch(/fm=jpg/)
  })

  it('takes the language from the document, then the config', () => {
    expect(resolveLanguage({ language: 'de_CH' }, { language: 'fr' })).toBe('de-CH')
    expect(resolveLanguage({ __i18n_lang: 'nl' }, {})).toBe('nl')
    expect(resolveLanguage({ language: 'not a tag!' }, { language: 'fr' })).toBe('fr')
    expect(resolveLanguage({ locale: 'it' }, { languageField: 'locale' })).toBe('it')
    expect(resolveLanguage({ language: 'de' }, { languageField: false, language: 'fr' })).toBe('fr')
    expect(resolveLanguage({}, {})).toBeUndefined()
  })

  it('builds a short context from title, text fields and Portable Text', () => {
    const body = [{ _type: 'block', children: [{ _type: 'span', text: 'word '.repeat(400) }] }]
    const context = documentContext({ title: 'Harbour', excerpt: 'Boats at dusk', body })
    expect(context?.startsWith('Page title: Harbour\nNearby text: Boats at dusk word')).toBe(true)
    // The text is cut at a word to at most 600 characters, the ellipsis included (it was 601).
    const text = context?.split('\n')[1]?.slice('Nearby text: '.length) ?? ''
    expect(text.length).toBeLessThanOrEqual(600)
    expect(text.length).toBeGreaterThan(590)
    expect(text.endsWith('word…')).toBe(true)
    expect(documentContext({ _id: 'x' })).toBeUndefined()
  })

  it('keeps an image context within the API limit: 2000 characters, not 2001', () => {
    const long = { title: 'Harbour', excerpt: 'x'.repeat(3000) }
    const context = imageContext('Boats', documentParts(long, LIMITS.maxContextLength))
    expect(context).toHaveLength(LIMITS.maxContextLength)
    expect(context?.startsWith('Page title: Harbour\nCaption: Boats\nNearby text: x')).toBe(true)
    expect(imageContext(undefined, undefined)).toBeUndefined()
  })
})

describe('texts shown in the Studio', () => {
  it('progress and summary', () => {
    expect(progressLabel({ phase: 'describing', done: 3, total: 7, failed: 0 })).toBe(
      'Generating alt text 3/7',
    )
    expect(progressLabel({ phase: 'saving', done: 7, total: 7, failed: 0 })).toBe(
      'Saving alt text…',
    )
    expect(
      summaryText({
        missing: 3,
        written: 2,
        failed: [{ path: 'a', assetRef: 'x', code: 'model_error', message: 'm' }],
        skipped: 0,
        creditsUsed: 2,
        creditsRemaining: 8,
        transactionId: 't',
      }),
    ).toBe('2 alt texts written, 1 failed, 2 credits used, 8 left.')
    const p = {
      total: 10,
      processed: 4,
      written: 3,
      failed: 1,
      skipped: 0,
      creditsUsed: 3,
      creditsRemaining: 5,
    }
    expect(progressText(p)).toBe('4 of 10 (1 failed)')
  })

  it('warns when the balance does not cover the estimate', () => {
    const e = { missing: 10, creditsPerImage: 2, estimatedCredits: 20, model: 'm' }
    expect(estimateWarning({ ...e, balance: 30 })).toBeUndefined()
    expect(estimateWarning({ ...e, balance: 9 })).toMatch(/covers 4 images/)
    expect(estimateWarning({ ...e, balance: undefined })).toMatch(/could not be read/)
  })
})
