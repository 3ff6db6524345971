/**
 * axe-core's `image-alt` rule in Debian's Chromium, over every page of a built site served on
 * loopback: the check a screen-reader user's experience depends on, run where it is defined.
 */
import { createReadStream } from 'node:fs'
import { readdir, readFile, stat } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { extname, join, normalize, relative } from 'node:path'
import { launchChromium, listen } from '@alttextapi/testkit'

const require = createRequire(import.meta.url)

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css',
  '.js': 'text/javascript',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.webp': 'image/webp',
  '.svg': 'image/svg+xml',
}

/** What axe found on one page. */
export interface PageCheck {
  /** The HTML of each `<img>` axe reports for `image-alt`. */
  violations: string[]
  /** How many `<img>` the page has (a page without images proves nothing). */
  images: number
}

/** Serves `dir` on 127.0.0.1 (`/about/` is `/about/index.html`). */
function serve(dir: string) {
  return listen(async (req, res) => {
    let path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)
    if (path.endsWith('/')) path += 'index.html'
    const file = join(dir, normalize(path).replace(/^(\.\.[/\\])+/, ''))
    try {
      if (!(await stat(file)).isFile()) throw new Error('not a file')
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' })
      createReadStream(file).pipe(res)
    } catch {
      res.writeHead(404).end()
    }
  })
}

/** Runs axe's `image-alt` on every `.html` page under `dir`; page path → result. */
export async function axeImageAlt(dir: string): Promise<Record<string, PageCheck>> {
  const axe = await readFile(require.resolve('axe-core/axe.min.js'), 'utf8')
  const pages = (await readdir(dir, { recursive: true, withFileTypes: true }))
    .filter((entry) => entry.isFile() && entry.name.endsWith('.html'))
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)).split('\\').join('/'))
    .sort()
  const server = await serve(dir)
  const browser = await launchChromium()
  try {
    const results: Record<string, PageCheck> = {}
    for (const path of pages) {
      const page = await browser.context.newPage()
      try {
        await page.goto(`${server.url}/${path}`, { waitUntil: 'load' })
        await page.addScriptTag({ content: axe })
        results[path] = await page.evaluate(async () => {
          // The page's globals (this package's types have no DOM).
          const w = globalThis as unknown as {
            axe: { run(o: unknown): Promise<{ violations: { nodes: { html: string }[] }[] }> }
            document: { querySelectorAll(selector: string): { length: number } }
          }
          const result = await w.axe.run({ runOnly: { type: 'rule', values: ['image-alt'] } })
          return {
            violations: result.violations.flatMap((v) => v.nodes.map((n) => n.html)),
            images: w.document.querySelectorAll('img').length,
          }
        })
      } finally {
        await page.close()
      }
    }
    return results
  } finally {
    await browser.close()
    await server.close()
  }
}
