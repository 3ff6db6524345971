/** The plugin's options are checked when vite.config is read: one error naming the option. */
import { describe, expect, it } from 'vitest'
import { altText } from '../src/index.js'

describe('options', () => {
  it('a misspelt or wrong option throws at once, naming it and the package', () => {
    const make = (options: unknown) => () => altText(options as never)
    expect(make({ maxCredit: 1 })).toThrow('@alttextapi/vite-plugin: unknown option "maxCredit"')
    expect(make({ onError: 'warning' })).toThrow('@alttextapi/vite-plugin: option "onError"')
    expect(make({ cacheFile: 123 })).toThrow('option "cacheFile"')
    expect(make({ concurrency: 'four' })).toThrow(
      'option "concurrency": Invalid type: Expected number but received "four"',
    )
    expect(make({ progress: { delayMs: 5 } })).toThrow('unknown option "progress.delayMs"')
    // What the Vite plugin sets itself is not an option of it.
    expect(make({ client: {} })).toThrow('unknown option "client"')
  })

  it('takes an empty key or API URL as unset (a CI job without the secret is not blocked)', () => {
    expect(() => altText({ apiKey: '', baseUrl: '' })).not.toThrow()
  })

  it('takes every documented option of the README', () => {
    expect(() =>
      altText({
        apiKey: 'atk_x',
        language: 'de',
        maxCredits: 10,
        maxImages: 5,
        onError: 'warn',
        summary: false,
        progress: { intervalMs: 5000 },
        include: [/hero/, 'team'],
        exclude: (src) => src.endsWith('.svg'),
        remoteImages: 'url',
        allowHosts: ['127.0.0.1'],
        cacheFile: false,
        cacheByContext: true,
        dryRun: true,
        lint: { maxLength: 120 },
      }),
    ).not.toThrow()
  })
})
