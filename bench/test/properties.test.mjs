// Property-based tests (fast-check) of the alt text post-processing: whatever a model answers,
// what leaves the API is one line of plain text, no markup, within maxLength, never cut mid-word.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { finishAltText } from '../../api/src/lib/alt-text.ts'

const length = (s) => [...s].length

/** Model answers: free text mixed with markup, markdown, quotes, preambles and control characters. */
const modelOutput = fc
  .array(
    fc.oneof(
      fc.string({ maxLength: 40 }),
      fc.string({ unit: 'grapheme', maxLength: 40 }),
      fc.constantFrom(
        '<b>',
        '</b>',
        '<script>alert(1)</script>',
        '<img src=x onerror=alert(1)>',
        '**',
        '__',
        '# ',
        '`',
        '"',
        '“',
        '”',
        "'",
        '\n',
        '\r\n',
        '\t',
        '\u0000',
        '\u202e',
        'Image of ',
        'A photo of ',
        'Picture of ',
        'An image showing ',
        '&lt;b&gt;',
        '&amp;',
        '![alt](http://x)',
        '[link](http://x)',
        ' ',
        '.',
        'word',
        'A red bicycle',
        'leaning on a wall',
        'Übergrößenträger',
        '東京タワー',
        '🚲',
      ),
    ),
    { maxLength: 30 },
  )
  .map((parts) => parts.join(''))

describe('finishAltText properties', () => {
  it('returns one line without markup, within maxLength', () => {
    fc.assert(
      fc.property(
        modelOutput,
        fc.integer({ min: 20, max: 300 }),
        fc.constantFrom('en', 'de', 'ja', 'pt-BR'),
        (raw, maxLength, language) => {
          let out
          try {
            out = finishAltText(raw, { maxLength, language })
          } catch {
            return true // refusing unusable output (an error → fallback/refund) is allowed
          }
          expect(length(out)).toBeLessThanOrEqual(maxLength)
          // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is checked
          expect(out).not.toMatch(/[\r\n\t\u0000-\u001f\u007f]/)
          expect(out).not.toMatch(/<\s*\/?\s*[a-z][^>]*>/i)
          expect(out).not.toMatch(/^\s|\s$/)
          expect(out).not.toMatch(/^(an? )?(image|photo|picture) of\b/i)
          return true
        },
      ),
      { numRuns: 2000 },
    )
  })

  it('cuts long text at a word boundary', () => {
    const word = fc.stringMatching(/^[a-z]{1,12}$/)
    fc.assert(
      fc.property(
        fc.array(word, { minLength: 5, maxLength: 80 }),
        fc.integer({ min: 20, max: 120 }),
        (words, maxLength) => {
          const raw = words.join(' ')
          const out = finishAltText(raw, { maxLength, language: 'en' })
          expect(length(out)).toBeLessThanOrEqual(maxLength)
          // Every word of the result is a whole word of the input (no word cut in half).
          const kept = out
            .replace(/[.…]+$/, '')
            .split(' ')
            .filter(Boolean)
          for (const w of kept) expect(words.map((x) => x.toLowerCase())).toContain(w.toLowerCase())
          return true
        },
      ),
      { numRuns: 1000 },
    )
  })

  it('is idempotent: finishing finished text changes nothing', () => {
    fc.assert(
      fc.property(modelOutput, fc.integer({ min: 20, max: 300 }), (raw, maxLength) => {
        let once
        try {
          once = finishAltText(raw, { maxLength, language: 'en' })
        } catch {
          return true
        }
        expect(finishAltText(once, { maxLength, language: 'en' })).toBe(once)
        return true
      }),
      { numRuns: 1000 },
    )
  })
})
