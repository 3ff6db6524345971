/** Issue 23 in Markdown: a link's only image is sent as purpose link; decorative answers are reported, never written. */
import { join } from 'node:path'
import { type FakeApi, startFakeApi } from '@alttextapi/testkit'
import rehypeStringify from 'rehype-stringify'
import remarkParse from 'remark-parse'
import remarkRehype from 'remark-rehype'
import { unified } from 'unified'
import { VFile } from 'vfile'
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest'
import remarkAltText from '../src/index.js'
import { tempSite, tinyPng } from './helpers.js'

let api: FakeApi
let site: Awaited<ReturnType<typeof tempSite>>
beforeAll(async () => {
  api = await startFakeApi()
  site = await tempSite({
    'public/shop.png': tinyPng(4),
    'public/rule.png': tinyPng(5),
    'public/cat.png': tinyPng(6),
  })
})
afterAll(async () => {
  await api.close()
  await site.remove()
})
beforeEach(() => api.reset())

async function run(markdown: string, extra: Record<string, unknown> = {}) {
  const file = new VFile({ value: markdown, path: join(site.dir, 'post.md') })
  const out = await unified()
    .use(remarkParse)
    .use(remarkAltText, {
      apiKey: api.key,
      baseUrl: api.url,
      root: site.dir,
      publicDir: join(site.dir, 'public'),
      cache: false,
      batch: false,
      ...extra,
    })
    .use(remarkRehype)
    .use(rehypeStringify)
    .process(file)
  const sent = api.requests
    .filter((r) => r.path === '/v1/alt-text')
    .map((r) => r.body as { purpose?: string; context?: string })
  return { html: String(out), file: out, sent }
}

it('sends purpose link with the target for an image that is a link’s only content, content otherwise', async () => {
  const { html, sent } = await run(
    '[![](/shop.png)](https://example.com/shop)\n\nA cat: ![](/cat.png)\n',
  )
  expect(sent).toHaveLength(2)
  const link = sent.find((b) => b.context?.includes('https://example.com/shop'))
  expect(link?.purpose).toBe('link')
  expect(link?.context).toContain(
    'The image is the only content of a link to https://example.com/shop',
  )
  expect(sent.find((b) => b !== link)?.purpose).toBeUndefined()
  expect(html).toContain('alt="Image 4"')
})

it('a decorative answer is reported (rule decorative) and the image left as written', async () => {
  api.program({ altText: { 5: { altText: 'A thin line', decorative: true } } })
  const { html, file } = await run('Text\n\n![](/rule.png)\n')
  expect(html).toContain('<img src="/rule.png" alt="">')
  expect(file.messages.find((m) => m.ruleId === 'decorative')?.message).toContain('decorative')
})

it('the same picture as a link’s only content and as a plain image gets two descriptions in one run', async () => {
  api.program({
    altText: (image) => (image.purpose === 'link' ? 'Go to the shop' : `Image ${image.n}`),
  })
  const { html, sent } = await run(
    'Plain: ![](/shop.png)\n\n[![](/shop.png)](https://example.com/shop)\n\nAgain: ![](/shop.png)\n',
  )
  // One request per purpose: the link's image is not a copy of the plain one, nor the reverse.
  expect(sent.map((b) => b.purpose ?? 'content').sort()).toEqual(['content', 'link'])
  expect(html).toContain(
    '<a href="https://example.com/shop"><img src="/shop.png" alt="Go to the shop"></a>',
  )
  // Both plain references share the plain description.
  const plain = [...html.matchAll(/<p>(?:Plain|Again): <img src="\/shop.png" alt="([^"]*)">/g)]
  const [first, again] = plain.map((m) => m[1])
  expect(first).toMatch(/^Image \d+$/)
  expect(again).toBe(first)
})

it('with cacheByContext, each reference of a picture is described in its own context', async () => {
  const { sent } = await run('# Shop\n\nOpen: ![](/cat.png)\n\n# Closed\n\nShut: ![](/cat.png)\n', {
    cacheByContext: true,
  })
  expect(sent).toHaveLength(2)
  expect(sent.map((b) => b.context?.includes('Closed')).sort()).toEqual([false, true])
})
