import type { ModelList } from '@alttextapi/core'
import { describe, expect, it } from 'vitest'
import { call } from '../../test/generation.js'

describe('GET /v1/models', () => {
  it('lists the registry with prices and the default, without credentials', async () => {
    const res = await call('/v1/models')
    expect(res.status).toBe(200)
    const { models } = await res.json<ModelList>()
    expect(models.map((m) => m.id)).toEqual(
      expect.arrayContaining([
        'google/gemini-2.5-flash-lite',
        'qwen/qwen2.5-vl-32b-instruct',
        'qwen/qwen2.5-vl-72b-instruct',
      ]),
    )
    expect(models.filter((m) => m.default).map((m) => m.id)).toEqual([
      'google/gemini-2.5-flash-lite',
    ])
    for (const model of models) expect(model.credits).toBeGreaterThanOrEqual(1)
  })

  it('follows DEFAULT_MODEL, including a model outside the registry', async () => {
    const qwen = await (
      await call('/v1/models', { vars: { DEFAULT_MODEL: 'qwen/qwen2.5-vl-72b-instruct' } })
    ).json<ModelList>()
    expect(qwen.models.filter((m) => m.default).map((m) => m.id)).toEqual([
      'qwen/qwen2.5-vl-72b-instruct',
    ])
    const local = await (
      await call('/v1/models', { vars: { DEFAULT_MODEL: 'llava:13b' } })
    ).json<ModelList>()
    expect(local.models.find((m) => m.default)).toEqual({
      id: 'llava:13b',
      name: 'llava:13b',
      credits: 1,
      longCredits: 1,
      default: true,
    })
  })
})
