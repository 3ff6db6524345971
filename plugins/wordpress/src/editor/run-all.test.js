import { describe, expect, it } from '@jest/globals'
import { runAll } from './run-all'

describe('runAll', () => {
  it('reports progress and continues past per-image errors', async () => {
    /** @type {Array<{done: number, failed: number, total: number}>} */
    const seen = []
    const result = await runAll(
      [1, 2, 3],
      async (n) => (n === 2 ? { ok: false, code: 'alttextapi_api_error' } : { ok: true }),
      (p) => seen.push(p),
    )
    expect(result).toEqual({ done: 2, failed: 1, total: 3 })
    expect(seen.map((p) => p.done + p.failed)).toEqual([0, 1, 2, 3])
  })

  it('stops when the account has no credits', async () => {
    /** @type {number[]} */
    const calls = []
    const result = await runAll(
      [1, 2, 3],
      async (n) => {
        calls.push(n)
        return { ok: false, code: 'alttextapi_no_credits', fatal: true }
      },
      () => {},
    )
    expect(calls).toEqual([1])
    expect(result).toEqual({ done: 0, failed: 1, total: 3 })
  })
})
