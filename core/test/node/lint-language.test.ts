/** The language rule: sure guesses warn; short text, unknown scripts and mixed pages never do. */
import { describe, expect, it } from 'vitest'
import { guessLanguage, languageProblem } from '../../src/node/lint-language.js'

const english = [
  'Two cyclists riding up a mountain road at sunset',
  'A woman reading a book in a quiet library',
  'Children playing football in a park after school',
  'A lighthouse on a rocky cliff above the sea',
  'Fresh bread on a wooden kitchen table by the window',
]
const german = [
  'Zwei Radfahrer fahren bei Sonnenuntergang eine Bergstraße hinauf',
  'Kinder spielen Fußball im Park nach der Schule',
  'Ein rotes Fahrrad lehnt an einer Backsteinmauer',
]
const french = [
  'Deux cyclistes montent une route de montagne au coucher du soleil',
  'Une femme lit un livre dans une bibliothèque',
]

describe('languageProblem', () => {
  it('warns about alt text in another language than the page', () => {
    for (const alt of german) {
      const problem = languageProblem(alt, { expected: 'en' })
      expect(problem?.language, alt).toBe('de')
      expect(problem?.message).toContain('the page is "en"')
    }
    for (const alt of french)
      expect(languageProblem(alt, { expected: 'en-GB' })?.language).toBe('fr')
    // The light detector is less sure of English on a German page (documented recall).
    for (const alt of [english[0], english[3]] as string[])
      expect(languageProblem(alt, { expected: 'de' })?.language).toBe('en')
    expect(languageProblem('緑のソファで眠る猫と窓辺の光', { expected: 'en' })?.language).toBe('ja')
  })

  it('is quiet for the page language, short text, unknown scripts and languages', () => {
    for (const alt of english) expect(languageProblem(alt, { expected: 'en' }), alt).toBeUndefined()
    for (const alt of german)
      expect(languageProblem(alt, { expected: 'de-AT' }), alt).toBeUndefined()
    // Too short to tell (words, letters).
    expect(languageProblem('Unser Team', { expected: 'en' })).toBeUndefined()
    expect(languageProblem('Ein Hund bellt laut', { expected: 'en' })).toBeUndefined()
    // Scripts the detector does not know (Georgian, Armenian, Tamil).
    expect(
      languageProblem('ორი ველოსიპედისტი მთის გზაზე მზის ჩასვლისას', { expected: 'en' }),
    ).toBeUndefined()
    expect(
      languageProblem('Երկու հեծանվորդ լեռնային ճանապարհին մայրամուտին', { expected: 'en' }),
    ).toBeUndefined()
    expect(
      languageProblem('சூரிய அஸ்தமனத்தில் மலைச் சாலையில் இரண்டு சைக்கிள் ஓட்டுநர்கள்', { expected: 'en' }),
    ).toBeUndefined()
    // A page language the detector does not know, or none.
    expect(languageProblem(german[0] as string, { expected: 'ka' })).toBeUndefined()
    expect(languageProblem(german[0] as string, { expected: undefined })).toBeUndefined()
    expect(languageProblem(german[0] as string, { expected: 'not a tag' })).toBeUndefined()
  })

  it('a mixed page: text around the image in the same language keeps it quiet', () => {
    const alt = german[1] as string
    expect(
      languageProblem(alt, {
        expected: 'en',
        around: [undefined, 'Die Kinder spielen jeden Tag von neun bis achtzehn Uhr im Park.'],
      }),
    ).toBeUndefined()
    // English text around it does not excuse it.
    expect(
      languageProblem(alt, { expected: 'en', around: ['The library opens every day at nine.'] })
        ?.language,
    ).toBe('de')
  })

  it('the confidence threshold decides', () => {
    const guess = guessLanguage(german[0] as string, 'en', 0)
    expect(guess?.language).toBe('de')
    expect(guess?.confidence).toBeGreaterThan(0.8)
    expect(guessLanguage(german[0] as string, 'en', 1.01)).toBeUndefined()
  })
})
