// Never pay twice across tools: the same 20 images described through the CLI, then WordPress's
// bulk path, then the Sanity plugin — one account, the real Worker with its local D1 and the fake
// model — cost 20 credits in all and 20 model calls (see cross-tool/run.mjs for how each tool runs).
import { describe, expect, it } from 'vitest'
import { crossTool } from '../cross-tool/run.mjs'

describe('the same images through the CLI, WordPress and Sanity of one account', () => {
  it('cost one credit per image in all: the second and third tool are answered by reuse', async () => {
    const result = await crossTool({ count: 20, language: 'en-US' })
    expect(result.steps.map((s) => [s.tool, s.described, s.credits, s.modelCalls])).toEqual([
      ['CLI', 20, 20, 20],
      ['WordPress', 20, 0, 0],
      ['Sanity', 20, 0, 0],
    ])
    expect(result.total).toBe(20)
    expect(result.modelCalls).toBe(20)
  }, 240_000)
})
