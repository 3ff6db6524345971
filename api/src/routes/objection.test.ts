import { env } from 'cloudflare:workers'
import type { AccountExport, AltTextResponse, BatchResponse, User } from '@alttextapi/core'
import { describe, expect, it } from 'vitest'
import { account, call, fakeModel, varsFor } from '../../test/generation.js'
import { api, expectLedgerInvariant, json } from '../../test/helpers.js'

const images = env.IMAGE_SERVER_URL
const local = { ALLOW_PRIVATE_IMAGE_URLS: 'true' }

async function usageRows(userId: string) {
  const { results } = await env.DB.prepare(
    'SELECT id, image_url, alt_text, endpoint, model, language, credits_used, api_key_id FROM usage WHERE user_id = ? ORDER BY created_at, id',
  )
    .bind(userId)
    .all<Record<string, unknown>>()
  return results
}

describe('objection (storeHistory: false)', () => {
  it('stops storing image URLs and alt text from then on, and resumes when lifted', async () => {
    const model = await fakeModel()
    const signed = await account(10)
    const vars = varsFor(model, local)
    const generate = (imageUrl: string) =>
      call('/v1/alt-text', { key: signed.key, json: { imageUrl }, vars })

    // Before the objection: stored.
    const before = await generate(`${images}/png`)
    expect(before.status, await before.clone().text()).toBe(200)

    const objected = await api('/v1/account', {
      method: 'PATCH',
      json: { storeHistory: false, currentPassword: signed.password },
      token: signed.token,
    })
    expect(objected.status, await objected.clone().text()).toBe(200)
    expect((await json<User>(objected)).storeHistory).toBe(false)

    // After: the answer still carries the alt text, the stored row does not.
    const single = await generate(`${images}/png?objected=1`)
    expect(single.status).toBe(200)
    const answer = await json<AltTextResponse>(single)
    expect(answer.altText.length).toBeGreaterThan(0)
    const batch = await call('/v1/alt-text/batch', {
      key: signed.key,
      json: {
        images: [{ imageUrl: `${images}/png?batch=1` }, { imageUrl: `${images}/png?batch=2` }],
      },
      vars,
    })
    expect(batch.status, await batch.clone().text()).toBe(200)
    expect((await json<BatchResponse>(batch)).creditsUsed).toBe(2)

    const rows = await usageRows(signed.user.id)
    expect(rows).toHaveLength(4)
    expect(rows[0]).toMatchObject({ image_url: `${images}/png` })
    expect(rows[0]?.alt_text).toBeTypeOf('string')
    for (const row of rows.slice(1)) {
      // Only what billing needs is kept.
      expect(row).toMatchObject({
        image_url: null,
        alt_text: null,
        language: 'en',
        credits_used: 1,
      })
      expect(row.api_key_id).toBe(signed.apiKey.id)
    }
    expect(rows.find((row) => row.id === answer.id)).toBeDefined()

    // The export shows the same: nothing stored for the later images.
    const exported = await json<AccountExport>(
      await api('/v1/account/export', { token: signed.token }),
    )
    expect(exported.account.storeHistory).toBe(false)
    expect(exported.usage.slice(1).every((r) => r.imageUrl === null && r.altText === null)).toBe(
      true,
    )
    expect(JSON.stringify(exported)).not.toContain('objected=1')
    expect(JSON.stringify(exported)).not.toContain('batch=1')

    // Lifting the objection stores again, from then on only.
    await api('/v1/account', {
      method: 'PATCH',
      json: { storeHistory: true, currentPassword: signed.password },
      token: signed.token,
    })
    expect((await generate(`${images}/png?again=1`)).status).toBe(200)
    const last = (await usageRows(signed.user.id)).at(-1)
    expect(last?.image_url).toBe(`${images}/png?again=1`)
    await expectLedgerInvariant(signed.user.id)
  })
})
