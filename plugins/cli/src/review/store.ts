/**
 * The alt-text.json of a review: read strictly (a hand-edited file with an unknown field or a bad
 * value is reported with its line and never rewritten), and changed one entry at a time. Every
 * change reads the file again first and checks the entry still holds the text the reviewer saw:
 * an approval of text that changed since the page was loaded is refused, so no edit is lost.
 */
import { readFile } from 'node:fs/promises'
import {
  type AltTextFileEntry,
  type AltTextFileImages,
  approveEntry,
  editEntry,
  entryIdentity,
  parseAltTextFile,
  serializeAltTextFile,
} from '@alttextapi/core/node'
import { writeAtomic } from '../files.js'

/** One entry of the file, with what the review page needs to name it. */
export interface ReviewItem {
  hash: string
  /** `entryIdentity` of the entry: with the hash, it names the entry in a form. */
  id: string
  entry: AltTextFileEntry
}

/** The file as read: its entries in file order, or its problems as `path:line:col: message`. */
export type ReviewRead =
  | { ok: true; items: ReviewItem[]; images: AltTextFileImages }
  | { ok: false; problems: string[] }

/** Reads `path` strictly. A missing file is an empty one. */
export async function readForReview(path: string, display = path): Promise<ReviewRead> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT')
      return { ok: true, items: [], images: new Map() }
    throw error
  }
  const parsed = parseAltTextFile(text, { strict: true })
  if (parsed.problems.length > 0)
    return {
      ok: false,
      problems: parsed.problems.map((p) => `${display}:${p.line}:${p.column}: ${p.message}`),
    }
  const items: ReviewItem[] = []
  for (const hash of [...parsed.images.keys()].sort())
    for (const entry of parsed.images.get(hash) ?? [])
      items.push({ hash, id: entryIdentity(entry), entry })
  return { ok: true, items, images: parsed.images }
}

/** What a reviewer asks for. `shown` is the text the page showed when it was loaded. */
export type ReviewAction =
  | { kind: 'approve'; hash: string; id: string; shown: string }
  | { kind: 'edit'; hash: string; id: string; shown: string; text: string }

/** How a change ended: `refused` carries the message for the reviewer. */
export type ReviewResult =
  | { status: 'done'; entry: AltTextFileEntry }
  | { status: 'refused'; message: string }
  | { status: 'broken'; problems: string[] }

/** Longest alt text a reviewer may write (far above any sensible alt text; keeps the file sane). */
export const MAX_REVIEW_TEXT = 1000

/**
 * Applies `action` to the file at `path` by `by`: re-reads the file, refuses when it has problems,
 * when the entry is gone, or when its text is no longer `shown`; else writes the file atomically.
 * Calls are serialized by the caller (one server handles one request at a time per file).
 */
export async function applyReview(
  path: string,
  action: ReviewAction,
  by: string,
  now: () => Date = () => new Date(),
): Promise<ReviewResult> {
  const read = await readForReview(path)
  if (!read.ok) return { status: 'broken', problems: read.problems }
  const entries = read.images.get(action.hash)
  const entry = entries?.find((e) => entryIdentity(e) === action.id)
  if (!entries || !entry)
    return {
      status: 'refused',
      message: 'This entry is no longer in the file (it was pruned or changed). Reload the page.',
    }
  if (entry.altText !== action.shown)
    return {
      status: 'refused',
      message: `Not saved: this alt text changed since the page was loaded (it is now "${entry.altText}"). Reload the page and review the new text.`,
    }
  const at = now().toISOString()
  let next: AltTextFileEntry
  if (action.kind === 'approve') next = approveEntry(entry, by, at)
  else {
    const text = action.text.replace(/\s+/g, ' ').trim()
    if (text === '')
      return {
        status: 'refused',
        message:
          'Not saved: the alt text is empty. Decorative images get alt="" in the page, not here.',
      }
    if (text.length > MAX_REVIEW_TEXT)
      return { status: 'refused', message: `Not saved: longer than ${MAX_REVIEW_TEXT} characters.` }
    next = text === entry.altText ? approveEntry(entry, by, at) : editEntry(entry, text, by, at)
  }
  read.images.set(
    action.hash,
    entries.map((e) => (e === entry ? next : e)),
  )
  await writeAtomic(path, serializeAltTextFile(read.images))
  return { status: 'done', entry: next }
}
