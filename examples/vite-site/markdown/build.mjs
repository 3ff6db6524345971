/**
 * The rehype plugin in a markdown pipeline (remark → rehype), as Astro, Next.js MDX or any unified
 * user runs it: every `content/*.md` becomes `dist/*.html`.
 *
 *   ALTTEXT_API_KEY=atk_… node markdown/build.mjs
 */
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises'
import { basename, join } from 'node:path'
import rehypeAltText from '@alttextapi/rehype'
import rehypeStringify from 'rehype-stringify'
import remarkParse from 'remark-parse'
import remarkRehype from 'remark-rehype'
import { unified } from 'unified'
import { VFile } from 'vfile'
import { reporter } from 'vfile-reporter'

const here = import.meta.dirname
const out = process.env.MARKDOWN_OUT_DIR ?? join(here, 'dist')

const processor = unified()
  .use(remarkParse)
  .use(remarkRehype)
  .use(rehypeAltText, {
    // Markdown has no <html lang>: say which language the content is in.
    language: 'en',
    // `![](x.png)` means "no description written", not "decorative".
    describeDecorative: true,
    // Root-relative images (/badge.png) are read from the Vite site's public folder.
    publicDir: join(here, '..', 'public'),
    cacheDir: process.env.ALTTEXT_CACHE_DIR,
    // The committed alt-text.json (default: the one in the working directory).
    cacheFile: process.env.ALTTEXT_CACHE_FILE,
  })
  .use(rehypeStringify)

await mkdir(out, { recursive: true })
const files = []
for (const name of (await readdir(join(here, 'content'))).filter((n) => n.endsWith('.md'))) {
  const path = join(here, 'content', name)
  const file = await processor.process(new VFile({ path, value: await readFile(path, 'utf8') }))
  const title = String(file).match(/<h1>(.*?)<\/h1>/)?.[1] ?? basename(name, '.md')
  const page = `<!doctype html>\n<html lang="en">\n<head><meta charset="utf-8"><title>${title}</title></head>\n<body>\n<main>\n${String(file)}\n</main>\n</body>\n</html>\n`
  await writeFile(join(out, `${basename(name, '.md')}.html`), page)
  files.push(file)
}
console.error(reporter(files, { quiet: true }) || `${files.length} pages, no problems`)
