/** The rehype plugin's options are checked when unified attaches it: one error naming the option. */
import rehypeParse from 'rehype-parse'
import { unified } from 'unified'
import { describe, expect, it } from 'vitest'
import rehypeAltText, { type Options } from '../src/index.js'

const attach = (options: unknown) => () =>
  unified()
    .use(rehypeParse)
    .use(rehypeAltText, options as Options)
    .freeze()

describe('options', () => {
  it('a misspelt or wrong option fails before any file is read, naming it', () => {
    expect(attach({ maxCredit: 1 })).toThrow('@alttextapi/rehype: unknown option "maxCredit"')
    expect(attach({ remoteImages: 'fetch' })).toThrow('@alttextapi/rehype: option "remoteImages"')
    expect(attach({ maxImages: -1 })).toThrow('option "maxImages"')
    expect(attach({ include: 42 })).toThrow('option "include"')
    expect(attach({ baseUrl: 'not a url' })).toThrow('option "baseUrl": must be a URL')
  })

  it('takes good options, and none', () => {
    expect(attach(undefined)).not.toThrow()
    expect(attach({ apiKey: 'atk_x', maxCredits: 0, context: false, batch: false })).not.toThrow()
  })
})
