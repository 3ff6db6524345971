/** The defensive reading of the model's structured answer (pure). */
import { MAX_LONG_DESCRIPTION_LENGTH } from '@alttextapi/core'
import { describe, expect, it } from 'vitest'
import { descriptionFields, parseModelAnswer } from './model-answer.js'

const opts = { maxLength: 125, language: 'en' }

describe('parseModelAnswer', () => {
  it('reads the JSON object, in prose or a code fence, after a reasoning block', () => {
    const raw =
      '<think>{"altText": "no"}</think>Sure! ```json\n{"altText": "A red bike", "decorative": false, "kind": "photo"}\n```'
    expect(parseModelAnswer(raw, opts)).toEqual({
      altText: 'A red bike',
      decorative: false,
      kind: 'photo',
    })
  })

  it('takes plain text as alt text, kind photo, not decorative', () => {
    expect(parseModelAnswer('Image of a cat on a mat.', opts)).toEqual({
      altText: 'A cat on a mat.',
      decorative: false,
      kind: 'photo',
    })
  })

  it('recovers the alt text of JSON cut off by the token limit, never the braces', () => {
    expect(parseModelAnswer('{"altText": "A \\"quoted\\" sign", "kind": "te', opts).altText).toBe(
      'A "quoted" sign',
    )
    expect(parseModelAnswer('{"kind": "photo", "decora', opts).altText).toBe('')
  })

  it('strips markup and entities from every text field and caps their lengths', () => {
    const answer = parseModelAnswer(
      JSON.stringify({
        altText: '<b>Sales</b> &lt;script&gt; rose by a great deal over the whole year',
        kind: 'CHART',
        decorative: 'true',
        longDescription: `<p>${'word '.repeat(600)}</p>`,
      }),
      { maxLength: 30, long: true },
    )
    expect(answer.altText).not.toMatch(/[<>]|&lt;/)
    expect(answer.altText.length).toBeLessThanOrEqual(30)
    expect(answer.kind).toBe('chart')
    expect(answer.decorative).toBe(true)
    expect(answer.longDescription).not.toMatch(/[<>]/)
    expect(answer.longDescription?.length).toBeLessThanOrEqual(MAX_LONG_DESCRIPTION_LENGTH)
  })

  it('gives a long description only when asked and for a kind that needs one', () => {
    const raw = (kind: string) =>
      JSON.stringify({ altText: 'x chart', kind, longDescription: 'Q1 10' })
    expect(parseModelAnswer(raw('chart'), opts)).not.toHaveProperty('longDescription')
    expect(parseModelAnswer(raw('chart'), { ...opts, long: true }).longDescription).toBe('Q1 10')
    expect(parseModelAnswer(raw('photo'), { ...opts, long: true })).not.toHaveProperty(
      'longDescription',
    )
    expect(parseModelAnswer(raw('hologram'), { ...opts, long: true }).kind).toBe('photo')
  })

  it('accepts the alt_text spelling; an object without alt text is unusable', () => {
    expect(parseModelAnswer('{"alt_text": "A map"}', opts).altText).toBe('A map')
    expect(parseModelAnswer('{"kind": "photo"}', opts).altText).toBe('')
  })
})

describe('descriptionFields', () => {
  it('reads an answer kept before the fields existed with their defaults', () => {
    expect(descriptionFields({})).toEqual({ decorative: false, kind: 'photo' })
    expect(descriptionFields({ decorative: true, kind: 'icon', longDescription: '' })).toEqual({
      decorative: true,
      kind: 'icon',
    })
  })
})
