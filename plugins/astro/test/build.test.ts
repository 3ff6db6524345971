/**
 * The integration in a real `astro build` (Astro's programmatic API, in this process) against
 * testkit's fake API: what the hosts test (examples/astro-site from tarballs) does not reach —
 * no key, `onError: 'warn'`, a fatal answer met in the built-HTML pass, a budget that kept images
 * back, `markdown: false`.
 */
import { existsSync } from 'node:fs'
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { startFakeApi, tinyPng } from '@alttextapi/testkit'
import { build } from 'astro'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import altText, { type AltTextAstroOptions } from '../src/index.js'

// Inside this package, so Vite finds `astro` in its node_modules; removed afterwards.
const sites = join(import.meta.dirname, '.sites')
const WRONG = 'atk_wrong0123456789abcdefghijklmnopqrstuvw'
let fake: Awaited<ReturnType<typeof startFakeApi>>

const PAGE = `---
---
<html lang="en"><head><title>Shop</title></head><body>
<h1>Our shop</h1>
<img src="/img/a.png">
</body></html>
`
const POST = `---
title: A post
---

![](/img/b.png)
`

/** Writes a two-page site (an .astro page, a Markdown page), builds it, returns its pages. */
async function buildSite(name: string, options: AltTextAstroOptions) {
  const root = join(sites, name)
  await mkdir(join(root, 'src/pages'), { recursive: true })
  await mkdir(join(root, 'public/img'), { recursive: true })
  await writeFile(join(root, 'src/pages/index.astro'), PAGE)
  await writeFile(join(root, 'src/pages/post.md'), POST)
  await writeFile(join(root, 'public/img/a.png'), tinyPng(41))
  await writeFile(join(root, 'public/img/b.png'), tinyPng(42))
  await build({
    root,
    logLevel: 'silent',
    telemetry: { enabled: false },
    integrations: [altText({ baseUrl: fake.url, cacheDir: join(root, '.cache'), ...options })],
  } as Parameters<typeof build>[0])
  const page = (path: string) => readFile(join(root, 'dist', path), 'utf8')
  return { home: await page('index.html'), post: await page('post/index.html') }
}

const describeCalls = () => fake.requests.filter((r) => r.path.startsWith('/v1/alt-text'))

beforeAll(async () => {
  fake = await startFakeApi()
})
afterAll(async () => {
  await fake?.stop()
  await rm(sites, { recursive: true, force: true })
})

describe('astro build with the integration', () => {
  it('without a key, builds untouched and asks nothing', async () => {
    const saved = process.env.ALTTEXT_API_KEY
    delete process.env.ALTTEXT_API_KEY
    try {
      const { home, post } = await buildSite('no-key', {})
      expect(home).toContain('<img src="/img/a.png">')
      expect(post).toContain('<img src="/img/b.png" alt="">')
      expect(fake.requests).toEqual([])
    } finally {
      if (saved !== undefined) process.env.ALTTEXT_API_KEY = saved
    }
  })

  it('a wrong key met in the built HTML fails the build once, naming the cause', async () => {
    await expect(buildSite('wrong-key', { apiKey: WRONG, markdown: false })).rejects.toThrow(
      /^@alttextapi\/astro: Missing or invalid API key/,
    )
    expect(fake.stats.charged).toBe(0)
  })

  it("onError: 'warn' lets the build finish, the pages left as they were", async () => {
    const before = describeCalls().length
    const { home, post } = await buildSite('warn', { apiKey: WRONG, onError: 'warn' })
    expect(describeCalls().length).toBeGreaterThan(before)
    expect(home).toContain('<img src="/img/a.png">')
    expect(post).toContain('<img src="/img/b.png" alt="">')
    expect(fake.stats.charged).toBe(0)
  })

  it('markdown: false fills only the built HTML (there `![](x)` reads as decorative)', async () => {
    const { home, post } = await buildSite('html-only', { apiKey: fake.key, markdown: false })
    expect(home).toContain('<img src="/img/a.png" alt="Image 41">')
    expect(post).toContain('<img src="/img/b.png" alt="">')
    expect(fake.stats.charged).toBe(1)
  })

  it('by default fills Markdown through remark too', async () => {
    const { home, post } = await buildSite('both', { apiKey: fake.key })
    expect(home).toContain('alt="Image 41"')
    expect(post).toContain('<img src="/img/b.png" alt="Image 42">')
    expect(fake.stats.charged).toBe(2)
    // The committed cache is at the project root, not in the folder the build ran from.
    expect(await readFile(join(sites, 'both', 'alt-text.json'), 'utf8')).toContain('Image 42')
    expect(existsSync(join(process.cwd(), 'alt-text.json'))).toBe(false)
  })

  it("images the budget kept back fail the build; onError: 'warn' lets it finish", async () => {
    await expect(buildSite('budget', { apiKey: fake.key, maxImages: 1 })).rejects.toThrow(
      '@alttextapi/astro: budget of 1 images reached: 1 image not described. Raise the budget (maxCredits / maxImages) to describe them.',
    )
    const { home, post } = await buildSite('budget-warn', {
      apiKey: fake.key,
      maxImages: 1,
      onError: 'warn',
    })
    // The Markdown page is rendered first; the budget keeps the .astro page's image back.
    expect(post).toContain('alt="Image 42"')
    expect(home).toContain('<img src="/img/a.png">')
  })
})
