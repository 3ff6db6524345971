import { describe, expect, it } from 'vitest'
import { AltTextError, ERROR_CODES, FATAL_ERROR_CODES, isFatalError } from '../../src/index.js'

describe('isFatalError', () => {
  it('stops a run for a bad key, no credits, a forbidden route, no model, or no API', () => {
    expect([...FATAL_ERROR_CODES].sort()).toEqual([
      'forbidden',
      'insufficient_credits',
      'model_not_configured',
      'network_error',
      'timeout',
      'unauthorized',
    ])
    for (const code of FATAL_ERROR_CODES) expect(isFatalError(code)).toBe(true)
  })

  it('goes on after per-image failures', () => {
    const perImage = ERROR_CODES.filter((code) => !isFatalError(code))
    expect(perImage).toEqual(
      expect.arrayContaining([
        'invalid_request',
        'payload_too_large',
        'unsupported_media_type',
        'image_fetch_failed',
        'rate_limited',
        'model_error',
        'internal_error',
      ]),
    )
    expect(isFatalError('aborted')).toBe(false)
  })

  it('reads the code of an AltTextError or an API error object', () => {
    expect(isFatalError(new AltTextError({ code: 'unauthorized', status: 401, detail: 'x' }))).toBe(
      true,
    )
    expect(isFatalError(new AltTextError({ code: 'model_error', status: 502, detail: 'x' }))).toBe(
      false,
    )
    expect(isFatalError({ code: 'insufficient_credits', message: 'x' })).toBe(true)
    expect(isFatalError(new Error('unauthorized'))).toBe(false)
    expect(isFatalError(null)).toBe(false)
  })

  it('names only codes the API or the client really use', () => {
    const client = ['network_error', 'timeout', 'aborted', 'invalid_response']
    for (const code of FATAL_ERROR_CODES) {
      expect([...ERROR_CODES, ...client]).toContain(code)
    }
  })
})
