/**
 * Issue 23: what the image is for (`purpose`), a long description (`long`), and the answer's
 * `decorative`, `kind` and `longDescription` — through the real Worker, a real local D1 and the
 * fake OpenRouter (the prompt is asserted in the request the fake receives).
 */
import type { AltTextResponse, BatchResponse, ModelList } from '@alttextapi/core'
import { describe, expect, it } from 'vitest'
import { pngFile } from '../../../testkit/src/image-files.js'
import {
  account,
  b64,
  balanceOf,
  type CallInit,
  call as callWorker,
  fakeModel,
  varsFor,
} from '../../test/generation.js'
import { expectError, expectLedgerInvariant } from '../../test/helpers.js'

/**
 * Every JSON exchange here is recorded: the contract test checks the new fields against the
 * document (a multipart body is not recorded, as with `api()`: the recorder keeps text bodies).
 */
const call = (path: string, init: CallInit = {}) =>
  callWorker(path, { ...init, record: init.body === undefined })

const chart = JSON.stringify({
  altText: 'Bar chart: sales <b>rose</b> &amp; doubled in 2025',
  decorative: false,
  kind: 'chart',
  longDescription: 'Q1: 10 units. <script>alert(1)</script>Q2: 20 units. [More](https://x.test)',
})

describe('POST /v1/alt-text: purpose in the prompt', () => {
  it('asks for JSON, and tells the model what a content, link or auto image is for', async () => {
    const model = await fakeModel()
    const { key } = await account(10)
    const vars = varsFor(model)
    const context = 'Link target: https://shop.example/cart\nLink text: Cart'
    for (const [i, purpose] of [undefined, 'link', 'auto'].entries()) {
      const json = { image: b64(pngFile(1, 1, 40 + i)), context, ...(purpose ? { purpose } : {}) }
      const res = await call('/v1/alt-text', { key, json, vars })
      expect(res.status, await res.clone().text()).toBe(200)
    }
    const [content, link, auto] = await model.requests()
    for (const seen of [content, link, auto]) {
      expect(seen?.responseFormat).toEqual({ type: 'json_object' })
      expect(seen?.system).toContain('Answer with one JSON object')
      expect(seen?.system).toContain('"kind": one of "photo", "illustration", "chart"')
      // Per kind: what to say of a chart, a logo, an icon.
      expect(seen?.system).toContain('chart: the type of chart, what it measures')
      expect(seen?.system).toContain('logo: the name of the organisation')
      expect(seen?.system).not.toContain('longDescription')
      // The link's target is in the context the model reads.
      expect(seen?.prompt).toContain('Link target: https://shop.example/cart')
    }
    expect(content?.system).toContain('Purpose: the image is content.')
    expect(link?.system).toContain('the only content of a link')
    expect(link?.system).toContain('Say where the link goes or what it does')
    expect(link?.system).not.toContain('Purpose: the image is content.')
    expect(auto?.system).toContain('Purpose: judge it yourself')
    expect(auto?.system).toContain('set "decorative" to true')
  })

  it('asks for a long description (and room for it) only with long: true', async () => {
    const model = await fakeModel()
    const { key } = await account(10)
    const vars = varsFor(model)
    await call('/v1/alt-text', { key, json: { image: b64(pngFile(1, 1, 50)) }, vars })
    await call('/v1/alt-text', { key, json: { image: b64(pngFile(1, 1, 51)), long: true }, vars })
    const [short, long] = await model.requests()
    expect(short?.system).not.toContain('longDescription')
    expect(long?.system).toContain('"longDescription": string')
    expect(long?.system).toMatch(/when the kind is chart, diagram, screenshot, text/)
    expect(long?.maxTokens).toBeGreaterThan((short?.maxTokens ?? 0) + 500)
  })
})

