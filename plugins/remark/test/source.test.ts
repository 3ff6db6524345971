/**
 * `fillMarkdownSource` on the fixture corpus (test/fixtures/source): only alt text changes, byte
 * for byte; and the escaping reads back as the API's text (a property test).
 */
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { type FakeApi, startFakeApi } from '@alttextapi/testkit'
import fc from 'fast-check'
import type { Image, Paragraph, Root } from 'mdast'
import type { MdxJsxFlowElement } from 'mdast-util-mdx-jsx'
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest'
import {
  escapeJsxAttribute,
  escapeMarkdownAlt,
  fillMarkdownSource,
  parseMarkdown,
  type SourceOptions,
} from '../src/index.js'
import { tempSite, tinyPng } from './helpers.js'

const FIXTURES = join(import.meta.dirname, 'fixtures', 'source')
const TRICKY = 'A [tricky] *alt* with \\ back`slash` <b> & {x} | ~y~ _z_ ^1 $2! "q"'

let api: FakeApi
let site: Awaited<ReturnType<typeof tempSite>>
beforeAll(async () => {
  api = await startFakeApi()
  const files: Record<string, Uint8Array> = { 'public/20.png': tinyPng(20) }
  for (let n = 1; n <= 19; n++) files[`posts/img/${n}.png`] = tinyPng(n)
  site = await tempSite(files)
})
afterAll(async () => {
  await api.close()
  await site.remove()
})
beforeEach(() => {
  api.reset()
  api.program({ altText: { 1: TRICKY } })
})

const options = (name: string): SourceOptions => ({
  path: join(site.dir, 'posts', name),
  apiKey: api.key,
  baseUrl: api.url,
  cache: false,
  root: site.dir,
  publicDir: join(site.dir, 'public'),
})

async function fill(name: string) {
  const input = await readFile(join(FIXTURES, name), 'utf8')
  const expected = await readFile(join(FIXTURES, name.replace(/(\.mdx?)$/, '.expected$1')), 'utf8')
  return { input, expected, out: await fillMarkdownSource(input, options(name)) }
}

/**
 * The text with every image label emptied and every `alt` attribute removed: equal for input and
 * output exactly when nothing but alt text changed.
 */
const withoutAlt = (text: string) =>
  text.replace(/!\[(?:\\.|[^\\\]])*\]/g, '![]').replace(/ alt="[^"]*"/g, '')

it('corpus.md: fills empty labels and HTML <img>, leaves code, written, decorative and escaped', async () => {
  const { input, expected, out } = await fill('corpus.md')
  expect(out.text).toBe(expected)
  expect(out.changed).toBe(12)
  expect(withoutAlt(out.text)).toBe(withoutAlt(input))
  // The missing image is reported with its place and left alone.
  expect(out.file.messages.map((m) => `${m.line}:${m.column} ${m.ruleId}`)).toEqual(['56:1 failed'])
  const tree = parseMarkdown(out.text, false)
  const first = (tree.children[2] as Paragraph).children[1] as Image
  expect(first.alt).toBe(TRICKY)
  expect(api.images.find((i) => i.seed === '2')?.context).toContain(
    'Page title: Fixture: every kind of image',
  )
  expect(api.images.every((i) => i.language === 'en-GB')).toBe(true)
})

it('crlf.md: keeps the byte order mark and CRLF line endings', async () => {
  const { input, expected, out } = await fill('crlf.md')
  expect(out.text).toBe(expected)
  expect(out.text.startsWith('\uFEFF# CRLF')).toBe(true)
  expect(withoutAlt(out.text)).toBe(withoutAlt(input))
  expect(out.text.split('\r\n')).toHaveLength(input.split('\r\n').length)
  expect(out.text.replace(/\r\n/g, '')).not.toContain('\n')
})

it('page.mdx: Markdown and JSX <img> in MDX; comments, components, decorative left alone', async () => {
  const { input, expected, out } = await fill('page.mdx')
  expect(out.text).toBe(expected)
  expect(out.changed).toBe(3)
  expect(withoutAlt(out.text)).toBe(withoutAlt(input))
  const tree = parseMarkdown(out.text, true)
  const jsx = tree.children.find(
    (c) =>
      c.type === 'mdxJsxFlowElement' &&
      c.attributes.some((a) => a.type === 'mdxJsxAttribute' && a.value === 'img/2.png'),
  ) as MdxJsxFlowElement
  expect(jsx.attributes.find((a) => a.type === 'mdxJsxAttribute' && a.name === 'alt')?.value).toBe(
    'Image 2',
  )
})

