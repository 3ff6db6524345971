/**
 * Test helpers: temp folders. The fake AltText API is testkit's `startFakeApi` (a PNG made by
 * testkit's `tinyPng(n)` is described as `Image n`).
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { tinyPng } from '@alttextapi/testkit'

/** A temp folder holding `files` (path → content) and a clean-up. */
export async function tempSite(files: Record<string, Uint8Array | string> = {}) {
  const dir = await mkdtemp(join(tmpdir(), 'alttext-remark-'))
  for (const [name, content] of Object.entries(files)) {
    await mkdir(dirname(join(dir, name)), { recursive: true })
    await writeFile(join(dir, name), content)
  }
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) }
}

export { tinyPng }
