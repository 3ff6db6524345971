import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { fillDocumentAlt } from '../src/fill/index.js'
import { getAtPath } from '../src/walk/index.js'
import { describer, type Env, image, startEnv } from './helpers.js'

let env: Env
beforeAll(async () => {
  env = await startEnv()
})
afterAll(() => env.close())
afterEach(() => {
  env.sanity.docs.clear()
  env.sanity.beforeMutate = undefined
  env.sanity.seen.length = 0
  env.resetAlt()
})

const post = () => ({
  _id: 'drafts.post-1',
  _type: 'post',
  title: 'Spring in the park',
  language: 'de',
  hero: image('hero'),
  cover: image('cover', { alt: 'Written by an editor' }),
  deco: image('deco', { alt: '' }),
  gallery: [
    { _key: 'g1', ...image('g1') },
    { _key: 'g2', ...image('hero') },
  ],
  body: [
    {
      _type: 'block',
      _key: 'b1',
      children: [{ _type: 'span', _key: 's', text: 'Tulips everywhere.' }],
      markDefs: [],
    },
    { _key: 'pt', ...image('pt', { caption: 'Red tulips' }) },
  ],
  nested: { _type: 'card', media: { figure: image('deep') } },
})

const alt = (id: string) => (env.sanity.docs.get(id) as Record<string, unknown>) ?? {}