it('containers.md: a multi-line <img> in a block quote or list item is filled, every prefix kept', async () => {
  const { input, expected, out } = await fill('containers.md')
  expect(out.text).toBe(expected)
  expect(out.changed).toBe(5)
  expect(out.file.messages).toEqual([])
  expect(withoutAlt(out.text)).toBe(withoutAlt(input))
  // The same with CRLF line endings: the offsets map line by line whatever the ending.
  const crlf = await fillMarkdownSource(input.replace(/\n/g, '\r\n'), options('containers.md'))
  expect(crlf.text).toBe(expected.replace(/\n/g, '\r\n'))
  // Read back, each tag has its alt text (the decorative one keeps alt="").
  const alts: string[] = []
  const walk = (node: { type: string; value?: string; children?: unknown[] }) => {
    if (node.type === 'html')
      for (const m of (node.value ?? '').matchAll(/alt="([^"]*)"/g)) alts.push(m[1] as string)
    for (const child of node.children ?? []) walk(child as typeof node)
  }
  walk(parseMarkdown(out.text, false))
  expect(alts).toEqual(['Image 2', 'Image 3', 'Image 4', 'Image 5', 'Image 6', ''])
})

it('a second run changes nothing', async () => {
  const { expected } = await fill('corpus.md')
  const again = await fillMarkdownSource(expected, options('corpus.md'))
  expect(again.changed).toBe(0)
  expect(again.text).toBe(expected)
})

it('unparseable MDX is reported and left as it was', async () => {
  const broken = '# Hi\n\n<img src="img/2.png"\n\n![](img/3.png)\n'
  const out = await fillMarkdownSource(broken, options('broken.mdx'))
  expect(out.text).toBe(broken)
  expect(out.file.messages[0]?.ruleId).toBe('parse')
  expect(api.images).toHaveLength(0)
})

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROLS = /[\u0000-\u0008\u000b\u000e-\u001f\u007f]/g

const normal = (s: string) => s.replace(CONTROLS, '').replace(/\s+/g, ' ').trim()

const altText = fc
  .string({ unit: 'grapheme', maxLength: 40 })
  .chain((s) =>
    fc.constantFrom(
      s,
      `${s}[]\\*_\`<>&{}~|^$!#"'()`,
      `&amp; ${s} &#42; www.a.com`,
      `*em* _em_ **b** ~~del~~ \`code\` <b>x</b> {1} [l](u) ![i](j) ${s}`,
    ),
  )

it('escaped alt text reads back as written, in Markdown, GFM tables, links and MDX', () => {
  fc.assert(
    fc.property(altText, (text) => {
      const escaped = escapeMarkdownAlt(text)
      for (const [doc, mdx] of [
        [`x ![${escaped}](a.png) y`, false],
        [`[![${escaped}](a.png)](b)`, false],
        [`| h |\n|---|\n| ![${escaped}](a.png) |`, false],
        [`x ![${escaped}](a.png) y`, true],
      ] as const) {
        const tree = parseMarkdown(doc, mdx)
        const images: Image[] = []
        const walk = (node: Root | Root['children'][number]) => {
          if (node.type === 'image') images.push(node)
          if ('children' in node) for (const child of node.children) walk(child as never)
        }
        walk(tree)
        expect(images.map((i) => i.alt)).toEqual([normal(text)])
      }
      const jsx = parseMarkdown(`<img alt="${escapeJsxAttribute(text)}" />`, true)
      const element = jsx.children[0] as MdxJsxFlowElement
      expect(element.attributes[0]?.type === 'mdxJsxAttribute' && element.attributes[0].value).toBe(
        normal(text),
      )
    }),
    { numRuns: 120 },
  )
})

it('regenerate: replaces only the chosen labels and HTML alt; markup, brackets and JSX are reported, not guessed', async () => {
  const input = [
    '![IMG_0001.png](img/1.png "title")',
    '',
    '![photo \\[1\\]](img/2.png)',
    '',
    '![a *big* photo](img/3.png)',
    '',
    '<img src="img/4.png" alt="image">',
    '',
    '![Keep me](img/5.png)',
    '',
    '`![image](img/6.png)`',
    '',
  ].join('\n')
  const chosen = new Set([1, 3, 5, 7, 11])
  const out = await fillMarkdownSource(input, {
    ...options('regenerate.md'),
    regenerate: (image) => chosen.has(image.position?.start.line ?? 0),
  })
  // Label 1 (escaped) and the HTML alt are replaced. A label with an escaped `]` or with markup
  // is reported: its first `]` is not its end, or markup would be lost. Line 9 was not chosen,
  // line 11 is code.
  expect(out.text).toBe(
    input
      .replace('![IMG_0001.png](img/1.png', `![${escapeMarkdownAlt(TRICKY)}](img/1.png`)
      .replace('alt="image"', 'alt="Image 4"'),
  )
  expect(out.changed).toBe(2)
  expect(out.file.messages.map((m) => `${m.line}:${m.column} ${m.ruleId}`)).toEqual([
    '3:1 not-written',
    '5:1 not-written',
  ])
  expect(out.file.messages[0]?.reason).toBe(
    'Alt text not written: its label has brackets or markup inside: edit it by hand',
  )
  expect(api.images.every((i) => i.fresh === true)).toBe(true)
})
