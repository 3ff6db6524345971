/** The lint option: findings as `alttext:<rule>` messages on the file, errors fatal; opt-in. */
import { type FakeApi, startFakeApi } from '@alttextapi/testkit'
import rehypeParse from 'rehype-parse'
import rehypeStringify from 'rehype-stringify'
import { unified } from 'unified'
import { VFile } from 'vfile'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import rehypeAltText, { fillAltText, lintOption } from '../src/index.js'

let api: FakeApi
beforeAll(async () => {
  api = await startFakeApi()
})
afterAll(() => api.close())

const page = [
  '<!doctype html><html lang="en"><head><title>Bikes</title></head><body>',
  '<p><img src="/a.png" alt="IMG_2041.jpg"></p>',
  '<p><img src="/b.png" alt="Image of a red bicycle against a wall"></p>',
  '<p><img src="/c.png" alt="Zwei Radfahrer fahren bei Sonnenuntergang eine Bergstraße hinauf"></p>',
  '<p><a href="/home"><img src="/d.png" alt="Home"> Home</a></p>',
  '<figure><img src="/e.png" alt="A lighthouse on a cliff"><figcaption>A lighthouse on a cliff</figcaption></figure>',
  '<p lang="de"><img src="/f.png" alt="Kinder spielen Fußball im Park nach der Schule"></p>',
  '<p><img src="/g.png" alt="Two cyclists on a mountain road"><img src="/h.png" alt=""></p>',
  '</body></html>',
].join('\n')

const messages = (file: VFile) =>
  file.messages.map((m) => [m.line, m.ruleId, m.fatal === true ? 'error' : 'warn'])

describe('lint option', () => {
  it('reports each finding with its rule id and place; errors are fatal messages', async () => {
    const file = new VFile({ value: page, path: 'page.html' })
    await unified()
      .use(rehypeParse)
      .use(rehypeAltText, { apiKey: api.key, baseUrl: api.url, cache: false, lint: true })
      .use(rehypeStringify)
      .process(file)
    expect(messages(file)).toEqual([
      [2, 'alttext:file-name', 'error'],
      [3, 'alttext:redundant-prefix', 'warn'],
      [4, 'alttext:language', 'warn'],
      [5, 'alttext:repeats-text', 'warn'],
      [6, 'alttext:repeats-caption', 'warn'],
    ])
    expect(file.messages[0]?.source).toBe('alttextapi')
    // No image lacked alt text: nothing was sent.
    expect(api.stats.calls).toBe(0)
  })

  it('is off unless asked; severities from the configuration; fillAltText lints too', async () => {
    const off = await fillAltText(page, { apiKey: api.key, baseUrl: api.url, cache: false })
    expect(off.file.messages).toEqual([])
    const configured = await fillAltText(page, {
      apiKey: api.key,
      baseUrl: api.url,
      cache: false,
      lint: { rules: { 'file-name': 'warn', 'redundant-prefix': 'off', language: 'off' } },
    })
    expect(messages(configured.file)).toEqual([
      [2, 'alttext:file-name', 'warn'],
      [5, 'alttext:repeats-text', 'warn'],
      [6, 'alttext:repeats-caption', 'warn'],
    ])
  })

  it('a malformed lint option names the key', () => {
    expect(() => lintOption({ rules: { placeholdr: 'warn' } } as never)).toThrow(
      /^lint\.rules\.placeholdr: unknown rule/,
    )
  })
})
