import { describe, expect, it } from 'vitest'
import altText, { parseOptions } from '../src/index.js'

describe('options', () => {
  it('accepts the documented options', () => {
    const options = {
      apiKey: 'atk_x',
      language: 'de',
      maxCredits: 10,
      include: [/photos/, 'img'],
      remoteImages: 'skip' as const,
      onError: 'warn' as const,
      markdown: false,
    }
    expect(parseOptions(options)).toBe(options)
    expect(altText().name).toBe('@alttextapi/astro')
  })

  it('refuses an unknown key, naming it', () => {
    expect(() => altText({ maxCredit: 10 } as never)).toThrow(
      '@alttextapi/astro: unknown option "maxCredit"',
    )
  })

  it('refuses a wrong value, naming the key and what it got', () => {
    expect(() => altText({ maxCredits: '10' } as never)).toThrow(
      /^@alttextapi\/astro: option "maxCredits": Invalid type: Expected number but received "10"$/,
    )
    expect(() => altText({ concurrency: 0 })).toThrow(/option "concurrency"/)
    expect(() => altText({ onError: 'ignore' } as never)).toThrow(/option "onError"/)
    expect(() => altText({ baseUrl: 'not a url' })).toThrow(/option "baseUrl": must be a URL/)
    // A function for context is the HTML plugins': Markdown and HTML find different context.
    expect(() => altText({ context: (() => 'x') as never })).toThrow(/option "context"/)
  })
})
