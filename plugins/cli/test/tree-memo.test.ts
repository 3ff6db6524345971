/** The dry pass's trees, reused by the real pass of `fix --source` only for the same text. */
import { parseMarkdown } from '@alttextapi/remark'
import { expect, it } from 'vitest'
import { createTreeMemo } from '../src/source/tree-memo.js'

it('gives a tree back once, only for the text it was parsed from, within its budget', () => {
  const memo = createTreeMemo(20)
  const text = '# A\n\n![](a.png)\n'
  const tree = parseMarkdown(text, false)
  memo.keep('a.md', text, tree)
  expect(memo.take('a.md', text)).toBe(tree)
  expect(memo.take('a.md', text)).toBeUndefined()
  // The file changed between the passes: its old tree is not used.
  memo.keep('a.md', text, tree)
  expect(memo.take('a.md', `${text}more\n`)).toBeUndefined()
  // Over the budget (20 characters): not kept; the budget is freed by take.
  memo.keep('a.md', text, tree)
  memo.keep('b.md', text, tree)
  expect(memo.take('b.md', text)).toBeUndefined()
  expect(memo.take('a.md', text)).toBe(tree)
  memo.keep('b.md', text, tree)
  expect(memo.take('b.md', text)).toBe(tree)
})
