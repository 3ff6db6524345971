/** The lint option on Markdown: `alttext:<rule>` messages, the front matter's language; opt-in. */
import { type FakeApi, startFakeApi } from '@alttextapi/testkit'
import remarkFrontmatter from 'remark-frontmatter'
import remarkParse from 'remark-parse'
import { unified } from 'unified'
import { VFile } from 'vfile'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import remarkAltText, { type Options } from '../src/index.js'

let api: FakeApi
beforeAll(async () => {
  api = await startFakeApi()
})
afterAll(() => api.close())

const doc = (lang: string) =>
  [
    '---',
    `lang: ${lang}`,
    '---',
    '# Bikes',
    '',
    '![IMG_2041.jpg](/a.png)',
    '',
    '![photo](/b.png)',
    '',
    '![Zwei Radfahrer fahren bei Sonnenuntergang eine Bergstraße hinauf](/c.png)',
    '',
    '[![Home](/d.png) Home](/)',
    '',
    '<img src="/e.png" alt="Picture of a red bicycle &amp; a wall">',
    '',
    '![A lighthouse on a rocky cliff](/f.png)',
    '',
    'Our lighthouse stands on the cliff. ![Two cyclists on a mountain road](/g.png)',
    '',
  ].join('\n')

async function lint(text: string, options: Partial<Options> = { lint: true }) {
  const file = new VFile({ value: text, path: 'post.md' })
  const processor = unified()
    .use(remarkParse)
    .use(remarkFrontmatter)
    .use(remarkAltText, { apiKey: api.key, baseUrl: api.url, cache: false, ...options })
  await processor.run(processor.parse(file), file)
  return file.messages.map((m) => [m.line, m.ruleId, m.fatal === true ? 'error' : 'warn'])
}

describe('remark lint option', () => {
  it('reports Markdown, HTML and linked images with rule ids; the page language from front matter', async () => {
    expect(await lint(doc('en'))).toEqual([
      [6, 'alttext:file-name', 'error'],
      [8, 'alttext:placeholder', 'error'],
      [10, 'alttext:language', 'warn'],
      [12, 'alttext:repeats-text', 'warn'],
      [14, 'alttext:redundant-prefix', 'warn'],
    ])
    // A German page: the German alt text is fine, English ones are flagged.
    const de = await lint(doc('de'))
    expect(de.filter((m) => m[1] === 'alttext:language').map((m) => m[0])).not.toContain(10)
    expect(de.filter((m) => m[1] === 'alttext:language').length).toBeGreaterThan(0)
    expect(api.stats.calls).toBe(0)
  })

  it('is off unless asked, and takes a configuration', async () => {
    expect(await lint(doc('en'), {})).toEqual([])
    expect(
      await lint(doc('en'), { lint: { rules: { placeholder: 'off', 'file-name': 'warn' } } }),
    ).toEqual([
      [6, 'alttext:file-name', 'warn'],
      [10, 'alttext:language', 'warn'],
      [12, 'alttext:repeats-text', 'warn'],
      [14, 'alttext:redundant-prefix', 'warn'],
    ])
  })
})
