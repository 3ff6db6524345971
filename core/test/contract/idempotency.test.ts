import { describe, expect, it } from 'vitest'
import { IDEMPOTENCY_KEY_PATTERN, isIdempotencyKey, LIMITS } from '../../src/index.js'

describe('isIdempotencyKey', () => {
  it('accepts a UUID, one character, and printable ASCII with spaces', () => {
    expect(isIdempotencyKey('0b6f5a52-2f7e-4d8a-9d0c-3d1f0e6a9b11')).toBe(true)
    expect(isIdempotencyKey('x')).toBe(true)
    expect(isIdempotencyKey('order 42 / image ~3!')).toBe(true)
  })

  it('accepts exactly the length limit and refuses one more', () => {
    const max = LIMITS.maxIdempotencyKeyLength
    expect(isIdempotencyKey('k'.repeat(max))).toBe(true)
    expect(isIdempotencyKey('k'.repeat(max + 1))).toBe(false)
  })

  it('refuses empty, blank, control and non-ASCII keys', () => {
    for (const key of ['', '   ', 'a\tb', 'a\nb', 'clé', 'a\x7f']) {
      expect(isIdempotencyKey(key)).toBe(false)
    }
    expect(isIdempotencyKey(undefined)).toBe(false)
  })

  it('leaves the blank check to the function: the pattern alone matches spaces', () => {
    expect(IDEMPOTENCY_KEY_PATTERN.test('   ')).toBe(true)
    expect(IDEMPOTENCY_KEY_PATTERN.source).toContain(`{1,${LIMITS.maxIdempotencyKeyLength}}`)
  })
})
