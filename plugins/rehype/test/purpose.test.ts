/**
 * Issue 23 at build time: the purpose and context the API receives (a link's only content, a
 * caption), decorative answers (reported, applied only with applyDecorative), long descriptions
 * (aria-describedby + a hidden span, only with `long`), and data-alt-origin (markOrigin).
 */
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { type FakeApi, startFakeApi } from '@alttextapi/testkit'
import rehypeParse from 'rehype-parse'
import rehypeStringify from 'rehype-stringify'
import { unified } from 'unified'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import rehypeAltText, { fillAltText, type Options } from '../src/index.js'
import { tempSite, tinyPng } from './helpers.js'

let api: FakeApi
let site: Awaited<ReturnType<typeof tempSite>>
beforeAll(async () => {
  api = await startFakeApi()
  const files: Record<string, Uint8Array> = {}
  for (let n = 1; n <= 5; n++) files[`${n}.png`] = tinyPng(n)
  site = await tempSite(files)
})
afterAll(async () => {
  await api.close()
  await site.remove()
})
beforeEach(() => {
  api.reset()
  api.program({
    altText: {
      3: { altText: 'A thin grey divider', decorative: true },
      4: { altText: 'Sales by quarter', kind: 'chart', longDescription: 'Q1 10 <units>; Q2 20' },
    },
  })
})
const options = (more: Partial<Options> = {}): Options => ({
  apiKey: api.key,
  baseUrl: api.url,
  publicDir: site.dir,
  cache: false,
  batch: false,
  progress: false,
  ...more,
})
/** The generation requests' bodies, by the image's seed-described default text. */
const bodies = () =>
  api.requests
    .filter((r) => r.path === '/v1/alt-text')
    .map((r) => r.body as { purpose?: string; context?: string; long?: boolean })

describe('purpose and context', () => {
  it('an image that is the only content of a link is sent as purpose link with the target; a caption is context', async () => {
    const html =
      '<p>Shop</p><a href="/shop/bikes"><img src="/1.png"></a><figure><img src="/2.png"><figcaption>The harbour at dawn</figcaption></figure><a href="/x">Read more <img src="/5.png"></a>'
    await fillAltText(html, options())
    const sent = bodies()
    expect(sent).toHaveLength(3)
    const linked = sent.find((b) => b.context?.includes('/shop/bikes'))
    expect(linked?.purpose).toBe('link')
    expect(linked?.context).toContain(
      'The image is the only content of a link to /shop/bikes: the alt text should say where the link leads.',
    )
    const captioned = sent.find((b) => b.context?.includes('Caption:'))
    expect(captioned?.purpose).toBeUndefined()
    expect(captioned?.context).toContain('Caption: The harbour at dawn')
    // An image beside link text is not the link's name: content, not link.
    const inText = sent.filter((b) => b !== linked && b !== captioned)
    expect(inText.map((b) => b.purpose)).toEqual([undefined])
  })

  it('sends the link text: the link’s own name for an image-only link, the text beside the image otherwise', async () => {
    await fillAltText(
      '<a href="/shop" aria-label="Our shop"><img src="/1.png"></a><p><a href="/news">Read the news <img src="/2.png"></a></p>',
      options(),
    )
    const sent = bodies()
    const only = sent.find((b) => b.context?.includes('/shop'))
    expect(only?.purpose).toBe('link')
    expect(only?.context).toContain('Link text: Our shop')
    const beside = sent.find((b) => b.context?.includes('/news'))
    expect(beside?.purpose).toBeUndefined()
    expect(beside?.context).toContain('Link text: Read the news')
    expect(beside?.context).toContain('The image is inside a link to /news.')
  })

  it('the rehype plugin (tree path) sends the same purpose', async () => {
    await unified()
      .use(rehypeParse, { fragment: true })
      .use(rehypeAltText, options())
      .use(rehypeStringify)
      .process('<a href="/about"><img src="/1.png"></a>')
    expect(bodies()).toEqual([expect.objectContaining({ purpose: 'link' })])
  })
})

describe('decorative answers', () => {
  it('are reported with rule id decorative and leave the image alone by default', async () => {
    const html = '<img src="/3.png"><img src="/1.png">'
    const out = await fillAltText(html, options())
    expect(out.html).toBe('<img src="/3.png"><img src="/1.png" alt="Image 1">')
    const message = out.file.messages.find((m) => m.ruleId === 'decorative')
    expect(message?.message).toContain('decorative')
    expect(message?.line).toBe(1)
  })

  it('write alt="" with applyDecorative: true', async () => {
    const out = await fillAltText('<img src="/3.png">', options({ applyDecorative: true }))
    expect(out.html).toBe('<img src="/3.png" alt="">')
    expect(out.file.messages.filter((m) => m.ruleId === 'decorative')).toEqual([])
  })
})