describe('fillDocumentAlt', () => {
  it('fills every missing alt in one transaction, keeps written and decorative alt', async () => {
    env.sanity.put(post())
    const progress: string[] = []
    const summary = await fillDocumentAlt({
      client: env.client,
      documentId: 'post-1',
      describe: describer(env),
      onProgress: (p) => progress.push(`${p.phase}:${p.done}/${p.total}`),
    })
    const doc = alt('drafts.post-1')
    expect(getAtPath(doc, ['hero', 'alt'])).toBe('Alt for hero [de]')
    expect(getAtPath(doc, ['gallery', { _key: 'g1' }, 'alt'])).toBe('Alt for g1 [de]')
    expect(getAtPath(doc, ['gallery', { _key: 'g2' }, 'alt'])).toBe('Alt for hero [de]')
    expect(getAtPath(doc, ['body', { _key: 'pt' }, 'alt'])).toBe('Alt for pt [de]')
    expect(getAtPath(doc, ['nested', 'media', 'figure', 'alt'])).toBe('Alt for deep [de]')
    expect(getAtPath(doc, ['cover', 'alt'])).toBe('Written by an editor')
    expect(getAtPath(doc, ['deco', 'alt'])).toBe('')
    // The same asset twice is described once: 4 distinct assets for 5 images.
    expect(env.alt.images).toHaveLength(4)
    expect(summary).toMatchObject({
      missing: 5,
      written: 5,
      skipped: 0,
      failed: [],
      creditsUsed: 4,
    })
    expect(summary.creditsRemaining).toBe(96)
    const mutates = env.sanity.seen.filter((r) => r.path.includes('/data/mutate/'))
    expect(mutates).toHaveLength(1)
    const body = mutates[0]?.body as { mutations: Array<{ patch: Record<string, unknown> }> }
    const mutations = body.mutations
    expect(mutations).toHaveLength(1)
    expect(mutations[0]?.patch.ifRevisionID).toBeTypeOf('string')
    expect(Object.keys(mutations[0]?.patch.setIfMissing as object)).toHaveLength(5)
    expect(progress.at(0)).toBe('describing:0/5')
    expect(progress.at(-1)).toBe('done:5/5')
    expect(progress).toContain('saving:5/5')
  })

  it('sends the pipeline URL at reduced size, the language and the context', async () => {
    env.sanity.put(post())
    await fillDocumentAlt({
      client: env.client,
      documentId: 'drafts.post-1',
      describe: describer(env),
    })
    const pt = env.alt.images.find((c) => c.imageUrl?.includes('/pt-'))
    expect(pt?.imageUrl).toBe(`${env.sanity.url}/images/testproj/production/pt-800x600.jpg`)
    expect(pt?.language).toBe('de')
    expect(pt?.context).toContain('Caption: Red tulips')
    expect(pt?.context).toContain('Page title: Spring in the park')
    expect(pt?.context).toContain('Tulips everywhere.')
  })

  it('creates the draft from the published document instead of patching what is live', async () => {
    const published = { ...post(), _id: 'post-1' }
    env.sanity.put(published)
    const summary = await fillDocumentAlt({
      client: env.client,
      documentId: 'post-1',
      describe: describer(env),
    })
    expect(summary.written).toBe(5)
    expect(getAtPath(alt('drafts.post-1'), ['hero', 'alt'])).toBe('Alt for hero [de]')
    expect(getAtPath(alt('post-1'), ['hero', 'alt'])).toBeUndefined()
  })

  it('a draft started meanwhile is not patched blindly: its swapped image keeps no stale alt', async () => {
    env.sanity.put({ ...post(), _id: 'post-1' })
    env.alt.program({
      onImage: (call) => {
        if (!call.imageUrl?.includes('/g1-') || env.sanity.docs.has('drafts.post-1')) return
        // An editor opens the document and replaces the hero image: the Studio creates the draft.
        const draft = { ...post(), hero: image('swapped'), _rev: 'editor-rev' }
        env.sanity.put(draft)
      },
    })
    const summary = await fillDocumentAlt({
      client: env.client,
      documentId: 'post-1',
      describe: describer(env),
    })
    env.resetAlt()
    const doc = alt('drafts.post-1')
    expect(getAtPath(doc, ['hero', 'asset', '_ref'])).toBe('image-swapped-800x600-jpg')
    expect(getAtPath(doc, ['hero', 'alt'])).toBeUndefined()
    expect(getAtPath(doc, ['gallery', { _key: 'g1' }, 'alt'])).toBe('Alt for g1 [de]')
    expect(summary).toMatchObject({ written: 4, skipped: 1 })
  })

  it('patches a live-edit document directly', async () => {
    env.sanity.put({ ...post(), _id: 'post-1' })
    await fillDocumentAlt({
      client: env.client,
      documentId: 'post-1',
      describe: describer(env),
      schemaType: { name: 'post', liveEdit: true },
    })
    expect(getAtPath(alt('post-1'), ['hero', 'alt'])).toBe('Alt for hero [de]')
    expect(env.sanity.docs.has('drafts.post-1')).toBe(false)
  })

  it('never overwrites alt an editor typed while the run was describing', async () => {
    env.sanity.put(post())
    env.alt.program({
      onImage: (call) => {
        if (call.imageUrl?.includes('/g1-'))
          env.sanity.edit('drafts.post-1', (d) => {
            ;(d.gallery as Array<Record<string, unknown>>)[0] = {
              ...(d.gallery as Array<Record<string, unknown>>)[0],
              alt: 'Typed meanwhile',
            }
            ;(d.hero as Record<string, unknown>).asset = { _ref: 'image-swapped-1x1-png' }
          })
      },
    })
    const summary = await fillDocumentAlt({
      client: env.client,
      documentId: 'post-1',
      describe: describer(env),
    })
    env.resetAlt()
    const doc = alt('drafts.post-1')
    expect(getAtPath(doc, ['gallery', { _key: 'g1' }, 'alt'])).toBe('Typed meanwhile')
    // The hero's image was replaced: the text written for the old image must not land on it.
    expect(getAtPath(doc, ['hero', 'alt'])).toBeUndefined()
    expect(getAtPath(doc, ['body', { _key: 'pt' }, 'alt'])).toBe('Alt for pt [de]')
    expect(summary).toMatchObject({ written: 3, skipped: 2 })
  })

  it('retries on a revision conflict and keeps setIfMissing on the second try', async () => {
    env.sanity.put(post())
    let first = true
    env.sanity.beforeMutate = () => {
      if (!first) return
      first = false
      env.sanity.edit('drafts.post-1', (d) => {
        d.title = 'Renamed meanwhile'
      })
    }
    const summary = await fillDocumentAlt({
      client: env.client,
      documentId: 'post-1',
      describe: describer(env),
    })
    expect(summary.written).toBe(5)
    expect(alt('drafts.post-1').title).toBe('Renamed meanwhile')
    expect(env.sanity.seen.filter((r) => r.path.includes('/data/mutate/')).length).toBe(2)
  })

  it('an alt that is null counts as missing and is really written', async () => {
    env.sanity.put({
      _id: 'drafts.p',
      _type: 'post',
      hero: image('hero', { alt: null }),
      b: image('b'),
    })
    const summary = await fillDocumentAlt({
      client: env.client,
      documentId: 'p',
      describe: describer(env),
    })
    expect(getAtPath(alt('drafts.p'), ['hero', 'alt'])).toBe('Alt for hero')
    expect(getAtPath(alt('drafts.p'), ['b', 'alt'])).toBe('Alt for b')
    expect(summary.written).toBe(2)
  })

  it('reports failed images and still saves the others', async () => {
    env.sanity.put(post())
    env.alt.fail({
      image: { imageUrlIncludes: '/g1-' },
      code: 'image_fetch_failed',
      times: Number.POSITIVE_INFINITY,
    })
    const summary = await fillDocumentAlt({
      client: env.client,
      documentId: 'post-1',
      describe: describer(env),
    })
    expect(summary.failed).toEqual([
      expect.objectContaining({ path: 'gallery[_key=="g1"].alt', code: 'image_fetch_failed' }),
    ])
    expect(summary.written).toBe(4)
    expect(getAtPath(alt('drafts.post-1'), ['gallery', { _key: 'g1' }, 'alt'])).toBeUndefined()
  })

  it('an empty answer is a failure, not a decorative alt', async () => {
    env.sanity.put(post())
    env.altTextFor.set('/g1-', '  ')
    const summary = await fillDocumentAlt({
      client: env.client,
      documentId: 'post-1',
      describe: describer(env),
    })
    const doc = alt('drafts.post-1')
    expect(getAtPath(doc, ['gallery', { _key: 'g1' }, 'alt'])).toBeUndefined()
    expect(getAtPath(doc, ['hero', 'alt'])).toBe('Alt for hero [de]')
    expect(summary.failed).toMatchObject([{ path: 'gallery[_key=="g1"].alt' }])
  })

  it('stops on a fatal error but saves what was already paid for', async () => {
    env.sanity.put(post())
    env.alt.program({ balance: 2 })
    const error = await fillDocumentAlt({
      client: env.client,
      documentId: 'post-1',
      describe: describer(env),
      concurrency: 1,
    }).catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'insufficient_credits', summary: { written: 3 } })
    expect(getAtPath(alt('drafts.post-1'), ['hero', 'alt'])).toBe('Alt for hero [de]')
  })

  it('limits concurrency', async () => {
    env.sanity.put(post())
    env.alt.program({ latencyMs: 30 })
    env.alt.stats.maxInFlight = 0
    await fillDocumentAlt({
      client: env.client,
      documentId: 'post-1',
      describe: describer(env),
      concurrency: 2,
    })
    expect(env.alt.stats.maxInFlight).toBe(2)
  })

  it('uploads bytes from the image pipeline in upload mode', async () => {
    env.sanity.put(post())
    await fillDocumentAlt({
      client: env.client,
      documentId: 'post-1',
      describe: describer(env, { delivery: 'upload' }),
    })
    expect(env.alt.images.every((c) => c.bytes !== undefined && !c.imageUrl)).toBe(true)
    const cdn = env.sanity.seen.filter((r) => r.path.startsWith('/images/'))
    expect(cdn).toHaveLength(4)
    // The post's images are within 1024 px: their originals are fetched, not a re-encoded copy.
    expect(cdn.map((r) => r.search.get('w'))).toEqual([null, null, null, null])
  })

  it('does nothing for a document without missing alt', async () => {
    env.sanity.put({ _id: 'x', _type: 'post', hero: image('a', { alt: 'ok' }) })
    const summary = await fillDocumentAlt({
      client: env.client,
      documentId: 'x',
      describe: describer(env),
    })
    expect(summary).toMatchObject({ missing: 0, written: 0 })
    expect(env.alt.images).toHaveLength(0)
  })
})