describe('POST /v1/alt-text: the structured answer', () => {
  it('answers kind, decorative and a cleaned long description, and charges long its extra credit', async () => {
    const model = await fakeModel()
    await model.reply(chart)
    const { key, user } = await account(5)
    const vars = varsFor(model)
    const res = await call('/v1/alt-text', {
      key,
      json: { image: b64(pngFile()), long: true },
      vars,
    })
    expect(res.status, await res.clone().text()).toBe(200)
    const body = await res.json<AltTextResponse>()
    expect(body).toEqual({
      id: expect.stringMatching(/^use_/),
      altText: 'Bar chart: sales rose & doubled in 2025',
      language: 'en',
      model: 'google/gemini-2.5-flash-lite',
      creditsUsed: 2,
      creditsRemaining: 3,
      reused: false,
      decorative: false,
      kind: 'chart',
      longDescription: 'Q1: 10 units. Q2: 20 units. More',
    })
    expect(await balanceOf(user.id)).toBe(3)
    // Without long: no long description, and the model's price only.
    const plain = await call('/v1/alt-text', { key, json: { image: b64(pngFile(2, 2)) }, vars })
    const short = await plain.json<AltTextResponse>()
    expect(short).toMatchObject({ kind: 'chart', creditsUsed: 1, creditsRemaining: 2 })
    expect(short).not.toHaveProperty('longDescription')
    await expectLedgerInvariant(user.id)
  })

  it('gives alt text from a plain-text answer: kind photo, not decorative', async () => {
    const model = await fakeModel()
    await model.reply('A dog catching a frisbee on a beach')
    const { key } = await account(2)
    const res = await call('/v1/alt-text', {
      key,
      json: { image: b64(pngFile()), long: true },
      vars: varsFor(model),
    })
    const body = await res.json<AltTextResponse>()
    expect(body).toMatchObject({
      altText: 'A dog catching a frisbee on a beach',
      decorative: false,
      kind: 'photo',
      creditsUsed: 2,
    })
    expect(body).not.toHaveProperty('longDescription')
  })

  it('reads decorative, falls back on an unknown kind, and gives no long description for a photo', async () => {
    const model = await fakeModel()
    await model.reply(
      '```json\n{"altText": "Thin grey divider line", "decorative": true, "kind": "ornament", "longDescription": "Nothing"}\n```',
    )
    const { key } = await account(2)
    const res = await call('/v1/alt-text', {
      key,
      json: { image: b64(pngFile()), long: true, purpose: 'auto' },
      vars: varsFor(model),
    })
    const body = await res.json<AltTextResponse>()
    expect(body).toMatchObject({
      altText: 'Thin grey divider line',
      decorative: true,
      kind: 'photo',
    })
    expect(body).not.toHaveProperty('longDescription')
  })

  it('refunds a JSON answer without alt text like any unusable answer', async () => {
    const model = await fakeModel()
    await model.reply('{"decorative": false, "kind": "photo"}')
    const { key, user } = await account(1)
    const res = await call('/v1/alt-text', {
      key,
      json: { image: b64(pngFile()) },
      vars: varsFor(model),
    })
    await expectError(res, 502, 'model_error')
    expect(await balanceOf(user.id)).toBe(1)
    await expectLedgerInvariant(user.id)
  })
})

describe('POST /v1/alt-text: validation and price of purpose and long', () => {
  it('refuses a bad purpose or long with a 400 naming the field, before anything is charged', async () => {
    const model = await fakeModel()
    const { key, user } = await account(3)
    const vars = varsFor(model)
    const image = b64(pngFile())
    const bad = await call('/v1/alt-text', { key, json: { image, purpose: 'hero' }, vars })
    expect((await expectError(bad, 400, 'invalid_request')).error.message).toContain(
      'purpose must be one of: content, link, auto',
    )
    const notBool = await call('/v1/alt-text', { key, json: { image, long: 'yes' }, vars })
    expect((await expectError(notBool, 400, 'invalid_request')).error.message).toContain(
      'long must be true or false',
    )
    const batchItem = await call('/v1/alt-text/batch', {
      key,
      json: { images: [{ image, purpose: 'banner' }] },
      vars,
    })
    expect((await expectError(batchItem, 400, 'invalid_request')).error.message).toContain(
      'images[0].purpose must be one of',
    )
    // long is the batch's option (one price per image), not an item's.
    const itemLong = await call('/v1/alt-text/batch', {
      key,
      json: { images: [{ image, long: true }] },
      vars,
    })
    expect((await expectError(itemLong, 400, 'invalid_request')).error.message).toContain(
      'images[0].long is not a known field',
    )
    expect(await model.requests()).toHaveLength(0)
    expect(await balanceOf(user.id)).toBe(3)
  })

  it('takes long and purpose from a multipart form', async () => {
    const model = await fakeModel()
    const { key } = await account(3)
    const form = new FormData()
    form.append('image', new Blob([pngFile()]), 'chart.png')
    form.append('long', 'true')
    form.append('purpose', 'link')
    const res = await call('/v1/alt-text', { key, body: form, vars: varsFor(model) })
    expect(res.status, await res.clone().text()).toBe(200)
    expect((await res.json<AltTextResponse>()).creditsUsed).toBe(2)
    const [seen] = await model.requests()
    expect(seen?.system).toContain('the only content of a link')
    expect(seen?.system).toContain('"longDescription": string')
  })

  it('answers 402 when the balance pays the image but not its long description', async () => {
    const model = await fakeModel()
    const { key, user } = await account(1)
    const res = await call('/v1/alt-text', {
      key,
      json: { image: b64(pngFile()), long: true },
      vars: varsFor(model),
    })
    expect((await expectError(res, 402, 'insufficient_credits')).error.message).toContain(
      'costs 2 credits',
    )
    expect(await model.requests()).toHaveLength(0)
    expect(await balanceOf(user.id)).toBe(1)
  })

  it('says the price of long in GET /v1/models', async () => {
    const res = await call('/v1/models')
    const { models } = await res.json<ModelList>()
    expect(models.length).toBeGreaterThan(0)
    for (const m of models) expect(m.longCredits).toBe(1)
  })
})

