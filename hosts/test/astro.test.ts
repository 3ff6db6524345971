/**
 * Astro 5: examples/astro-site (its astro.config.mjs is the README's) (Markdown, MDX, .astro pages, a content collection, optimised
 * images) installed from our tarballs and built with `astro build` against the fake API. Every
 * page then passes axe-core's `image-alt` in Chromium, and a second build describes nothing.
 */
import { readFile, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { startFakeApi } from '@alttextapi/testkit'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { axeImageAlt } from '../src/axe.js'
import { exampleFiles, exampleRegistryDependencies } from '../src/example.js'
import { createProject, type Project } from '../src/project.js'
import { codeBlock } from '../src/readme.js'
import { fileOf, ROOT } from '../src/workspace.js'

let fake: Awaited<ReturnType<typeof startFakeApi>>
let project: Project

const build = (key: string) =>
  project.run('npx', ['astro', 'build'], {
    env: { ALTTEXT_API_KEY: key, ALTTEXT_API_URL: fake.url, ASTRO_TELEMETRY_DISABLED: '1' },
  })
const page = (path: string) => readFile(join(project.dir, 'dist', path), 'utf8')

beforeAll(async () => {
  fake = await startFakeApi()
  project = await createProject(
    {
      name: 'astro',
      ours: ['@alttextapi/astro'],
      registry: await exampleRegistryDependencies('astro-site'),
      files: await exampleFiles('astro-site'),
    },
    inject('tarballs'),
  )
  console.log(`astro: npm install ${project.installMs} ms`)
})
afterAll(async () => {
  await project?.remove()
  await fake?.stop()
})

describe('Astro 5.18 (examples/astro-site)', () => {
  it("the example's astro.config.mjs is the README's, so the README's is what is built", async () => {
    const readme = codeBlock(fileOf('@alttextapi/astro', 'README.md'), 'js', 'astro.config.mjs')
    const config = await readFile(join(ROOT, 'examples/astro-site/astro.config.mjs'), 'utf8')
    expect(config).toBe(readme)
  })

  it('a wrong key fails the build, saying why, and nothing is charged', async () => {
    const result = await build('atk_wrong0123456789abcdefghijklmnopqrstuvw')
    const output = result.stdout + result.stderr
    expect(result.code, output).not.toBe(0)
    expect(output).toMatch(/@alttextapi\/astro: Missing or invalid API key/)
    expect(fake.stats.charged).toBe(0)
  })

  it('fills every missing alt: Markdown, MDX, .astro, the collection, optimised images by source', async () => {
    const started = Date.now()
    const result = await build(fake.key)
    const output = result.stdout + result.stderr
    expect(result.code, output).toBe(0)
    console.log(`astro: cold build ${Date.now() - started} ms`)
    expect(output).toContain(
      '[@alttextapi/astro] 8 described, 1 cached, 0 skipped, 0 failed, 8 credits used',
    )
    const home = await page('index.html')
    expect(home).toContain('<img src="/img/shared.png" alt="Image 11">')
    // getImage() output: /_astro/hero.<hash>_<hash>.webp, described by src/images/hero.png.
    expect(home).toMatch(/<img src="\/_astro\/hero\.[\w-]+_[\w-]+\.webp"[^>]* alt="Image 12">/)
    expect(home).toMatch(/<img src="\/_astro\/team\.[\w-]+\.png" alt="Image 13">/)
    expect(home).toContain('<img src="/img/spacer.png" alt="">')
    expect(home).toContain('alt="Our logo"')
    expect(home).toContain('alt="The hero bike, in red"')
    // Markdown `![](../images/bike.png)`: filled by remark, then optimised by Astro.
    const post = await page('post/index.html')
    expect(post).toMatch(/src="\/_astro\/bike\.[\w-]+\.webp" alt="Image 16"/)
    expect(post).toContain('alt="Image 17"')
    expect(post).toContain('<img src="/img/spacer.png" alt="">')
    // MDX, in German (front matter `lang: de`).
    const guide = await page('guide/index.html')
    expect(guide).toContain('alt="Image 19 (de)"')
    expect(guide).toContain('alt="Image 20 (de)"')
    // A content collection entry, rendered by the glob loader.
    expect(await page('blog/first/index.html')).toContain('alt="Image 18"')
    expect(fake.stats.charged).toBe(8)

    const pages = await axeImageAlt(join(project.dir, 'dist'))
    expect(Object.keys(pages)).toEqual([
      'blog/first/index.html',
      'guide/index.html',
      'index.html',
      'post/index.html',
    ])
    for (const [path, check] of Object.entries(pages)) {
      expect(check.violations, path).toEqual([])
      expect(check.images, path).toBeGreaterThan(0)
    }
  })

  it('a second build makes no describe call', async () => {
    const requests = fake.requests.length
    const started = Date.now()
    const result = await build(fake.key)
    expect(result.code, result.stdout + result.stderr).toBe(0)
    console.log(`astro: warm build ${Date.now() - started} ms`)
    expect(result.stdout).toMatch(
      /\[@alttextapi\/astro\] 0 described, \d+ cached, 0 skipped, 0 failed, 0 credits used/,
    )
    const calls = fake.requests.slice(requests).filter((r) => r.path.startsWith('/v1/alt-text'))
    expect(calls).toEqual([])
    expect(fake.stats.charged).toBe(8)
    expect(await page('index.html')).toContain('alt="Image 12"')
  })

  it('a fresh runner with the committed alt-text.json (no caches, no build output) makes no describe call', async () => {
    // What a CI runner has after checkout and install: the sources and alt-text.json, no cache
    // folder, no Astro content store, no earlier build.
    const committed = await readFile(join(project.dir, 'alt-text.json'), 'utf8')
    for (const left of ['node_modules/.cache', 'node_modules/.astro', '.astro', 'dist'])
      await rm(join(project.dir, left), { recursive: true, force: true })
    const requests = fake.requests.length
    const result = await build(fake.key)
    expect(result.code, result.stdout + result.stderr).toBe(0)
    const calls = fake.requests.slice(requests).filter((r) => r.path.startsWith('/v1/alt-text'))
    expect(calls).toEqual([])
    expect(result.stdout).toMatch(
      /\[@alttextapi\/astro\] 0 described, \d+ cached, .*0 credits used/,
    )
    expect(await page('index.html')).toContain('alt="Image 12"')
    expect(await page('guide/index.html')).toContain('alt="Image 19 (de)"')
    expect(await page('blog/first/index.html')).toContain('alt="Image 18"')
    expect(await readFile(join(project.dir, 'alt-text.json'), 'utf8')).toBe(committed)
  })
})
