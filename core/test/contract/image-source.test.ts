import { describe, expect, it } from 'vitest'
import { pickImageSource } from '../../src/index.js'

describe('pickImageSource', () => {
  it('picks the URL or the image', () => {
    expect(pickImageSource({ imageUrl: 'https://example.com/a.png' })).toEqual({
      ok: true,
      source: { imageUrl: 'https://example.com/a.png' },
    })
    expect(pickImageSource({ image: 'aGk=' })).toEqual({ ok: true, source: { image: 'aGk=' } })
  })

  it('refuses both at once', () => {
    const result = pickImageSource({ imageUrl: 'https://example.com/a.png', image: 'aGk=' })
    expect(result).toMatchObject({ ok: false, problem: 'both' })
    expect(!result.ok && result.message).toMatch(/not both/)
  })

  it('refuses neither, with null counted as absent', () => {
    expect(pickImageSource({})).toMatchObject({ ok: false, problem: 'neither' })
    expect(pickImageSource({ imageUrl: null, image: null })).toMatchObject({
      ok: false,
      problem: 'neither',
    })
  })

  it('counts an empty string as given, so it never falls back to the other source', () => {
    expect(pickImageSource({ imageUrl: '', image: 'aGk=' })).toMatchObject({ problem: 'both' })
    expect(pickImageSource({ image: '' })).toEqual({ ok: true, source: { image: '' } })
  })

  it('passes bytes through untouched', () => {
    const bytes = new Uint8Array([1, 2, 3])
    const result = pickImageSource({ image: bytes })
    expect(result.ok && 'image' in result.source && result.source.image).toBe(bytes)
  })
})
