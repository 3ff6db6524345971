/** The remark plugin in a plain unified pipeline and in MDX, against testkit's fake API. */
import { join } from 'node:path'
import { type FakeApi, startFakeApi } from '@alttextapi/testkit'
import { compile } from '@mdx-js/mdx'
import type { Html, Image, Root } from 'mdast'
import rehypeStringify from 'rehype-stringify'
import remarkFrontmatter from 'remark-frontmatter'
import remarkParse from 'remark-parse'
import remarkRehype from 'remark-rehype'
import { unified } from 'unified'
import { VFile } from 'vfile'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import remarkAltText, { createAltTextRun, fillMarkdownSource, type Options } from '../src/index.js'
import { tempSite, tinyPng } from './helpers.js'

let api: FakeApi
let site: Awaited<ReturnType<typeof tempSite>>
beforeAll(async () => {
  api = await startFakeApi()
  site = await tempSite({
    'posts/cat.png': tinyPng(3),
    'public/logo.png': tinyPng(4),
    'public/hero.png': tinyPng(5),
    'posts/dog.png': tinyPng(6),
    'secret.png': tinyPng(7),
  })
})
afterAll(async () => {
  await api.close()
  await site.remove()
})
beforeEach(() => api.reset())

const options = (extra: Options = {}): Options => ({
  apiKey: api.key,
  baseUrl: api.url,
  root: join(site.dir, 'posts'),
  publicDir: join(site.dir, 'public'),
  cache: false,
  ...extra,
})

async function toHtml(markdown: string, extra: Options = {}) {
  const file = new VFile({ value: markdown, path: join(site.dir, 'posts', 'cats.md') })
  const out = await unified()
    .use(remarkParse)
    .use(remarkFrontmatter)
    .use(remarkAltText, options(extra))
    .use(remarkRehype, { allowDangerousHtml: true })
    .use(rehypeStringify, { allowDangerousHtml: true })
    .process(file)
  return { html: String(out), file: out }
}

it('fills empty Markdown alt, leaves written and decorative images, sends language and context', async () => {
  const markdown = [
    '---',
    'title: Our pets',
    'lang: de-CH',
    '---',
    '',
    '# Cats',
    '',
    'The cat sleeps: ![](cat.png)',
    '',
    '![The logo](/logo.png)',
    '',
    '<img src="/hero.png" alt="">',
    '',
    '![  ](dog.png "A good dog")',
    '',
  ].join('\n')
  const { html, file } = await toHtml(markdown)
  expect(html).toContain('<img src="cat.png" alt="Image 3 (de-CH)">')
  expect(html).toContain('<img src="/logo.png" alt="The logo">')
  expect(html).toContain('<img src="/hero.png" alt="">')
  expect(html).toContain('<img src="dog.png" alt="Image 6 (de-CH)" title="A good dog">')
  expect(api.images).toHaveLength(2)
  const cat = api.images.find((i) => i.seed === '3')
  expect(cat?.language).toBe('de-CH')
  expect(cat?.context).toContain('Page title: Our pets')
  expect(cat?.context).toContain('Section heading: Cats')
  expect(cat?.context).toContain('Nearby text: The cat sleeps:')
  expect(api.images.find((i) => i.seed === '6')?.context).toContain('Caption: A good dog')
  expect(file.data.markdownAltText?.stats).toMatchObject({ images: 2, described: 2 })
  expect(file.messages).toEqual([])
})

it('fills an HTML <img> without alt in Markdown, byte for byte around it', async () => {
  const { html } = await toHtml('Text\n\n<p class=x><img  src="cat.png" data-a=1></p>\n')
  expect(html).toContain('<p class=x><img  src="cat.png" data-a=1 alt="Image 3"></p>')
})

it('uses the option language without front matter, and a reference image and its definition', async () => {
  const { html } = await toHtml('![][pic]\n\n[pic]: cat.png "Sleeping"\n', { language: 'fr' })
  expect(html).toContain('alt="Image 3 (fr)"')
  expect(api.images[0]?.context).toContain('Caption: Sleeping')
})

