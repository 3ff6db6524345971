import { describe, expect, it } from 'vitest'
import { cacheKey, MemoryCache, readConfig, sha256Hex, sniffImageType } from '../src/index.js'

const bytes = new TextEncoder().encode('abc')
const entry = (altText: string) => ({
  altText,
  language: 'en',
  model: 'm',
  createdAt: '2026-11-24T00:00:00Z',
})

describe('hashing', () => {
  it('sha256Hex matches the standard test vector', async () => {
    expect(await sha256Hex(bytes)).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    )
  })

  it('cacheKey changes with the image, language, model, maxLength and purpose', async () => {
    const base = { bytes, language: 'en' }
    const keys = await Promise.all([
      cacheKey(base),
      cacheKey({ ...base, bytes: new TextEncoder().encode('abd') }),
      cacheKey({ ...base, language: 'de' }),
      cacheKey({ ...base, model: 'm' }),
      cacheKey({ ...base, purpose: 'link' }),
      cacheKey({ ...base, maxLength: 80 }),
    ])
    expect(new Set(keys).size).toBe(keys.length)
    for (const key of keys) expect(key).toMatch(/^[0-9a-f]{64}$/)
    expect(await cacheKey({ ...base, bytes: new Uint8Array(bytes) })).toBe(keys[0])
  })
})

describe('MemoryCache', () => {
  it('stores, misses, and drops the oldest entry past maxEntries', async () => {
    const cache = new MemoryCache({ maxEntries: 2 })
    expect(await cache.get('a')).toBeUndefined()
    await cache.set('a', entry('A'))
    await cache.set('b', entry('B'))
    await cache.set('c', entry('C'))
    expect(await cache.get('a')).toBeUndefined()
    expect(await cache.get('c')).toEqual(entry('C'))
    expect(cache.size).toBe(2)
  })
})

describe('sniffImageType', () => {
  it('recognises the four accepted types by their bytes', () => {
    expect(sniffImageType(new Uint8Array([0xff, 0xd8, 0xff, 0xe0]))).toBe('image/jpeg')
    expect(sniffImageType(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe(
      'image/png',
    )
    expect(sniffImageType(new TextEncoder().encode('GIF89a...'))).toBe('image/gif')
    expect(sniffImageType(new TextEncoder().encode('RIFF\0\0\0\0WEBPVP8 '))).toBe('image/webp')
    expect(sniffImageType(new TextEncoder().encode('<svg></svg>'))).toBeUndefined()
    expect(sniffImageType(new Uint8Array())).toBeUndefined()
  })
})

describe('readConfig', () => {
  it('prefers options, then ALTTEXT_API_KEY / ALTTEXT_API_URL, then the hosted API', () => {
    const env = { ALTTEXT_API_KEY: 'atk_env', ALTTEXT_API_URL: 'http://localhost:8787/' }
    expect(readConfig({}, env)).toEqual({ apiKey: 'atk_env', baseUrl: 'http://localhost:8787' })
    expect(readConfig({ apiKey: 'atk_opt', baseUrl: 'https://x.test' }, env)).toEqual({
      apiKey: 'atk_opt',
      baseUrl: 'https://x.test',
    })
    expect(readConfig({ apiKey: '  ' }, {})).toEqual({
      apiKey: undefined,
      baseUrl: 'https://api.alttextapi.com',
    })
  })
})
