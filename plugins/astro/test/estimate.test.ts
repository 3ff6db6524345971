/**
 * The estimate before spending, in a real `astro build` against testkit's fake API: the Markdown
 * sources before Astro renders them, the built pages before their pass, the whole build in a dry
 * run; `maxCredits` fails the build with one error before anything over it is sent.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { startFakeApi, tinyPng } from '@alttextapi/testkit'
import { build } from 'astro'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import altText, { type AltTextAstroOptions } from '../src/index.js'

// Inside this package, so Vite finds `astro` in its node_modules; removed afterwards.
const sites = join(import.meta.dirname, '.sites-estimate')
let fake: Awaited<ReturnType<typeof startFakeApi>>
let seed = 50

const describeCalls = () => fake.requests.filter((r) => r.path.startsWith('/v1/alt-text')).length

/**
 * Builds a site of an .astro page (one image: the HTML pass) and a Markdown page (one image: the
 * remark step); resolves to the estimate lines logged, each with the describe calls made before it.
 */
async function buildSite(name: string, options: AltTextAstroOptions) {
  const root = join(sites, name)
  await mkdir(join(root, 'src/pages'), { recursive: true })
  await mkdir(join(root, 'public/img'), { recursive: true })
  await writeFile(
    join(root, 'src/pages/index.astro'),
    '---\n---\n<html lang="en"><head><title>Shop</title></head><body><img src="/img/a.png"></body></html>\n',
  )
  await writeFile(join(root, 'src/pages/post.md'), '---\ntitle: A post\n---\n\n![](/img/b.png)\n')
  // New images per site: the fake API reuses what an earlier test paid for.
  seed += 2
  await writeFile(join(root, 'public/img/a.png'), tinyPng(seed))
  await writeFile(join(root, 'public/img/b.png'), tinyPng(seed + 1))
  const lines: Array<{ line: string; callsBefore: number }> = []
  const write = process.stdout.write.bind(process.stdout)
  process.stdout.write = ((chunk: string | Uint8Array) => {
    const text = String(chunk)
    if (text.includes('estimate (')) lines.push({ line: text.trim(), callsBefore: describeCalls() })
    return true
  }) as typeof process.stdout.write
  let error: unknown
  try {
    await build({
      root,
      logLevel: 'info',
      telemetry: { enabled: false },
      integrations: [
        altText({
          apiKey: fake.key,
          baseUrl: fake.url,
          cacheDir: join(root, '.cache'),
          ...options,
        }),
      ],
    } as Parameters<typeof build>[0])
  } catch (caught) {
    error = caught
  } finally {
    process.stdout.write = write
  }
  return { lines, error: error as Error | undefined }
}

beforeAll(async () => {
  fake = await startFakeApi()
  fake.program({ balance: 40 })
})
afterAll(async () => {
  await fake?.stop()
  await rm(sites, { recursive: true, force: true })
})

describe('the estimate of an astro build', () => {
  it('is logged for the Markdown and for the pages, each before anything is sent for them', async () => {
    const before = describeCalls()
    const { lines, error } = await buildSite('logged', {})
    expect(error).toBeUndefined()
    expect(lines.map((l) => l.line.replace(/^.*?estimate/, 'estimate'))).toEqual([
      'estimate (Markdown): 1 image to describe (up to 1 credit), 0 cached; balance 40 credits',
      'estimate (pages): 1 image to describe (up to 1 credit), 0 cached; balance 39 credits',
    ])
    expect(lines.map((l) => l.callsBefore - before)).toEqual([0, 1])
    expect(describeCalls() - before).toBe(2)
  })

  it('maxCredits below the Markdown estimate fails the build before anything is sent', async () => {
    const charged = fake.stats.charged
    const before = describeCalls()
    const { error } = await buildSite('over-markdown', { maxCredits: 0 })
    expect(error?.message).toContain(
      '@alttextapi/astro: this build needs up to 1 credits for Markdown, over maxCredits (0): nothing was sent for them.',
    )
    expect(describeCalls()).toBe(before)
    expect(fake.stats.charged).toBe(charged)
  })

  it('what is left of maxCredits after the Markdown stops the pages with one error', async () => {
    const charged = fake.stats.charged
    const { error } = await buildSite('over-pages', { maxCredits: 1 })
    expect(error?.message).toContain(
      'this build needs up to 1 credits for pages, over maxCredits (1, 1 already spent): nothing was sent for them.',
    )
    expect(fake.stats.charged - charged).toBe(1)
  })

  it('a dry build logs the estimate of the whole build, and fails over maxCredits', async () => {
    const before = describeCalls()
    const dry = await buildSite('dry', { dryRun: true })
    expect(dry.error).toBeUndefined()
    expect(dry.lines.map((l) => l.line.replace(/^.*?estimate/, 'estimate'))).toEqual([
      expect.stringMatching(
        /^estimate \(this build\): 2 images to describe \(up to 2 credits\), 0 cached; balance \d+ credits$/,
      ),
    ])
    const over = await buildSite('dry-over', { dryRun: true, maxCredits: 1 })
    expect(over.error?.message).toContain(
      'needs up to 2 credits for this build, over maxCredits (1)',
    )
    expect(describeCalls()).toBe(before)
  })
})
