/**
 * Fixture-driven tests: each folder of `fixtures/` has `input.html`, the expected `output.html`
 * (after rehype-parse → rehypeAltText → rehype-stringify) and optional `options.json`. The pages
 * read images from a temp site where `/img/n.png` is testkit's `tinyPng(n)`, which the fake API
 * describes as `Image n`. Set UPDATE_FIXTURES=1 to rewrite the expected outputs (then review them).
 */
import { existsSync } from 'node:fs'
import { readdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { type FakeApi, startFakeApi } from '@alttextapi/testkit'
import rehypeParse from 'rehype-parse'
import rehypeStringify from 'rehype-stringify'
import { unified } from 'unified'
import { VFile } from 'vfile'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import rehypeAltText, { fillAltText, type Options } from '../src/index.js'
import { tempSite, tinyPng } from './helpers.js'

const fixtures = join(import.meta.dirname, 'fixtures')
let api: FakeApi
let site: Awaited<ReturnType<typeof tempSite>>

beforeAll(async () => {
  api = await startFakeApi()
  const files: Record<string, Uint8Array> = {}
  for (let n = 1; n <= 8; n++) files[`img/${n}.png`] = tinyPng(n)
  files['vendor/7.png'] = tinyPng(7)
  files['page/local/8.png'] = tinyPng(8)
  site = await tempSite(files)
})
afterAll(async () => {
  await api.close()
  await site.remove()
})

const cases = (await readdir(fixtures)).sort()

/** A case's `fake.json` (image seed → the fake API's answer) programs the fake; none: defaults. */
async function programFake(dir: string) {
  const fakeFile = join(dir, 'fake.json')
  // A new run: the fake must not reuse another case's answer for the same image.
  api.reset()
  api.program({
    altText: existsSync(fakeFile) ? JSON.parse(await readFile(fakeFile, 'utf8')) : undefined,
  })
}

describe('fixtures', () => {
  it.each(cases)('%s', async (name) => {
    const dir = join(fixtures, name)
    const input = await readFile(join(dir, 'input.html'), 'utf8')
    const optionsFile = join(dir, 'options.json')
    const extra = existsSync(optionsFile) ? JSON.parse(await readFile(optionsFile, 'utf8')) : {}
    await programFake(dir)
    const file = new VFile({ value: input, path: join(site.dir, 'page', 'index.html') })
    const options: Options = {
      apiKey: api.key,
      baseUrl: api.url,
      publicDir: site.dir,
      cache: false,
      ...extra,
    }
    const result = await unified()
      .use(rehypeParse)
      .use(rehypeAltText, options)
      .use(rehypeStringify)
      .process(file)
    const expectedFile = join(dir, 'output.html')
    if (process.env.UPDATE_FIXTURES) await writeFile(expectedFile, String(result))
    expect(String(result)).toBe(await readFile(expectedFile, 'utf8'))
    // No fixture has a failing image: every message is informational or a deliberate skip.
    expect(result.messages.filter((m) => m.ruleId === 'failed')).toEqual([])
  })

  // The string path (tokenizer offsets, no tree) on the same input: only alt attributes are
  // spliced in, and the page then means exactly what the tree path wrote.
  it.each(cases)('%s: fillAltText splices the same alt text into the source', async (name) => {
    const dir = join(fixtures, name)
    const input = await readFile(join(dir, 'input.html'), 'utf8')
    const optionsFile = join(dir, 'options.json')
    const extra = existsSync(optionsFile) ? JSON.parse(await readFile(optionsFile, 'utf8')) : {}
    await programFake(dir)
    const out = await fillAltText(input, {
      path: join(site.dir, 'page', 'index.html'),
      apiKey: api.key,
      baseUrl: api.url,
      publicDir: site.dir,
      cache: false,
      ...extra,
    })
    const roundTrip = String(
      await unified().use(rehypeParse).use(rehypeStringify).process(out.html),
    )
    expect(roundTrip).toBe(await readFile(join(dir, 'output.html'), 'utf8'))
    // Taking the added attributes (and long descriptions) out gives the input back, byte for
    // byte (with `overwrite`, existing values are replaced, so only the round trip above applies).
    const added =
      / (alt="[^"]*"|data-alt-origin="machine"|aria-describedby="alttext-long-\d+")(?=[^<]*>)|<span id="alttext-long-\d+" hidden>[^<]*<\/span>/g
    if (!extra.overwrite)
      expect(out.html.replace(added, (m) => (input.includes(m) ? m : ''))).toBe(input)
  })
})
