// Inline images: canonical base64 takes a fast path (a native decode/encode round trip); every
// other accepted form (line breaks, URL-safe alphabet, missing padding, data: URLs) the general
// one. Both must accept and refuse exactly the same inputs.
import { LIMITS } from '@alttextapi/core'
import { describe, expect, it } from 'vitest'
import { ApiError } from '../errors.js'
import { decodeInlineImage } from './image-input.js'

const bytes = Uint8Array.from({ length: 300 }, (_, i) => (i * 37 + 11) % 256)
const canonical = btoa(String.fromCharCode(...bytes))

function refusal(value: string): { code: string } | undefined {
  try {
    decodeInlineImage(value)
    return undefined
  } catch (error) {
    if (error instanceof ApiError) return { code: error.code }
    throw error
  }
}

describe('decodeInlineImage', () => {
  it.each([
    ['canonical base64', canonical],
    ['a data: URL', `data:image/png;base64,${canonical}`],
    ['line breaks every 76 characters', canonical.replace(/.{76}/g, '$&\r\n')],
    ['the URL-safe alphabet', canonical.replace(/\+/g, '-').replace(/\//g, '_')],
    ['surrounding spaces', `  ${canonical}\n`],
  ])('accepts %s', (_label, value) => {
    expect(decodeInlineImage(value)).toEqual(bytes)
  })

  it('accepts missing padding', () => {
    const two = btoa('ab') // "YWI="
    expect(decodeInlineImage(two.replace(/=+$/, ''))).toEqual(new TextEncoder().encode('ab'))
  })

  it.each([
    ['an empty string', '', 'invalid_request'],
    ['only whitespace', ' \n ', 'invalid_request'],
    [
      'a character outside the alphabet',
      `${canonical.slice(0, 40)}!${canonical.slice(41)}`,
      'invalid_request',
    ],
    [
      'padding in the middle',
      `${canonical.slice(0, 40)}=${canonical.slice(41)}`,
      'invalid_request',
    ],
    ['three padding characters', 'YQ===', 'invalid_request'],
    ['a length of 4n+1', 'YWJjZ', 'invalid_request'],
    ['a data: URL that is not base64', 'data:image/png,abc', 'invalid_request'],
  ])('refuses %s', (_label, value, code) => {
    expect(refusal(value)).toEqual({ code })
  })

  it('refuses base64 longer than an image within the limit can be', () => {
    const over = 'A'.repeat(Math.ceil(((LIMITS.maxImageBytes + 3) * 4) / 3 / 4) * 4 + 8)
    expect(refusal(over)).toEqual({ code: 'payload_too_large' })
  })

  it('accepts line-wrapped base64 of an image just under the limit', () => {
    const big = new Uint8Array(LIMITS.maxImageBytes - 1).fill(7)
    let binary = ''
    for (let i = 0; i < big.length; i += 8192) {
      binary += String.fromCharCode(...big.subarray(i, i + 8192))
    }
    const wrapped = btoa(binary).replace(/.{76}/g, '$&\n')
    expect(decodeInlineImage(wrapped).byteLength).toBe(big.byteLength)
  })
})
