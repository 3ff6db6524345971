/** The purpose/long request fields and the kind/decorative/longDescription answer fields. */
import * as v from 'valibot'
import { describe, expect, it } from 'vitest'
import {
  AltTextRequest,
  AltTextResponse,
  BatchRequest,
  FALLBACK_KIND,
  IMAGE_KINDS,
  isImageKind,
  isPurpose,
  LONG_DESCRIPTION_KINDS,
  MAX_LONG_DESCRIPTION_LENGTH,
  Model,
} from '../../src/index.js'

const answer = {
  id: 'use_1',
  altText: 'A chart',
  language: 'en',
  model: 'm',
  creditsUsed: 2,
  creditsRemaining: 3,
  reused: false,
  decorative: false,
  kind: 'chart',
}

describe('purpose and long', () => {
  it('accepts the three purposes and long, alone and per batch item', () => {
    for (const purpose of ['content', 'link', 'auto'])
      expect(v.safeParse(AltTextRequest, { imageUrl: 'https://x/a.png', purpose }).success).toBe(
        true,
      )
    expect(v.safeParse(AltTextRequest, { image: 'AAAA', long: true }).success).toBe(true)
    expect(
      v.safeParse(BatchRequest, { images: [{ image: 'AAAA', purpose: 'link' }], long: false })
        .success,
    ).toBe(true)
  })

  it('refuses an unknown purpose and a long that is not a boolean, naming the field', () => {
    const bad = v.safeParse(AltTextRequest, { image: 'AAAA', purpose: 'hero' })
    expect(bad.success).toBe(false)
    expect(bad.issues?.[0]?.path?.[0]?.key).toBe('purpose')
    const notBool = v.safeParse(BatchRequest, { images: [{ image: 'AAAA' }], long: 'yes' })
    expect(notBool.issues?.[0]?.path?.map((p) => p.key)).toEqual(['long'])
    // long is the batch's (one price per image), not an item's.
    const perItem = v.safeParse(BatchRequest, { images: [{ image: 'AAAA', long: true }] })
    expect(perItem.success).toBe(false)
  })
})

describe('the answer', () => {
  it('always has decorative and a known kind; longDescription is optional and bounded', () => {
    expect(v.safeParse(AltTextResponse, answer).success).toBe(true)
    const { kind: _k, ...noKind } = answer
    expect(v.safeParse(AltTextResponse, noKind).success).toBe(false)
    expect(v.safeParse(AltTextResponse, { ...answer, kind: 'hologram' }).success).toBe(false)
    expect(v.safeParse(AltTextResponse, { ...answer, longDescription: 'Q1 10' }).success).toBe(true)
    const long = 'x'.repeat(MAX_LONG_DESCRIPTION_LENGTH + 1)
    expect(v.safeParse(AltTextResponse, { ...answer, longDescription: long }).success).toBe(false)
  })

  it('prices long in the model list, and the kinds are consistent', () => {
    const model = { id: 'm', name: 'M', credits: 1, default: true }
    expect(v.safeParse(Model, model).success).toBe(false)
    expect(v.safeParse(Model, { ...model, longCredits: 1 }).success).toBe(true)
    expect(isImageKind(FALLBACK_KIND)).toBe(true)
    expect(LONG_DESCRIPTION_KINDS.every((k) => IMAGE_KINDS.includes(k))).toBe(true)
    expect([isPurpose('link'), isPurpose('hero'), isImageKind('text'), isImageKind(3)]).toEqual([
      true,
      false,
      true,
      false,
    ])
  })
})
