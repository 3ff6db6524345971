import { describe, expect, it } from 'vitest'
import { backoffDelay, parseRetryAfter } from '../src/index.js'

describe('backoffDelay', () => {
  it('grows exponentially up to the cap, with full jitter', () => {
    expect(backoffDelay(0, 500, 30_000, () => 1)).toBe(500)
    expect(backoffDelay(3, 500, 30_000, () => 1)).toBe(4000)
    expect(backoffDelay(10, 500, 30_000, () => 1)).toBe(30_000)
    expect(backoffDelay(3, 500, 30_000, () => 0)).toBe(0)
    expect(backoffDelay(3, 500, 30_000, () => 0.5)).toBe(2000)
  })
})

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates, ignores nonsense', () => {
    expect(parseRetryAfter('7')).toBe(7)
    expect(parseRetryAfter(' 2 ')).toBe(2)
    const now = Date.parse('2026-11-24T12:00:00Z')
    expect(parseRetryAfter('Tue, 24 Nov 2026 12:00:30 GMT', now)).toBe(30)
    expect(parseRetryAfter('Tue, 24 Nov 2026 11:00:00 GMT', now)).toBe(0)
    expect(parseRetryAfter('soon')).toBeUndefined()
    expect(parseRetryAfter(null)).toBeUndefined()
  })
})
