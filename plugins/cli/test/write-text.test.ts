/** `writeAtomic` writes a string as UTF-8 in 1 MiB chunks: no character is split at a boundary. */
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, it } from 'vitest'
import { writeAtomic } from '../src/index.js'

it('writes a page larger than a chunk byte for byte, astral characters across the boundary', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'alttext-write-'))
  try {
    const path = join(dir, 'page.html')
    await writeFile(path, 'old', { mode: 0o640 })
    // The emoji's two UTF-16 halves sit on either side of the first 1 MiB boundary.
    const text = `${'a'.repeat(2 ** 20 - 1)}😀é${'b'.repeat(2 ** 20)}日本`
    await writeAtomic(path, text)
    expect(await readFile(path, 'utf8')).toBe(text)
    expect((await readFile(path)).equals(Buffer.from(text, 'utf8'))).toBe(true)
    expect((await stat(path)).mode & 0o777).toBe(0o640)
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
})