describe('long descriptions', () => {
  it('are asked for and written as aria-describedby + a hidden span only with long: true', async () => {
    const html = '<p>Our year <img src="/4.png"> in one chart.</p>'
    const plain = await fillAltText(html, options())
    expect(plain.html).toBe(
      '<p>Our year <img src="/4.png" alt="Sales by quarter"> in one chart.</p>',
    )
    expect(bodies()[0]?.long).toBeUndefined()
    api.reset()
    const long = await fillAltText(html, options({ long: true }))
    expect(bodies()[0]?.long).toBe(true)
    expect(long.html).toBe(
      '<p>Our year <img src="/4.png" alt="Sales by quarter" aria-describedby="alttext-long-0"><span id="alttext-long-0" hidden>Q1 10 &lt;units&gt;; Q2 20</span> in one chart.</p>',
    )
  })

  it('the tree path writes the same, after the <picture> of an image in one; over an author aria-describedby it is reported', async () => {
    const file = await unified()
      .use(rehypeParse, { fragment: true })
      .use(rehypeAltText, options({ long: true }))
      .use(rehypeStringify)
      .process(
        '<img src="/4.png"><picture><source srcset="/4.webp" type="image/webp"><img src="/4.png"></picture><img src="/4.png" aria-describedby="mine">',
      )
    expect(String(file)).toBe(
      '<img src="/4.png" alt="Sales by quarter" aria-describedby="alttext-long-0"><span id="alttext-long-0" hidden>Q1 10 &#x3C;units>; Q2 20</span><picture><source srcset="/4.webp" type="image/webp"><img src="/4.png" alt="Sales by quarter" aria-describedby="alttext-long-1"></picture><span id="alttext-long-1" hidden>Q1 10 &#x3C;units>; Q2 20</span><img src="/4.png" aria-describedby="mine" alt="Sales by quarter">',
    )
    expect(
      file.messages.filter((m) => m.ruleId === 'long-description').map((m) => m.reason),
    ).toEqual([expect.stringContaining('aria-describedby already')])
  })

  it('the tree path puts the text of every image of a <picture> after it', async () => {
    const file = await unified()
      .use(rehypeParse, { fragment: true })
      .use(rehypeAltText, options({ long: true }))
      .use(rehypeStringify)
      .process('<picture><img src="/4.png"><img src="/4.png"></picture>')
    expect(String(file)).toBe(
      '<picture><img src="/4.png" alt="Sales by quarter" aria-describedby="alttext-long-0"><img src="/4.png" alt="Sales by quarter" aria-describedby="alttext-long-1"></picture><span id="alttext-long-0" hidden>Q1 10 &#x3C;units>; Q2 20</span><span id="alttext-long-1" hidden>Q1 10 &#x3C;units>; Q2 20</span>',
    )
  })

  it('in a page edited in place: after </picture>; a <picture> never closed is reported', async () => {
    const html =
      '<p>Chart: <picture><source srcset="/4.webp"><img src="/4.png"></picture> above.</p>'
    const out = await fillAltText(html, options({ long: true }))
    expect(out.html).toBe(
      '<p>Chart: <picture><source srcset="/4.webp"><img src="/4.png" alt="Sales by quarter" aria-describedby="alttext-long-0"></picture><span id="alttext-long-0" hidden>Q1 10 &lt;units&gt;; Q2 20</span> above.</p>',
    )
    // A picture closed implicitly (by </div>) and a stray </picture> later: the image in the
    // picture gets no text (reported); an image after the picture gets its own, after itself.
    const misnested = await fillAltText(
      '<div><picture><img src="/4.png"></div><p>x</p><img src="/4.png"><p>y</picture> z</p>',
      options({ long: true }),
    )
    expect(misnested.html).toBe(
      '<div><picture><img src="/4.png" alt="Sales by quarter"></div><p>x</p><img src="/4.png" alt="Sales by quarter" aria-describedby="alttext-long-1"><span id="alttext-long-1" hidden>Q1 10 &lt;units&gt;; Q2 20</span><p>y</picture> z</p>',
    )
    const open = await fillAltText(
      '<div><picture><img src="/4.png"></div>',
      options({ long: true }),
    )
    expect(open.html).toBe('<div><picture><img src="/4.png" alt="Sales by quarter"></div>')
    expect(open.file.messages.find((m) => m.ruleId === 'long-description')?.reason).toContain(
      '</picture> is not written',
    )
  })
})

describe('data-alt-origin', () => {
  it('marks machine-written alt text only with markOrigin, never text a person wrote', async () => {
    // The human text's image twice: the second copy (shared in the run) is not marked either.
    const html = '<img src="/1.png"><img src="/2.png" /><img src="/2.png">'
    expect((await fillAltText(html, options())).html).not.toContain('data-alt-origin')
    const cacheFile = join(site.dir, 'alt-text.json')
    const { createHash } = await import('node:crypto')
    const hash = createHash('sha256').update(tinyPng(2)).digest('hex')
    await writeFile(
      cacheFile,
      `${JSON.stringify({ images: { [hash]: [{ altText: 'Our harbour', createdAt: '2026-12-05T07:00:00.000Z', language: 'en', model: 'm1', origin: 'human' }] }, version: 1 })}\n`,
    )
    const out = await fillAltText(
      html,
      options({ markOrigin: true, cache: undefined, cacheFile, cacheDir: join(site.dir, 'cache') }),
    )
    expect(out.html).toBe(
      '<img src="/1.png" alt="Image 1" data-alt-origin="machine"><img src="/2.png" alt="Our harbour" /><img src="/2.png" alt="Our harbour">',
    )
  })
})
