/**
 * The trees of the estimate's dry pass, kept for the real pass of `fix --source`: a real run
 * first estimates its cost over every file (a dry run), then fills them; parsing is most of the
 * work on a warm cache, so parsing each file twice made `fix --source` twice `check --source`
 * (measured, BENCHMARKS.md). A tree is used only for the very text it was parsed from, once; the
 * memo holds trees of at most `MAX_TEXT` characters of source in all (a tree takes many times
 * its text in memory), the rest is parsed again.
 */
import type { SourceFillResult } from '@alttextapi/remark'

/** A parsed Markdown/MDX file. */
type Root = NonNullable<SourceFillResult['tree']>

/** Characters of source whose trees are kept at most (≈ 16 MB of Markdown). */
export const MAX_TEXT = 16 * 1024 * 1024

/** Trees by file, for the text they were parsed from. */
export interface TreeMemo {
  /** Keeps `tree`, parsed from `text`, while the budget allows. */
  keep(path: string, text: string, tree: Root | undefined): void
  /** The tree kept for `path` if it was parsed from `text`; forgotten either way. */
  take(path: string, text: string): Root | undefined
}

/** An empty memo. */
export function createTreeMemo(maxText = MAX_TEXT): TreeMemo {
  const kept = new Map<string, { text: string; tree: Root }>()
  let size = 0
  return {
    keep(path, text, tree) {
      if (!tree || kept.has(path) || size + text.length > maxText) return
      kept.set(path, { text, tree })
      size += text.length
    },
    take(path, text) {
      const entry = kept.get(path)
      if (!entry) return undefined
      kept.delete(path)
      size -= entry.text.length
      return entry.text === text ? entry.tree : undefined
    },
  }
}
