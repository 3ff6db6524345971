/** Finding HTML files under a folder, and writing a file atomically. */
import { randomBytes } from 'node:crypto'
import { readdir, rename, rm, stat, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'

/** Every `.html`/`.htm` file under `dir`, sorted; skips `node_modules` and dot folders. */
export async function findHtmlFiles(dir: string): Promise<string[]> {
  const found: string[] = []
  const walk = async (folder: string) => {
    const entries = await readdir(folder, { withFileTypes: true })
    for (const entry of entries) {
      const path = join(folder, entry.name)
      if (entry.isDirectory()) {
        if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue
        await walk(path)
      } else if (entry.isFile() && /\.html?$/i.test(entry.name)) {
        found.push(path)
      }
    }
  }
  await walk(dir)
  return found.sort()
}

/**
 * Replaces `path` with `content` atomically: a temporary file in the same folder (same file
 * system), then a rename. Readers see the old or the new file, never half of one. Keeps the mode.
 */
export async function writeAtomic(path: string, content: string | Uint8Array): Promise<void> {
  const { mode } = await stat(path)
  // A short name of fixed length: the page's own name may already be near the 255-byte limit.
  const temp = join(dirname(path), `.alttext-${randomBytes(6).toString('hex')}.tmp`)
  try {
    await writeFile(temp, content, { mode })
    await rename(temp, path)
  } catch (error) {
    await rm(temp, { force: true })
    throw error
  }
}
