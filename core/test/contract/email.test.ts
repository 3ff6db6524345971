import { describe, expect, it } from 'vitest'
import { isEmailAddress, LIMITS } from '../../src/index.js'

describe('isEmailAddress', () => {
  it('accepts ordinary addresses', () => {
    for (const email of ['ana@example.com', 'a.b+tag@mail.example.co.uk', 'x@y.z']) {
      expect(isEmailAddress(email)).toBe(true)
    }
  })

  it('refuses addresses without a domain dot, with spaces or two @', () => {
    for (const email of ['ana@example', 'ana example@x.com', 'a@b@c.com', '@x.com', 'ana@.', '']) {
      expect(isEmailAddress(email)).toBe(false)
    }
    expect(isEmailAddress(undefined)).toBe(false)
  })

  it('takes the longest address allowed and not one character more', () => {
    const domain = '@example.com'
    const longest = 'a'.repeat(LIMITS.maxEmailLength - domain.length) + domain
    expect(longest).toHaveLength(LIMITS.maxEmailLength)
    expect(isEmailAddress(longest)).toBe(true)
    expect(isEmailAddress(`a${longest}`)).toBe(false)
  })
})
