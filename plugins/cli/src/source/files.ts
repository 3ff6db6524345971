/**
 * Source files for `--source`: finding `.md`/`.mdx`/`.markdown` files, reading them as text
 * (binary, non-UTF-8 and huge files are skipped with a reason), and writing one back only when it
 * did not change on disk while the run worked on it.
 */
import { randomBytes } from 'node:crypto'
import {
  lstatSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import { dirname, join } from 'node:path'
import { ChangedOnDiskError, findFiles, type SkipHandler } from '../files.js'

/** Markdown and MDX file names. */
export const SOURCE_FILE = /\.(md|mdx|markdown)$/i

/** Largest source file read (a Markdown page is kilobytes; a bigger one is likely data). */
export const MAX_SOURCE_BYTES = 5 * 1024 * 1024

/** Every Markdown/MDX file under `dir`, sorted (the walk of `findFiles`). */
export function findSourceFiles(dir: string, onSkip: SkipHandler): Promise<string[]> {
  return findFiles(dir, SOURCE_FILE, onSkip)
}

/** A source file read as text (with what writing it back needs), or why it was skipped. */
export type SourceText =
  | { ok: true; text: string; bytes: Buffer; real: string; mode: number }
  | { ok: false; reason: string; error?: boolean }

/**
 * Reads `path` as UTF-8 text; huge, binary (a NUL byte) and non-UTF-8 files are skipped.
 * Synchronous, like `writeIfUnchanged`: a Markdown file is kilobytes, and the thread-pool round
 * trips of the promise API (several per file) made `fix --source` over 1,000 posts far slower
 * than `check --source` on a busy machine (see BENCHMARKS.md).
 */
export function readSource(path: string): SourceText {
  let bytes: Buffer
  let real: string
  let mode: number
  try {
    // A symlinked file is read and written through: its target changes, the link stays.
    real = lstatSync(path).isSymbolicLink() ? realpathSync(path) : path
    const info = statSync(real)
    if (info.size > MAX_SOURCE_BYTES)
      return { ok: false, reason: `larger than ${MAX_SOURCE_BYTES / 1024 / 1024} MB` }
    mode = info.mode
    bytes = readFileSync(real)
  } catch (error) {
    return { ok: false, reason: `could not read: ${(error as Error).message}`, error: true }
  }
  if (bytes.includes(0)) return { ok: false, reason: 'binary file (NUL bytes)' }
  try {
    // ignoreBOM keeps a byte order mark in the text: it is written back as it was.
    const text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes)
    return { ok: true, text, bytes, real, mode }
  } catch {
    return { ok: false, reason: 'not UTF-8 text' }
  }
}

/**
 * Replaces the file `read` came from with `content` only if it still holds what was read: the new
 * text goes to a temporary file in the same folder, the file is read again and compared, then the
 * temporary file is renamed over it. A file edited while the run worked on it is left alone (an
 * editor's save between the compare and the rename is the one window left: a rename has no
 * compare-and-swap). Keeps the mode.
 */
export function writeIfUnchanged(read: Extract<SourceText, { ok: true }>, content: string): void {
  const temp = join(dirname(read.real), `.alttext-${randomBytes(6).toString('hex')}.tmp`)
  try {
    writeFileSync(temp, content, { mode: read.mode })
    if (!readFileSync(read.real).equals(read.bytes))
      throw new ChangedOnDiskError('changed on disk during the run')
    renameSync(temp, read.real)
  } catch (error) {
    rmSync(temp, { force: true })
    throw error
  }
}
