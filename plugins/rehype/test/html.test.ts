/** `fillAltText` changes nothing but the alt attributes it adds; the start-tag scanner. */

import { type FakeApi, startFakeApi } from '@alttextapi/testkit'
import fc from 'fast-check'
import type { Element, Root } from 'hast'
import rehypeParse from 'rehype-parse'
import { unified } from 'unified'
import { visit } from 'unist-util-visit'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createAltTextRun, fillAltText, scanStartTag, setAttributeEdit } from '../src/index.js'
import { tempSite, tinyPng } from './helpers.js'

let api: FakeApi
let site: Awaited<ReturnType<typeof tempSite>>
beforeAll(async () => {
  api = await startFakeApi()
  const files: Record<string, Uint8Array> = {}
  for (let n = 1; n <= 4; n++) files[`${n}.png`] = tinyPng(n)
  site = await tempSite(files)
})
afterAll(async () => {
  await api.close()
  await site.remove()
})
const options = () => ({
  apiKey: api.key,
  baseUrl: api.url,
  publicDir: site.dir,
  cache: false as const,
})

describe('fillAltText', () => {
  it('splices alt into odd but valid start tags and leaves every other byte alone', async () => {
    const html = [
      '<!DOCTYPE html>\r\n<HTML LANG=en><head><title>x</title></head><body>',
      '<IMG SRC=/1.png>',
      '<img src="/2.png"/>',
      "<img\n  src='/3.png'\n  class=a/>",
      '<img src=/4.png />',
      '<img src="/1.png" alt="">',
      '<!-- <img src="/2.png"> -->',
      '<script>"<img src=/2.png>"</script>',
      '</body></HTML>',
    ].join('\r\n')
    const out = await fillAltText(html, options())
    expect(out.changed).toBe(4)
    expect(out.html).toBe(
      [
        '<!DOCTYPE html>\r\n<HTML LANG=en><head><title>x</title></head><body>',
        '<IMG SRC=/1.png alt="Image 1">',
        '<img src="/2.png" alt="Image 2"/>',
        // The `/` belongs to the unquoted value `a/`: the attribute goes after it.
        '<img\n  src=\'/3.png\'\n  class=a/ alt="Image 3">',
        '<img src=/4.png alt="Image 4" />',
        '<img src="/1.png" alt="">',
        '<!-- <img src="/2.png"> -->',
        '<script>"<img src=/2.png>"</script>',
        '</body></HTML>',
      ].join('\r\n'),
    )
  })

  it('escapes the alt text', () => {
    const edit = setAttributeEdit('<img src=x>', 0, 'alt', 'A "quote" & <tag>')
    expect(edit.text).toBe(' alt="A &quot;quote&quot; &amp; &lt;tag&gt;"')
  })

  it('replaces the first existing alt when overwriting', () => {
    expect(setAttributeEdit('<img alt=old alt="two">', 0, 'alt', 'new')).toEqual({
      start: 9,
      end: 12,
      text: '"new"',
    })
    expect(setAttributeEdit("<img alt='x'>", 0, 'alt', 'y')).toEqual({
      start: 9,
      end: 12,
      text: '"y"',
    })
    expect(setAttributeEdit('<img alt>', 0, 'alt', 'y')).toEqual({
      start: 5,
      end: 8,
      text: 'alt="y"',
    })
  })

  it('scans attributes the way the HTML tokenizer does', () => {
    const tag = scanStartTag('<img a=1 b c = "x y" =d e/f/>', 0)
    expect(tag.attributes.map((a) => a.name)).toEqual(['a', 'b', 'c', '=d', 'e', 'f'])
    expect(tag.selfClosing).toBe(27)
    expect(tag.close).toBe(28)
  })
})

// Random pages of text, elements and images: the output parses to the same tree but for `alt`.
const attr = fc.constantFrom(
  ' class="a"',
  ' class=b',
  " title='t'",
  ' data-x',
  ' width=10 ',
  ' loading="lazy"',
  '',
)
const img = fc
  .tuple(fc.constantFrom('img', 'IMG', 'Img'), fc.integer({ min: 1, max: 4 }), attr, attr)
  .chain(([tag, n, a, b]) =>
    fc.constantFrom(
      `<${tag} src="/${n}.png"${a}${b}>`,
      `<${tag}${a} src=/${n}.png${b}/>`,
      `<${tag} src='/${n}.png'${a} alt="">`,
      `<${tag}${b} src="/${n}.png" alt="kept">`,
    ),
  )
const text = fc.stringMatching(/^[a-z &;é<>"'\n]{0,12}$/)
const chunk = fc.oneof(
  img,
  text,
  fc.constantFrom('<p>', '</p>', '<figure>', '</figure>', '<a href="/x">', '</a>', '<br>'),
)
const pageArb = fc
  .array(chunk, { maxLength: 12 })
  .map((parts) => `<!doctype html><html lang="en"><body>${parts.join('')}</body></html>`)

const parse = (html: string) => unified().use(rehypeParse).parse(html) as Root
function strip(tree: Root) {
  visit(tree, (node) => {
    delete (node as { position?: unknown }).position
    if (node.type === 'element' && (node as Element).tagName === 'img')
      delete (node as Element).properties.alt
  })
  return tree
}

describe('property: only alt attributes change', () => {
  it('output parses to the input tree plus alt on images that had none', async () => {
    const run = createAltTextRun(options())
    await fc.assert(
      fc.asyncProperty(pageArb, async (html) => {
        const out = await fillAltText(html, { run })
        expect(strip(parse(out.html))).toEqual(strip(parse(html)))
        const alts: Array<unknown> = []
        visit(parse(out.html), 'element', (node: Element) => {
          if (node.tagName === 'img') alts.push(node.properties.alt)
        })
        // Every image now has alt (added, decorative or kept).
        expect(alts.every((alt) => typeof alt === 'string')).toBe(true)
        // Removing the added attributes gives back the input, byte for byte.
        const removed = out.html.replace(
          /(?<=[\t\n\f\r ])alt="Image \d" (?=\/?>)| alt="Image \d"/g,
          '',
        )
        expect(removed).toBe(html)
      }),
      { numRuns: 60 },
    )
  })
})
