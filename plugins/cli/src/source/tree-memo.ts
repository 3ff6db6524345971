/**
 * What the estimate's dry pass read and parsed, kept for the real pass of `fix --source`: a real
 * run first estimates its cost over every file (a dry run), then fills them; parsing is most of
 * the work on a warm cache, so reading and parsing each file twice made `fix --source` twice
 * `check --source` (measured, BENCHMARKS.md). The real pass takes a file's read text and tree once
 * and does not read it again: a file edited between the passes is then caught by the compare
 * before the rename (`writeIfUnchanged`: not overwritten, reported), as during any run. The memo
 * holds at most `MAX_TEXT` characters of source in all (a tree takes many times its text in
 * memory); other files are read and parsed again.
 */
import type { SourceFillResult } from '@alttextapi/remark'
import type { SourceText } from './files.js'

/** A parsed Markdown/MDX file. */
type Root = NonNullable<SourceFillResult['tree']>

/** A file as read, with its tree. */
export interface Parsed {
  read: Extract<SourceText, { ok: true }>
  tree: Root
}

/** Characters of source whose trees are kept at most (≈ 16 MB of Markdown). */
export const MAX_TEXT = 16 * 1024 * 1024

/** Read files and their trees, by path. */
export interface TreeMemo {
  /** Keeps the file `read` and its `tree` while the budget allows. */
  keep(path: string, read: Parsed['read'], tree: Root | undefined): void
  /** What was kept for `path`, once. */
  take(path: string): Parsed | undefined
}

/** An empty memo. */
export function createTreeMemo(maxText = MAX_TEXT): TreeMemo {
  const kept = new Map<string, Parsed>()
  let size = 0
  return {
    keep(path, read, tree) {
      if (!tree || kept.has(path) || size + read.text.length > maxText) return
      kept.set(path, { read, tree })
      size += read.text.length
    },
    take(path) {
      const entry = kept.get(path)
      if (!entry) return undefined
      kept.delete(path)
      size -= entry.read.text.length
      return entry
    },
  }
}