describe('reuse and replay keep the new fields and key on purpose and long', () => {
  it('reuses only with the same purpose and long, giving the stored kind and long description', async () => {
    const model = await fakeModel()
    await model.reply(chart)
    const { key, user } = await account(10)
    const vars = varsFor(model)
    const image = b64(pngFile(3, 3, 9))
    const send = async (extra: Record<string, unknown>) =>
      (await call('/v1/alt-text', { key, json: { image, ...extra }, vars })).json<AltTextResponse>()
    const first = await send({ long: true })
    expect(first).toMatchObject({ reused: false, creditsUsed: 2, kind: 'chart' })
    const again = await send({ long: true })
    expect(again).toMatchObject({
      reused: true,
      creditsUsed: 0,
      kind: 'chart',
      decorative: false,
      longDescription: first.longDescription,
    })
    // Another purpose, or no long description: another description, charged.
    expect(await send({ long: true, purpose: 'link' })).toMatchObject({ reused: false })
    expect(await send({})).toMatchObject({ reused: false, creditsUsed: 1 })
    expect(await send({ purpose: 'content' })).toMatchObject({ reused: true })
    expect(await model.requests()).toHaveLength(3)
    expect(await balanceOf(user.id)).toBe(10 - 2 - 2 - 1)
    await expectLedgerInvariant(user.id)
  })

  it('replays an Idempotency-Key with the same kind, decorative and long description', async () => {
    const model = await fakeModel()
    await model.reply(chart)
    const { key } = await account(5)
    const init = {
      key,
      json: { image: b64(pngFile(4, 4)), long: true },
      headers: { 'idempotency-key': 'chart-1' },
      vars: varsFor(model),
    }
    const first = await (await call('/v1/alt-text', init)).json<AltTextResponse>()
    const replayed = await call('/v1/alt-text', init)
    expect(replayed.headers.get('idempotent-replayed')).toBe('true')
    const body = await replayed.json<AltTextResponse>()
    expect(body).toMatchObject({
      id: first.id,
      kind: 'chart',
      decorative: false,
      longDescription: first.longDescription,
    })
    expect(await model.requests()).toHaveLength(1)
  })
})

describe('POST /v1/alt-text/batch: purpose per item, long per batch', () => {
  it('sends each item its purpose, charges long per image, and answers the fields per item', async () => {
    const model = await fakeModel()
    await model.reply(chart)
    const { key, user } = await account(10)
    const res = await call('/v1/alt-text/batch', {
      key,
      json: {
        long: true,
        images: [
          { image: b64(pngFile(5, 5)), purpose: 'link', context: 'Link target: /report' },
          { image: b64(pngFile(6, 6)) },
        ],
      },
      vars: varsFor(model),
    })
    expect(res.status, await res.clone().text()).toBe(200)
    const body = await res.json<BatchResponse>()
    expect(body.creditsUsed).toBe(4)
    expect(body.results).toEqual([
      expect.objectContaining({ kind: 'chart', decorative: false, creditsUsed: 2 }),
      expect.objectContaining({
        kind: 'chart',
        longDescription: 'Q1: 10 units. Q2: 20 units. More',
      }),
    ])
    const seen = await model.requests()
    const link = seen.find((s) => s.prompt.includes('Link target: /report'))
    expect(link?.system).toContain('the only content of a link')
    expect(seen.filter((s) => s.system.includes('the only content of a link'))).toHaveLength(1)
    expect(await balanceOf(user.id)).toBe(6)
    await expectLedgerInvariant(user.id)
  })
})
