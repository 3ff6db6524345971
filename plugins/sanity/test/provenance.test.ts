import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { backfillAssets } from '../src/backfill/index.js'
import {
  altTextOrigin,
  approveAsset,
  editAsset,
  mayWriteMachineText,
  type ReviewAsset,
  ReviewError,
  regenerateAsset,
  reviewQueue,
} from '../src/provenance/index.js'
import { provenanceText } from '../src/studio/format.js'
import { describer, type Env, startEnv } from './helpers.js'

let env: Env
beforeAll(async () => {
  env = await startEnv()
})
afterAll(() => env.close())
afterEach(() => {
  env.sanity.docs.clear()
  env.sanity.seen.length = 0
  env.resetAlt()
})

const id = (n: string) => `image-${n}-640x480-jpg`
const machine = (text: string, extra: Record<string, unknown> = {}) => ({
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
const asset = (n: string, extra: Record<string, unknown> = {}) => ({
  _id: id(n),
  _type: 'sanity.imageAsset',
  originalFilename: `${n}.jpg`,
  url: `${env.sanity.url}/images/testproj/production/${n}-640x480.jpg`,
  ...extra,
})
const doc = (n: string) => env.sanity.docs.get(id(n)) as Record<string, unknown>
const loaded = async (n: string) =>
  (await env.client.getDocument<ReviewAsset>(id(n))) as ReviewAsset
const reviewer = { id: 'pEditor' }

describe('who wrote the text (detected, not declared)', () => {
  it('tells none, human, machine and edited apart, and only none (or unreviewed machine text on regenerate) may be written', () => {
    const m = machine('A red kite')
    const edited = { ...m, altText: 'A red kite over the dunes' }
    const approved = machine('A red kite', { reviewedAt: '2026-12-02T00:00:00Z' })
    expect(altTextOrigin({})).toBe('none')
    expect(altTextOrigin({ altText: null })).toBe('none')
    expect(altTextOrigin({ altText: 'Hand written' })).toBe('human')
    expect(altTextOrigin({ altText: '' })).toBe('human')
    expect(altTextOrigin(m)).toBe('machine')
    expect(altTextOrigin(edited)).toBe('edited')
    expect(mayWriteMachineText({})).toBe(true)
    expect(mayWriteMachineText(m)).toBe(false)
    expect(mayWriteMachineText(m, true)).toBe(true)
    for (const kept of [edited, approved, { altText: 'Hand written' }, { altText: '' }])
      expect(mayWriteMachineText(kept, true)).toBe(false)
    expect(provenanceText(m)).toBe('Written by the machine (cheap, en, 2026-12-01), not reviewed.')
    expect(provenanceText(edited)).toBe('Machine text (cheap, en, 2026-12-01), edited by a person.')
    expect(provenanceText({ altText: 'x' })).toBe('Written by a person.')
  })
})

describe('backfill and provenance', () => {
  it('stores the machine provenance beside the text it writes', async () => {
    env.sanity.put(asset('a1'))
    await backfillAssets({ client: env.client, describe: describer(env) })
    expect(doc('a1')).toMatchObject({
      altText: 'Alt for a1',
      altTextProvenance: {
        _type: 'alttextapi.provenance',
        origin: 'machine',
        machineText: 'Alt for a1',
        language: 'en',
        model: 'cheap',
      },
    })
    expect(altTextOrigin(doc('a1'))).toBe('machine')
  })

  it('regenerate replaces only unreviewed machine text (fresh, charged); human, edited and approved text stay', async () => {
    env.sanity.put(
      asset('m1', machine('Old machine text')),
      asset('ed', { ...machine('Old machine text'), altText: 'A person fixed this' }),
      asset('ok', machine('Approved text', { reviewedAt: '2026-12-02T00:00:00Z' })),
      asset('hu', { altText: 'Written by hand' }),
      asset('de', { altText: '' }),
      asset('no'),
    )
    const plain = await backfillAssets({ client: env.client, describe: describer(env) })
    expect(plain).toMatchObject({ total: 1, written: 1 })
    expect(doc('m1').altText).toBe('Old machine text')

    const again = await backfillAssets({
      client: env.client,
      describe: describer(env),
      regenerate: true,
    })
    // m1, and no (machine text since the first run, still unreviewed): both fresh, both charged.
    expect(again).toMatchObject({ total: 2, written: 2, creditsUsed: 2 })
    expect(doc('m1').altText).toBe('Alt for m1')
    expect(doc('ed').altText).toBe('A person fixed this')
    expect(doc('ok').altText).toBe('Approved text')
    expect(doc('hu').altText).toBe('Written by hand')
    expect(doc('de').altText).toBe('')
    // The regeneration asked for a fresh description.
    expect(env.alt.requests.filter((r) => r.path === '/v1/alt-text').at(-1)?.body).toMatchObject({
      fresh: true,
    })
  })

  it('a person who edits while the run describes keeps the text', async () => {
    env.sanity.put(asset('race', machine('Machine words')))
    env.alt.program({
      onImage: () => env.sanity.edit(id('race'), (d) => Object.assign(d, { altText: 'Mine' })),
    })
    const summary = await backfillAssets({
      client: env.client,
      describe: describer(env),
      regenerate: true,
    })
    expect(summary).toMatchObject({ written: 0, skipped: 1 })
    expect(doc('race').altText).toBe('Mine')
    expect(altTextOrigin(doc('race'))).toBe('edited')
  })
})

describe('the review queue', () => {
  it('lists machine-written, unreviewed assets only', async () => {
    env.sanity.put(
      asset('q1', machine('Queue me')),
      asset('q2', { ...machine('Old'), altText: 'Edited' }),
      asset('q3', machine('Done', { reviewedAt: '2026-12-02T00:00:00Z' })),
      asset('q4', { altText: 'Human' }),
      asset('q5'),
    )
    const queue = await reviewQueue(env.client)
    expect(queue.map((a) => a._id)).toEqual([id('q1')])
    expect(queue[0]).toMatchObject({ altText: 'Queue me', originalFilename: 'q1.jpg' })
  })

  it('approve records who and when; the asset leaves the queue', async () => {
    env.sanity.put(asset('ap', machine('Approve me')))
    await approveAsset(env.client, await loaded('ap'), reviewer, new Date('2026-12-05T08:00:00Z'))
    expect(doc('ap').altTextProvenance).toMatchObject({
      machineText: 'Approve me',
      reviewedBy: 'pEditor',
      reviewedAt: '2026-12-05T08:00:00.000Z',
    })
    expect(await reviewQueue(env.client)).toEqual([])
    expect(provenanceText(doc('ap'))).toContain('approved by pEditor on 2026-12-05')
  })

  it('an approval of text that changed since it was loaded is refused with a message, and nothing changes', async () => {
    env.sanity.put(asset('ch', machine('Seen by the reviewer')))
    const seen = await loaded('ch')
    env.sanity.edit(id('ch'), (d) => Object.assign(d, { altText: 'Changed by a colleague' }))
    const error = await approveAsset(env.client, seen, reviewer).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ReviewError)
    expect(error).toMatchObject({ reason: 'changed' })
    expect((error as Error).message).toMatch(
      /changed since this list was loaded; nothing was saved/,
    )
    expect(doc('ch').altText).toBe('Changed by a colleague')
    expect(doc('ch').altTextProvenance).not.toHaveProperty('reviewedAt')
  })

  it('edit stores the person’s text: it becomes edited, and a later regenerate or backfill leaves it', async () => {
    env.sanity.put(asset('ed', machine('Machine guess')))
    await editAsset(env.client, await loaded('ed'), '  A heron on one leg ', reviewer)
    expect(doc('ed').altText).toBe('A heron on one leg')
    expect(altTextOrigin(doc('ed'))).toBe('edited')
    await expect(regenerateAsset(env.client, describer(env), await loaded('ed'))).rejects.toThrow(
      /edited: it is not regenerated/,
    )
    await backfillAssets({ client: env.client, describe: describer(env), regenerate: true })
    expect(doc('ed').altText).toBe('A heron on one leg')
    expect(env.alt.stats.calls).toBe(0)
    await expect(editAsset(env.client, await loaded('ed'), '  ', reviewer)).rejects.toThrow(
      /cannot be empty/,
    )
  })

  it('a member who may not edit gets a clear error; nothing changes and no credit is spent', async () => {
    env.sanity.put(asset('vw', machine('Viewer sees this')))
    const seen = await loaded('vw')
    const before = structuredClone(doc('vw'))
    for (const attempt of [
      approveAsset(env.viewer, seen, reviewer),
      editAsset(env.viewer, seen, 'Viewer text', reviewer),
      regenerateAsset(env.viewer, describer(env), seen),
    ]) {
      const error = await attempt.catch((e: unknown) => e)
      expect(error).toMatchObject({ reason: 'forbidden' })
      expect((error as Error).message).toMatch(
        /You may not edit vw\.jpg .*403.*nothing was changed/,
      )
    }
    expect(doc('vw')).toEqual(before)
    expect(env.alt.stats.calls).toBe(0)
  })

  it('regenerate writes a fresh machine text, still to review', async () => {
    env.sanity.put(asset('rg', machine('First try')))
    env.altTextFor.set('/rg-', 'Second try')
    const result = await regenerateAsset(env.client, describer(env), await loaded('rg'))
    expect(result).toEqual({ altText: 'Second try', creditsUsed: 1 })
    expect(doc('rg')).toMatchObject({
      altText: 'Second try',
      altTextProvenance: { machineText: 'Second try' },
    })
    expect(doc('rg').altTextProvenance).not.toHaveProperty('reviewedAt')
    expect((await reviewQueue(env.client)).map((a) => a._id)).toEqual([id('rg')])
  })
})
