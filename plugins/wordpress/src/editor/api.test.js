import { describe, expect, it } from '@jest/globals'
import { isFatal } from './api'

describe('isFatal', () => {
  it('follows the server: data.fatal comes from the contract', () => {
    expect(isFatal({ code: 'alttextapi_no_credits', data: { status: 402, fatal: true } })).toBe(
      true,
    )
    expect(isFatal({ code: 'alttextapi_unavailable', data: { status: 503, fatal: true } })).toBe(
      true,
    )
    // An outage of the model (model_error) fails this image only.
    expect(isFatal({ code: 'alttextapi_unavailable', data: { status: 503, fatal: false } })).toBe(
      false,
    )
    expect(isFatal({ code: 'alttextapi_api_error', data: { status: 422, fatal: false } })).toBe(
      false,
    )
  })

  it('stops on WordPress-side failures that every further image would meet', () => {
    for (const code of ['alttextapi_no_key', 'alttextapi_unreachable', 'rest_forbidden']) {
      expect(isFatal({ code, data: { status: 400 } })).toBe(true)
    }
  })

  it('is false for anything else', () => {
    expect(isFatal(undefined)).toBe(false)
    expect(isFatal(new Error('offline'))).toBe(false)
    expect(isFatal({ code: 'alttextapi_decorative', data: { fatal: 'yes' } })).toBe(false)
  })
})
