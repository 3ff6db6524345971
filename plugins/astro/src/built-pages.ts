/**
 * The pass over the built HTML in `astro:build:done`: what remark cannot see (`<img>` written in
 * `.astro` components, the output of `<Image>` and `<Picture>`) gets its alt text here. Each page
 * goes through `@alttextapi/rehype`'s `fillAltText`, which splices in only the new `alt`
 * attributes: every other byte of the page stays as Astro wrote it.
 */
import { readdir, readFile, writeFile } from 'node:fs/promises'
import { join, relative } from 'node:path'
import { sanitizeForTerminal } from '@alttextapi/core/node'
import { type AltTextRun, type FillResult, fillAltText } from '@alttextapi/rehype'
import type { AstroIntegrationLogger } from 'astro'

/** Pages filled at once: enough to keep the API busy, few enough to hold little in memory. */
const PAGES_AT_ONCE = 8

/** The `.html` files under `dir`, sorted (the order of progress and messages). */
export async function findPages(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true })
  return entries
    .filter((entry) => entry.isFile() && /\.html?$/i.test(entry.name))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort()
}

/** A file's messages as `file:line:column: reason` lines (the fatal stop is reported once, apart). */
export function reportMessages(
  logger: AstroIntegrationLogger,
  root: string,
  result: FillResult,
): void {
  for (const message of result.file.messages) {
    if (message.ruleId === 'fatal') continue
    const where = `${relative(root, result.file.path || '')}:${message.line ?? 0}:${message.column ?? 0}`
    const line = sanitizeForTerminal(`${where.split('\\').join('/')}: ${message.reason}`)
    if (message.fatal === false) logger.warn(line)
    else logger.info(line)
  }
}

/**
 * Fills every page of `pages`, writing back the ones that changed; logs progress about every
 * tenth of the pages from 20 pages on (a build log is not a terminal: no bar). Stops early when the run stops.
 */
export async function fillPages(
  pages: readonly string[],
  run: AltTextRun,
  logger: AstroIntegrationLogger,
): Promise<FillResult[]> {
  const results: FillResult[] = []
  // A small site needs no progress: its summary follows at once.
  const step = pages.length >= 20 ? Math.ceil(pages.length / 10) : Number.POSITIVE_INFINITY
  let next = 0
  let done = 0
  const worker = async () => {
    while (next < pages.length && !run.fatal) {
      const index = next++
      const path = pages[index] as string
      const html = await readFile(path, 'utf8')
      const result = await fillAltText(html, { run, path })
      if (result.changed > 0) await writeFile(path, result.html)
      results[index] = result
      done++
      if (done % step === 0 && done < pages.length)
        logger.info(`${done}/${pages.length} pages, ${run.stats.described} images described`)
    }
  }
  await Promise.all(Array.from({ length: Math.min(PAGES_AT_ONCE, pages.length) }, worker))
  return results.filter(Boolean)
}