it('says when an image is the only content of a link', async () => {
  await toHtml('[![](cat.png)](https://example.com/cats)\n')
  expect(api.images[0]?.context).toContain('only content of a link to https://example.com/cats')
})

it('reports an unresolvable image with file:line:column and leaves it unchanged', async () => {
  const { html, file } = await toHtml('# T\n\nSee ![](missing.png) here\n')
  expect(html).toContain('<img src="missing.png" alt="">')
  expect(file.messages).toHaveLength(1)
  expect(String(file.messages[0])).toMatch(
    /cats\.md:3:5(-3:\d+)?: Could not describe image \(missing\.png\): Image file not found/,
  )
  expect(api.images).toHaveLength(0)
})

it('reads nothing outside the root', async () => {
  const { file } = await toHtml('![](../secret.png)\n')
  expect(String(file.messages[0])).toContain('leaves the site folder')
  expect(api.images).toHaveLength(0)
})

it('fails the file once on a fatal answer', async () => {
  const many = Array.from({ length: 5 }, (_, i) => `![](cat.png?${i}) ![](dog.png?${i})`).join(
    '\n\n',
  )
  const error = await toHtml(many, { apiKey: 'atk_wrong_wrong_wrong_wrong_wrong_wrong_x' }).then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(String(error)).toMatch(/Stopped: .*key/i)
  expect(api.stats.calls).toBeLessThanOrEqual(1)
})

it('with failOnError: false a fatal answer is one message', async () => {
  const { file } = await toHtml('![](cat.png)\n\n![](dog.png)\n', {
    apiKey: 'atk_wrong_wrong_wrong_wrong_wrong_wrong_x',
    failOnError: false,
  })
  expect(file.messages.filter((m) => m.ruleId === 'fatal')).toHaveLength(1)
})

it('works in MDX: Markdown images and JSX <img>, decorative JSX left alone', async () => {
  const source = [
    '---',
    'title: MDX page',
    '---',
    "import X from './x.js'",
    '',
    '# Pets',
    '',
    '![](cat.png)',
    '',
    '<img src="dog.png" />',
    '',
    '<img src="/hero.png" alt="" />',
    '',
  ].join('\n')
  const file = new VFile({ value: source, path: join(site.dir, 'posts', 'pets.mdx') })
  const seen: Root[] = []
  const code = await compile(file, {
    remarkPlugins: [
      remarkFrontmatter,
      [remarkAltText, options()],
      () => (tree: Root) => {
        seen.push(structuredClone(tree))
      },
    ],
  })
  const js = String(code)
  expect(js).toContain('"Image 3"')
  expect(js).toContain('alt: "Image 6"')
  expect(js).toContain('alt: ""')
  expect(api.images).toHaveLength(2)
  expect(api.images[0]?.context).toContain('Page title: MDX page')
  const tree = seen[0] as Root
  const image = (tree.children.find((c) => c.type === 'paragraph') as { children: Image[] })
    .children[0]
  expect(image?.alt).toBe('Image 3')
})

it('changes nothing when every image has alt text (no call, no run made)', async () => {
  const { html } = await toHtml('![A cat](cat.png)\n\n<img src="cat.png" alt="A cat">\n')
  expect(html).toContain('alt="A cat"')
  expect(api.stats.calls).toBe(0)
})

it('leaves raw HTML untouched when nothing is missing', async () => {
  const tree = unified().use(remarkParse).parse('<div>\n<img src="a.png" alt="x">\n</div>\n')
  expect((tree.children[0] as Html).value).toBe('<div>\n<img src="a.png" alt="x">\n</div>')
})

