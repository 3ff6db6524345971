/** `fillAltText` changes nothing but the alt attributes it adds; edits at the tokenizer's offsets. */

import { type FakeApi, startFakeApi } from '@alttextapi/testkit'
import fc from 'fast-check'
import type { Element, Root } from 'hast'
import rehypeParse from 'rehype-parse'
import { unified } from 'unified'
import { visit } from 'unist-util-visit'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  altEdit,
  createAltTextRun,
  fillAltText,
  findImages,
  scanHtml,
  type TagLocation,
} from '../src/index.js'
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
    const edit = altEdit('<img src=x>', tagOf('<img src=x>'), 'A "quote" & <tag>')
    expect(edit.text).toBe(' alt="A &quot;quote&quot; &amp; &lt;tag&gt;"')
  })

  it('replaces the first existing alt when overwriting', () => {
    const edit = (html: string) => altEdit(html, tagOf(html), 'new')
    expect(edit('<img alt=old alt="two">')).toEqual({ start: 9, end: 12, text: '"new"' })
    expect(edit("<img alt='x'>")).toEqual({ start: 9, end: 12, text: '"new"' })
    expect(edit('<img alt = "x" >')).toEqual({ start: 11, end: 14, text: '"new"' })
    expect(edit('<img alt>')).toEqual({ start: 5, end: 8, text: 'alt="new"' })
  })

  it('takes tag and attribute bounds from the tokenizer', () => {
    // `e/f/`: a solidus inside the tag is skipped; only `/>` makes the tag self-closing.
    expect(tagOf('<img a=1 b c = "x y" =d e/f/>')).toEqual({
      start: 0,
      end: 29,
      selfClosing: true,
      alt: undefined,
    })
    // Offsets count the source as written: CRLF, entities and astral characters included.
    const html = "<p>\r\n&amp; 😀</p><IMG\r\nALT='x' src=a>"
    const tag = tagOf(html)
    expect(html.slice(tag.start, tag.end)).toBe("<IMG\r\nALT='x' src=a>")
    expect(html.slice(tag.alt?.start, tag.alt?.end)).toBe("ALT='x'")
  })

  it('reports HTML that hides an image with file:line:column, and changes nothing', async () => {
    const html = '<p>one</p>\n<img src="/1.png">\n<p>two</p>\n<img src="/2.png'
    const out = await fillAltText(html, { ...options(), path: 'page.html' })
    expect(out.html).toBe(html.replace('/1.png">', '/1.png" alt="Image 1">'))
    const broken = out.file.messages.filter((m) => m.ruleId === 'broken-html')
    expect(broken.map((m) => [m.line, m.column, m.reason])).toEqual([
      [4, 17, 'Broken HTML (eof-in-tag): the page ends inside a tag: that tag is not read'],
    ])
    expect(String(broken[0])).toMatch(/^page\.html:4:17: Broken HTML/)
  })

  it('a page without <img reads no further than a search', async () => {
    expect(scanHtml(`<p>${'text '.repeat(1000)}<imgx></p>`)).toEqual({ images: [], problems: [] })
  })
})

const tagOf = (html: string): TagLocation => {
  const tag = scanHtml(html).images[0]?.tag
  if (!tag) throw new Error('no image')
  return tag
}

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

// The tokenizer path must find what the tree finds: the same images, sources, languages and
// contexts, on pages built from the structures the context reads.
// Text without `<`: the tree builder's repair of misnested tags (adoption agency) is not modelled.
const words = fc.stringMatching(/^[a-z &;é>"'\n]{0,12}$/)
const pair = (open: string, close: string) => [open, close] as const
const inline = fc
  .tuple(
    fc.constantFrom(
      pair('<a href="/x">', '</a>'),
      pair('<span>', '</span>'),
      pair('<em lang="es">', '</em>'),
    ),
    fc.array(fc.oneof(img, words), { maxLength: 3 }),
  )
  .map(([[open, close], kids]) => `${open}${kids.join('')}${close}`)
// Pieces whose ends the tree builder implies (and markup the context must not read).
const implied = fc.constantFrom(
  '<ul><li>one<li>two<img src="/2.png"></ul>',
  '<dl><dt>term<dd>def<img src="/3.png"></dl>',
  '<table><tr><td>cell<img src="/1.png"><td>next</table>',
  '<p>first<img src="/4.png"><p>second',
  '<picture><source type="image/webp" srcset="/w.webp 1x"><source srcset="/j.jpg 1x"><img></picture>',
  '<template><img src="/t.png"></template>',
  '<script>"<img src=/s.png>"</script>',
  '<!-- <img src="/c.png"> -->',
  '<h2>Head</h2>',
  '<h3>Inside <img src="/1.png"> heading</h3>',
  '<figure><img src="/2.png"><figcaption>cap</figcaption></figure>',
  '<br>',
)
const { flow } = fc.letrec((tie) => ({
  flow: fc.oneof(
    { depthSize: 'small' },
    img,
    words,
    inline,
    implied,
    tie('paragraph'),
    tie('block'),
  ) as fc.Arbitrary<string>,
  paragraph: fc
    .array(fc.oneof(img, words, inline), { maxLength: 4 })
    .map((kids) => `<p>${kids.join('')}</p>`),
  block: fc
    .tuple(
      fc.constantFrom(
        pair('<div>', '</div>'),
        pair('<section lang="fr">', '</section>'),
        pair('<figure>', '<figcaption>cap</figcaption></figure>'),
        pair('<ul><li>', '</li></ul>'),
        pair('<blockquote>', '</blockquote>'),
      ),
      fc.array(tie('flow') as fc.Arbitrary<string>, { maxLength: 4 }),
    )
    .map(([[open, close], kids]) => `${open}${kids.join('')}${close}`),
}))
const treePage = fc
  .tuple(
    fc.constantFrom('', '<title>T</title>', '<html lang="de"><head><title>T</title></head>'),
    fc.array(flow, { maxLength: 8 }),
  )
  .map(([head, parts]) => `<!doctype html>${head}${parts.join('')}`)

describe('property: the tokenizer finds what the tree finds', () => {
  it('same images, sources, alt states, languages and contexts', () => {
    fc.assert(
      fc.property(treePage, (html) => {
        const fromTree = findImages(parse(html)).map(({ node: _n, ...rest }) => rest)
        const fromTokens = scanHtml(html).images.map(({ node: _n, tag: _t, ...rest }) => rest)
        expect(fromTokens).toEqual(fromTree)
      }),
      { numRuns: 400 },
    )
  })
})
