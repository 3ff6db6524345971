import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { imageSize, startApi, startFakeModel, tinyPng } from './index.js'

describe('testkit', () => {
  /** @type {Awaited<ReturnType<typeof startApi>>} */
  let api
  beforeAll(async () => {
    api = await startApi()
  }, 90_000)
  afterAll(async () => {
    await api?.stop()
  })

  it('runs the real Worker', async () => {
    const res = await fetch(`${api.url}/health`)
    expect(await res.json()).toEqual({ ok: true })
  })

  it('fakes chat completions and counts image tokens', async () => {
    const model = await startFakeModel()
    const png = tinyPng(1)
    const res = await fetch(`${model.url}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'x',
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'describe' },
              {
                type: 'image_url',
                image_url: { url: `data:image/png;base64,${Buffer.from(png).toString('base64')}` },
              },
            ],
          },
        ],
      }),
    })
    const body = /** @type {any} */ (await res.json())
    expect(body.choices[0].message.content).toMatch(/bicycle/)
    expect(model.requests[0].images[0]).toEqual(png)
    expect(imageSize(png)).toEqual({ width: 1, height: 1 })
    model.failNext(1, { status: 429, headers: { 'retry-after': '1' } })
    const limited = await fetch(`${model.url}/chat/completions`, { method: 'POST', body: '{}' })
    expect(limited.status).toBe(429)
    await model.close()
  })
})
