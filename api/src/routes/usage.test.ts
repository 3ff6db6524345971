import { env } from 'cloudflare:workers'
import type { AltTextResponse, UsagePage } from '@alttextapi/core'
import { describe, expect, it } from 'vitest'
import { pngFile } from '../../../testkit/src/image-files.js'
import { account, b64, call, fakeModel, varsFor } from '../../test/generation.js'
import { expectError } from '../../test/helpers.js'

const DAY = 86_400_000
const base = Date.parse('2026-11-01T12:00:00Z')

/** Usage rows with chosen times (the generation tests cover how rows are written). */
async function seed(userId: string, count: number, apiKeyId: string | null = null) {
  const ids: string[] = []
  for (let i = 0; i < count; i++) {
    const id = `use_seed${userId.slice(-6)}${String(i).padStart(3, '0')}`
    ids.push(id)
    await env.DB.prepare(
      `INSERT INTO usage (id, user_id, api_key_id, endpoint, model, image_url, alt_text, language, credits_used, created_at)
       VALUES (?, ?, ?, '/v1/alt-text', 'google/gemini-2.5-flash-lite', ?, ?, 'en', 1, ?)`,
    )
      // Two rows per day share a timestamp, so the cursor has to break ties by id.
      .bind(
        id,
        userId,
        apiKeyId,
        `https://example.com/${i}.png`,
        `Image number ${i}`,
        base + Math.floor(i / 2) * DAY,
      )
      .run()
  }
  return ids
}

const page = async (query: string, token: string) => {
  const res = await call(`/v1/usage${query}`, { key: token })
  expect(res.status, await res.clone().text()).toBe(200)
  return res.json<UsagePage>()
}

describe('GET /v1/usage', () => {
  it('lists a generation with the key that made it, for the key and for the session', async () => {
    const model = await fakeModel()
    const { key, token, apiKey } = await account(3)
    const made = await (
      await call('/v1/alt-text', {
        key,
        json: { image: b64(pngFile()), language: 'nl' },
        vars: varsFor(model),
      })
    ).json<AltTextResponse>()
    for (const credential of [key, token]) {
      const { records, nextCursor } = await page('', credential)
      expect(nextCursor).toBeNull()
      expect(records).toEqual([
        {
          id: made.id,
          createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
          endpoint: '/v1/alt-text',
          model: made.model,
          imageUrl: null,
          altText: made.altText,
          language: 'nl',
          creditsUsed: 1,
          apiKeyId: apiKey.id,
        },
      ])
    }
  })

  it('pages newest first with an opaque cursor, breaking ties by id', async () => {
    const { key, user } = await account(0)
    const ids = await seed(user.id, 7)
    const seen: string[] = []
    let cursor: string | null = ''
    let pages = 0
    while (cursor !== null) {
      const result: UsagePage = await page(`?limit=3${cursor ? `&cursor=${cursor}` : ''}`, key)
      seen.push(...result.records.map((r) => r.id))
      cursor = result.nextCursor
      pages++
    }
    expect(pages).toBe(3)
    // Newest first: the largest timestamp, and within a timestamp the largest id.
    expect(seen).toEqual([...ids].reverse())
  })

  it('filters by date (bare dates cover the whole day)', async () => {
    const { key, user } = await account(0)
    await seed(user.id, 6)
    const day2 = await page('?from=2026-11-02&to=2026-11-02', key)
    expect(day2.records.map((r) => r.altText)).toEqual(['Image number 3', 'Image number 2'])
    const since = await page('?from=2026-11-03T00:00:00Z', key)
    expect(since.records).toHaveLength(2)
    const until = await page(`?to=${encodeURIComponent('2026-11-01T12:00:00+00:00')}`, key)
    expect(until.records).toHaveLength(2)
  })

  it('shows only the caller’s own records', async () => {
    const a = await account(0)
    const b = await account(0)
    await seed(a.user.id, 2)
    expect((await page('', b.key)).records).toHaveLength(0)
  })

  it.each([
    ['?limit=0'],
    ['?limit=101'],
    ['?limit=ten'],
    ['?cursor=not-a-cursor!'],
    [`?cursor=${btoa('123.x; DROP TABLE usage').replace(/=+$/, '')}`],
    [`?cursor=${btoa('abc.use_1').replace(/=+$/, '')}`],
    ['?from=yesterday'],
    ['?from=2026-13-45'],
    ['?from=2026-11-05&to=2026-11-01'],
  ])('refuses %s with 400', async (query) => {
    const { key } = await account(0)
    await expectError(await call(`/v1/usage${query}`, { key }), 400, 'invalid_request')
  })

  it('needs a credential', async () => {
    await expectError(await call('/v1/usage'), 401, 'unauthorized')
  })
})
