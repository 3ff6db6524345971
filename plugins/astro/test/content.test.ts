/**
 * Content collections in a real `astro build` (the CLI, in a child process: Astro's content cache
 * is dropped when the process exits) against testkit's fake API. The glob loader renders the
 * entries during content sync, before `astro:build:start`, and keeps their HTML until their text
 * changes: an entry left with an image to describe (kept back by the budget) must be rendered
 * again by the next build, and a fatal answer met there must fail the build once, with the reason.
 */
import { spawn } from 'node:child_process'
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { startFakeApi, tinyPng } from '@alttextapi/testkit'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AltTextAstroOptions } from '../src/index.js'

// Inside this package, so the CLI finds `astro` in its node_modules; removed afterwards.
const sites = join(import.meta.dirname, '.sites-content')
const ASTRO = join(import.meta.dirname, '../node_modules/astro/astro.js')
const INTEGRATION = join(import.meta.dirname, '../src/index.ts')
const WRONG = 'atk_wrong0123456789abcdefghijklmnopqrstuvw'
let fake: Awaited<ReturnType<typeof startFakeApi>>
let seed = 300

/**
 * Writes a site: a blog collection of two Markdown entries (one image each, from `public/`), the
 * page that renders them, and a Markdown page with one image. Resolves to the site's root.
 */
async function writeSite(name: string): Promise<string> {
  const root = join(sites, name)
  await mkdir(join(root, 'src/content/blog'), { recursive: true })
  await mkdir(join(root, 'src/pages/blog'), { recursive: true })
  await mkdir(join(root, 'public/img'), { recursive: true })
  await writeFile(
    join(root, 'src/content.config.ts'),
    `import { defineCollection } from 'astro:content'
import { glob } from 'astro/loaders'
export const collections = {
  blog: defineCollection({ loader: glob({ pattern: '*.md', base: './src/content/blog' }) }),
}
`,
  )
  await writeFile(
    join(root, 'src/pages/blog/[id].astro'),
    `---
import { getCollection, render } from 'astro:content'
export async function getStaticPaths() {
  const entries = await getCollection('blog')
  return entries.map((entry) => ({ params: { id: entry.id }, props: { entry } }))
}
const { Content } = await render(Astro.props.entry)
---
<html lang="en"><head><title>Blog</title></head><body><Content /></body></html>
`,
  )
  await writeFile(
    join(root, 'src/pages/post.md'),
    '---\ntitle: A post\n---\n\n![](/img/post.png)\n',
  )
  // New images per site: the fake API reuses what an earlier test paid for.
  for (const id of ['one', 'two', 'post']) {
    await writeFile(join(root, `public/img/${id}.png`), tinyPng(seed++))
    if (id !== 'post')
      await writeFile(
        join(root, `src/content/blog/${id}.md`),
        `---\ntitle: ${id}\n---\n\n![](/img/${id}.png)\n`,
      )
  }
  return root
}

/** `astro build` of `root` with the integration given `options`: exit code and output. */
async function astroBuild(root: string, options: AltTextAstroOptions) {
  await writeFile(
    join(root, 'astro.config.mjs'),
    `import altText from ${JSON.stringify(INTEGRATION)}
export default { integrations: [altText(${JSON.stringify({ baseUrl: fake.url, cacheDir: '.cache', ...options })})] }
`,
  )
  const child = spawn(process.execPath, [ASTRO, 'build'], {
    cwd: root,
    env: { ...process.env, ALTTEXT_API_KEY: '', ASTRO_TELEMETRY_DISABLED: '1', NO_COLOR: '1' },
  })
  const chunks: Buffer[] = []
  child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk))
  child.stderr.on('data', (chunk: Buffer) => chunks.push(chunk))
  const code = await new Promise<number | null>((done) => child.on('close', done))
  return { code, output: Buffer.concat(chunks).toString('utf8') }
}

const blogImage = async (root: string, id: string) =>
  (await readFile(join(root, 'dist/blog', id, 'index.html'), 'utf8')).match(/<img[^>]*>/)?.[0]

beforeAll(async () => {
  fake = await startFakeApi()
})
afterAll(async () => {
  await fake?.stop()
  await rm(sites, { recursive: true, force: true })
})

describe('content collections in astro build', () => {
  it('an entry kept back by the budget fails the build, and the next build describes it', async () => {
    const root = await writeSite('budget')
    const first = await astroBuild(root, { apiKey: fake.key, maxImages: 1 })
    expect(first.code, first.output).not.toBe(0)
    expect(first.output).toMatch(
      /@alttextapi\/astro: budget of 1 images reached: 2 images not described\. Raise the budget \(maxCredits \/ maxImages\)/,
    )
    expect(fake.stats.charged).toBe(1)

    const second = await astroBuild(root, { apiKey: fake.key })
    expect(second.code, second.output).toBe(0)
    // The entry kept back (rendered again, not taken from the content cache) and the page.
    expect(fake.stats.charged).toBe(3)
    expect(await blogImage(root, 'one')).toMatch(/ alt="Image \d+"/)
    expect(await blogImage(root, 'two')).toMatch(/ alt="Image \d+"/)
  })

  it('a wrong key met during content sync fails the build once, with the reason, asking nothing more', async () => {
    const root = await writeSite('wrong-key')
    const requests = fake.requests.length
    const { code, output } = await astroBuild(root, { apiKey: WRONG })
    expect(code, output).not.toBe(0)
    expect(output).toContain('@alttextapi/astro: Missing or invalid API key')
    expect(output).not.toContain('see the first error')
    // One error, not one per entry; no estimate.
    expect(output.match(/Missing or invalid API key/g), output).toHaveLength(1)
    expect(output).not.toContain('estimate (')
    const paths = fake.requests.slice(requests).map((r) => r.path)
    expect(paths.length).toBeGreaterThan(0)
    expect(
      paths.every((path) => path.startsWith('/v1/alt-text')),
      paths.join(' '),
    ).toBe(true)
    expect(fake.stats.charged).toBe(3)
  })
})
