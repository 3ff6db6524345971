/** The dry pass's reads and trees, taken once by the real pass of `fix --source`, within a budget. */
import { parseMarkdown } from '@alttextapi/remark'
import { expect, it } from 'vitest'
import type { SourceText } from '../src/source/files.js'
import { createTreeMemo } from '../src/source/tree-memo.js'

const readOf = (text: string): Extract<SourceText, { ok: true }> => ({
  ok: true,
  text,
  bytes: Buffer.from(text),
  real: '/x.md',
  mode: 0o644,
})

it('gives a file back once, and keeps no more than its budget of text', () => {
  const memo = createTreeMemo(20)
  const read = readOf('# A\n\n![](a.png)\n')
  const tree = parseMarkdown(read.text, false)
  memo.keep('a.md', read, tree)
  expect(memo.take('a.md')).toEqual({ read, tree })
  expect(memo.take('a.md')).toBeUndefined()
  // Over the budget (20 characters): not kept; take frees the budget.
  memo.keep('a.md', read, tree)
  memo.keep('b.md', read, tree)
  expect(memo.take('b.md')).toBeUndefined()
  expect(memo.take('a.md')?.tree).toBe(tree)
  memo.keep('b.md', read, tree)
  expect(memo.take('b.md')?.tree).toBe(tree)
  // A file that could not be parsed is not kept.
  memo.keep('c.md', read, undefined)
  expect(memo.take('c.md')).toBeUndefined()
})
