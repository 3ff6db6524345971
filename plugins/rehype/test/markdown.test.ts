/** The plugin in a markdown pipeline (remark → rehype), as Astro or any unified user runs it. */
import { join } from 'node:path'
import { type FakeApi, startFakeApi } from '@alttextapi/testkit'
import rehypeStringify from 'rehype-stringify'
import remarkParse from 'remark-parse'
import remarkRehype from 'remark-rehype'
import { unified } from 'unified'
import { VFile } from 'vfile'
import { afterAll, beforeAll, expect, it } from 'vitest'
import rehypeAltText from '../src/index.js'
import { tempSite, tinyPng } from './helpers.js'

let api: FakeApi
let site: Awaited<ReturnType<typeof tempSite>>
beforeAll(async () => {
  api = await startFakeApi()
  site = await tempSite({ 'posts/cat.png': tinyPng(3), 'logo.png': tinyPng(4) })
})
afterAll(async () => {
  await api.close()
  await site.remove()
})

it('fills alt for markdown images with an empty description, keeps the others', async () => {
  const markdown = '# Cats\n\nOur cat:\n\n![](cat.png)\n\n![The logo](/logo.png)\n'
  const file = new VFile({ value: markdown, path: join(site.dir, 'posts', 'cats.md') })
  const out = await unified()
    .use(remarkParse)
    .use(remarkRehype)
    .use(rehypeAltText, {
      apiKey: api.key,
      baseUrl: api.url,
      publicDir: site.dir,
      cache: false,
      language: 'en-GB',
      // Markdown `![](x)` means "no description given", not "decorative".
      describeDecorative: true,
    })
    .use(rehypeStringify)
    .process(file)
  expect(String(out)).toContain('<img src="cat.png" alt="Image 3 (en-GB)">')
  expect(String(out)).toContain('<img src="/logo.png" alt="The logo">')
  expect(api.images).toHaveLength(1)
  expect(api.images[0]?.context).toContain('Section heading: Cats')
  expect(api.images[0]?.context).toContain('Nearby text: Our cat:')
})
