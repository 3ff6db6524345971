/** Finding the files of a folder to work on, and writing a file atomically. */
import { randomBytes } from 'node:crypto'
import { open, readdir, realpath, rename, rm, stat, writeFile } from 'node:fs/promises'
import { dirname, isAbsolute, join, relative, sep } from 'node:path'

/** Why `findFiles` left a path out. */
export type SkipHandler = (path: string, reason: string) => void

const inside = (parent: string, child: string) => {
  const rel = relative(parent, child)
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel))
}

/** `.html` and `.htm` file names. */
export const HTML_FILE = /\.html?$/i

/**
 * Every file under `dir` whose name matches `pattern`, sorted; skips `node_modules` and dot
 * folders. Symlinks (files and folders, as in Debian's doc layout) are followed while their target
 * stays inside `dir`; one leading out is left out and named to `onSkip`. Throws a clear error when
 * `dir` is missing or not a folder. The one walk of the HTML and the Markdown commands.
 */
export async function findFiles(
  dir: string,
  pattern: RegExp,
  onSkip: SkipHandler = () => {},
): Promise<string[]> {
  let info: Awaited<ReturnType<typeof stat>>
  try {
    info = await stat(dir)
  } catch {
    throw new Error(`folder not found: ${dir}`)
  }
  if (!info.isDirectory()) throw new Error(`not a folder: ${dir}`)
  const root = await realpath(dir)
  const found: string[] = []
  // Real paths of the folders walked: a link back up the tree must not loop.
  const seen = new Set<string>()
  const walk = async (folder: string, real: string) => {
    if (seen.has(real)) return
    seen.add(real)
    const entries = await readdir(folder, { withFileTypes: true })
    for (const entry of entries) {
      const path = join(folder, entry.name)
      let isDir = entry.isDirectory()
      let isFile = entry.isFile()
      let target = join(real, entry.name)
      if (entry.isSymbolicLink()) {
        try {
          target = await realpath(path)
          const linked = await stat(target)
          isDir = linked.isDirectory()
          isFile = linked.isFile()
        } catch {
          if (pattern.test(entry.name)) onSkip(path, 'broken symlink')
          continue
        }
        if (!inside(root, target)) {
          if (isDir || pattern.test(entry.name)) onSkip(path, 'symlink leads outside the folder')
          continue
        }
      }
      if (isDir) {
        if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue
        await walk(path, target)
      } else if (isFile && pattern.test(entry.name)) {
        found.push(path)
      }
    }
  }
  await walk(dir, root)
  return found.sort()
}

/** Every `.html`/`.htm` file under `dir` (see `findFiles`). */
export function findHtmlFiles(dir: string, onSkip: SkipHandler = () => {}): Promise<string[]> {
  return findFiles(dir, HTML_FILE, onSkip)
}

/** Thrown by a writer when the file changed on disk since it was read (it is left alone). */
export class ChangedOnDiskError extends Error {
  override name = 'ChangedOnDiskError'
}

/**
 * Replaces `path` with `content` atomically: a temporary file in the same folder (same file
 * system), then a rename. Readers see the old or the new file, never half of one. Keeps the mode;
 * a symlink is followed (its target is replaced).
 */
export async function writeAtomic(link: string, content: string | Uint8Array): Promise<void> {
  // A symlinked page is written through: its target changes, the link stays a link.
  const path = await realpath(link)
  const { mode } = await stat(path)
  // A short name of fixed length: the page's own name may already be near the 255-byte limit.
  const temp = join(dirname(path), `.alttext-${randomBytes(6).toString('hex')}.tmp`)
  try {
    if (typeof content === 'string') await writeText(temp, content, mode)
    else await writeFile(temp, content, { mode })
    await rename(temp, path)
  } catch (error) {
    await rm(temp, { force: true })
    throw error
  }
}

const CHUNK = 1 << 20

/**
 * Writes `text` as UTF-8 a mebibyte at a time: a 20 MiB page is never encoded whole next to its
 * string (measured: 20 MiB less peak memory for `fix` on a 20 MiB page). A chunk never ends
 * between the two halves of a surrogate pair.
 */
async function writeText(path: string, text: string, mode: number): Promise<void> {
  const handle = await open(path, 'w', mode)
  try {
    for (let start = 0; start < text.length; ) {
      let end = Math.min(text.length, start + CHUNK)
      const last = text.charCodeAt(end - 1)
      if (end < text.length && last >= 0xd800 && last <= 0xdbff) end--
      await handle.write(text.slice(start, end), null, 'utf8')
      start = end
    }
  } finally {
    await handle.close()
  }
}
