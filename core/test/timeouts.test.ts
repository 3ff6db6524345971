/**
 * The client waits longer than the API's deadline: the API may take 2 × MODEL_TIMEOUT_MS (30 s
 * by default) on the model after IMAGE_FETCH_TIMEOUT_MS (10 s) fetching a URL before it answers
 * `model_error`; giving up before that would say "no answer" for a charge the API refunds.
 */
import { describe, expect, it } from 'vitest'
import { DEFAULTS } from '../src/config.js'

const API_MODEL_TIMEOUT_MS = 30_000
const API_IMAGE_FETCH_TIMEOUT_MS = 10_000

describe('client timeout', () => {
  it('is longer than the API deadline by default', () => {
    const apiDeadline = 2 * API_MODEL_TIMEOUT_MS + API_IMAGE_FETCH_TIMEOUT_MS
    expect(DEFAULTS.timeoutMs).toBeGreaterThan(apiDeadline)
  })
})
