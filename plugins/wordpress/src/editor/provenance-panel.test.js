import { describe, expect, it } from '@jest/globals'
import { decorativeSuggestion, describeProvenance } from './provenance-panel'

/** @param {Partial<import('./provenance-panel').ProvenanceInfo>} info */
const of = (info) => ({
  altText: 'x',
  origin: /** @type {const} */ ('machine'),
  model: 'google/gemini-2.5-flash-lite',
  language: 'en-US',
  reviewed: false,
  reviewedBy: '',
  ...info,
})

describe('describeProvenance', () => {
  it('names who wrote the alt text and whether it was reviewed', () => {
    expect(describeProvenance(of({}))).toBe(
      'Alt text written by AltText API (google/gemini-2.5-flash-lite, en-US), not reviewed yet.',
    )
    expect(describeProvenance(of({ reviewed: true, reviewedBy: 'Eve' }))).toBe(
      'Alt text written by AltText API (google/gemini-2.5-flash-lite, en-US), approved by Eve.',
    )
    expect(describeProvenance(of({ origin: 'edited' }))).toMatch(/then edited by a person/)
    expect(describeProvenance(of({ origin: 'human' }))).toBe('Alt text written by a person.')
    expect(describeProvenance(of({ origin: 'none' }))).toMatch(/no alt text/)
  })
})

describe('decorativeSuggestion', () => {
  it('suggests decorative only for machine text the model judged decorative', () => {
    expect(decorativeSuggestion(of({ decorative: true }))).toMatch(
      /suggests this image is decorative/,
    )
    expect(decorativeSuggestion(of({ decorative: false }))).toBe('')
    expect(decorativeSuggestion(of({}))).toBe('')
    // A person changed the text: their judgement stands.
    expect(decorativeSuggestion(of({ origin: 'edited', decorative: true }))).toBe('')
  })
})