it('describes an image once per run however many files point at it', async () => {
  const run = createAltTextRun(options())
  const processor = unified().use(remarkParse).use(remarkAltText, { run })
  const one = new VFile({ value: '![](cat.png)\n', path: join(site.dir, 'posts', 'a.md') })
  const two = new VFile({
    value: '![](cat.png) ![](cat.png)\n',
    path: join(site.dir, 'posts', 'b.md'),
  })
  await processor.run(processor.parse(one), one)
  await processor.run(processor.parse(two), two)
  expect(api.images).toHaveLength(1)
  // A file counts what its own images spent: the first reference paid, the others nothing.
  expect(one.data.markdownAltText?.stats).toMatchObject({ images: 1, described: 1, creditsUsed: 1 })
  expect(two.data.markdownAltText?.stats).toMatchObject({ images: 2, cached: 2, creditsUsed: 0 })
  expect(run.stats).toMatchObject({ images: 3, described: 1, cached: 2 })
})

it("counts a decorative answer's credits once however often the file points at the image", async () => {
  api.program({ altText: (image) => ({ altText: `Image ${image.seed}`, decorative: true }) })
  const { file } = await toHtml('![](cat.png) ![](cat.png)\n')
  expect(api.images).toHaveLength(1)
  expect(file.data.markdownAltText?.stats).toMatchObject({ images: 2, skipped: 2, creditsUsed: 1 })
  const rules = file.messages.map((message) => message.ruleId)
  expect(rules).toEqual(['decorative', 'decorative'])
})

it('reads the language and title Astro parsed into file.data.astro.frontmatter', async () => {
  const file = new VFile({ value: '![](cat.png)\n', path: join(site.dir, 'posts', 'astro.md') })
  file.data.astro = { frontmatter: { title: 'From Astro', language: 'fr-CA' } }
  await unified()
    .use(remarkParse)
    .use(remarkAltText, options())
    .use(remarkRehype)
    .use(rehypeStringify)
    .process(file)
  expect(api.images[0]?.language).toBe('fr-CA')
  expect(api.images[0]?.context).toContain('Page title: From Astro')
})

it('downloads keep to public addresses: a loopback image URL is refused and reported', async () => {
  const { html, file } = await toHtml(`![](${api.url}/img.png)\n`)
  expect(html).toContain('alt=""')
  expect(String(file.messages[0])).toMatch(/1:1.*refused/)
  expect(api.images).toHaveLength(0)
})

describe('options', () => {
  it('a misspelt or wrong option fails before any file is read, naming it', () => {
    const use = (options: unknown) =>
      // unified calls the attacher when the processor is frozen (first `process` does it).
      unified()
        .use(remarkParse)
        .use(remarkAltText, options as Options)
        .freeze()
    expect(() => use({ maxCredit: 1 })).toThrow('@alttextapi/remark: unknown option "maxCredit"')
    expect(() => use({ concurrency: 'four' })).toThrow(
      '@alttextapi/remark: option "concurrency": Invalid type: Expected number but received "four"',
    )
    expect(() => use({ maxCredits: 2.5 })).toThrow('option "maxCredits": must be a whole number')
    // HTML-only options are not the Markdown plugin's.
    expect(() => use({ basePath: '/blog/' })).toThrow('unknown option "basePath"')
    expect(() => use({ maxCredits: 3, language: 'de', context: false })).not.toThrow()
  })

  it('fillMarkdownSource checks its options too', async () => {
    await expect(fillMarkdownSource('![](a.png)', { mdx: 'yes' } as never)).rejects.toThrow(
      '@alttextapi/remark: option "mdx": Invalid type: Expected boolean but received "yes"',
    )
  })
})

it('a dry run counts a remote image at a private address as the real run does: failed, not planned', async () => {
  const source = 'Local: ![](http://127.0.0.1:1/x.png)\n'
  const dryRun = createAltTextRun({ apiKey: 'atk_x', baseUrl: api.url, dryRun: true, cache: false })
  const dry = await fillMarkdownSource(source, { run: dryRun })
  const realRun = createAltTextRun({ apiKey: api.key, baseUrl: api.url, cache: false })
  const real = await fillMarkdownSource(source, { run: realRun })
  const [planned] = dry.result.images
  const [done] = real.result.images
  expect(planned?.status).toBe('failed')
  expect(planned?.reason).toBe(done?.reason)
  expect(done?.reason).toMatch(/127\.0\.0\.1/)
  expect(dryRun.summary().planned).toBe(0)
})
