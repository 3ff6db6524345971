import * as v from 'valibot'
import { describe, expect, it } from 'vitest'
import {
  AltTextRequest,
  BCP47_PATTERN,
  isLanguageTag,
  LIMITS,
  toLanguageTag,
} from '../../src/index.js'

describe('isLanguageTag', () => {
  it.each(['en', 'de-CH', 'pt-BR', 'zh-Hant-TW', 'es-419', 'abcdefgh'])('accepts %s', (tag) => {
    expect(isLanguageTag(tag)).toBe(true)
  })

  it.each([
    'e',
    'abcdefghi',
    'en_US',
    'en-',
    '-en',
    'en--US',
    'en-abcdefghi',
    ' en',
    'de CH',
    '1en',
    '',
  ])('refuses %j', (tag) => {
    expect(isLanguageTag(tag)).toBe(false)
  })

  it('refuses non-strings', () => {
    expect(isLanguageTag(undefined)).toBe(false)
    expect(isLanguageTag(42)).toBe(false)
  })

  it('takes tags up to the length limit and not one character more', () => {
    const at = `en${'-abcdefgh'.repeat(3)}-abc` // 2 + 27 + 4 = 33
    const longest = `${at}a` // 34
    const limit = `${longest}b` // 35
    expect(limit).toHaveLength(LIMITS.maxLanguageTagLength)
    expect(isLanguageTag(limit)).toBe(true)
    expect(BCP47_PATTERN.test(`${limit}-x`)).toBe(true)
    expect(isLanguageTag(`${limit}-x`)).toBe(false)
  })

  it('is the rule the request schema applies', () => {
    const tooLong = `en${'-abcdefgh'.repeat(4)}`
    for (const language of ['de-CH', 'en_US', tooLong]) {
      const parsed = v.safeParse(AltTextRequest, {
        imageUrl: 'https://example.com/a.png',
        language,
      })
      expect(parsed.success).toBe(isLanguageTag(language))
    }
  })
})

describe('toLanguageTag', () => {
  it('trims and turns locale underscores into hyphens', () => {
    expect(toLanguageTag(' en_US ')).toBe('en-US')
    expect(toLanguageTag('de_DE_formal')).toBe('de-DE-formal')
  })

  it('gives undefined for anything that is no tag', () => {
    expect(toLanguageTag('English (US)')).toBeUndefined()
    expect(toLanguageTag('')).toBeUndefined()
    expect(toLanguageTag(null)).toBeUndefined()
  })
})
