/**
 * Eleventy 3: examples/eleventy-site — its eleventy.config.js is the recipe of the rehype README,
 * taken from the README text — installed from our tarballs and built against the fake API. Every
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

const recipe = () =>
  codeBlock(fileOf('@alttextapi/rehype', 'README.md'), 'js', 'eleventy.config.js')
const build = (key: string) =>
  project.run('npx', ['@11ty/eleventy'], {
    env: { ALTTEXT_API_KEY: key, ALTTEXT_API_URL: fake.url },
  })
const page = (path: string) => readFile(join(project.dir, '_site', path), 'utf8')

beforeAll(async () => {
  fake = await startFakeApi()
  project = await createProject(
    {
      name: 'eleventy',
      ours: ['@alttextapi/rehype'],
      registry: await exampleRegistryDependencies('eleventy-site'),
      files: { ...(await exampleFiles('eleventy-site')), 'eleventy.config.js': recipe() },
    },
    inject('tarballs'),
  )
  console.log(`eleventy: npm install ${project.installMs} ms`)
})
afterAll(async () => {
  await project?.remove()
  await fake?.stop()
})

describe('Eleventy 3.1 (examples/eleventy-site, the README recipe)', () => {
  it("the example's config is the README's recipe", async () => {
    const config = await readFile(join(ROOT, 'examples/eleventy-site/eleventy.config.js'), 'utf8')
    expect(config).toBe(recipe())
  })

  it('a wrong key fails the build, saying why, and nothing is charged', async () => {
    const result = await build('atk_wrong0123456789abcdefghijklmnopqrstuvw')
    const output = result.stdout + result.stderr
    expect(result.code, output).not.toBe(0)
    expect(output).toContain('[alttextapi] Missing or invalid API key')
    expect(fake.stats.charged).toBe(0)
  })

  it('fills every missing alt (Markdown ![](…) included), keeps decorative and written ones', async () => {
    const result = await build(fake.key)
    const output = result.stdout + result.stderr
    expect(result.code, output).toBe(0)
    expect(result.stdout).toContain(
      '[alttextapi] 5 described, 0 cached, 0 skipped, 0 failed, 5 credits used',
    )
    const home = await page('index.html')
    expect(home).toContain('<img src="/img/bike.png" alt="Image 32">')
    expect(home).toContain('<img src="/img/shop.png" alt="Image 36">')
    expect(home).toContain('<img src="/img/spacer.png" alt="">')
    expect(home).toContain('alt="Our logo"')
    const about = await page('about/index.html')
    expect(about).toContain('<img src="/img/team.png" alt="Image 35 (de)">')
    expect(fake.stats.charged).toBe(5)

    const pages = await axeImageAlt(join(project.dir, '_site'))
    expect(Object.keys(pages)).toEqual(['about/index.html', 'index.html'])
    for (const [path, check] of Object.entries(pages)) {
      expect(check.violations, path).toEqual([])
      expect(check.images, path).toBeGreaterThan(0)
    }
  })

  it('a second build makes no describe call', async () => {
    const requests = fake.requests.length
    const result = await build(fake.key)
    expect(result.code, result.stdout + result.stderr).toBe(0)
    expect(result.stdout).toContain(
      '[alttextapi] 0 described, 5 cached, 0 skipped, 0 failed, 0 credits used',
    )
    const calls = fake.requests.slice(requests).filter((r) => r.path.startsWith('/v1/alt-text'))
    expect(calls).toEqual([])
  })

  it('a fresh runner with the committed alt-text.json (no cache folder, no _site) makes no describe call', async () => {
    const committed = await readFile(join(project.dir, 'alt-text.json'), 'utf8')
    for (const left of ['node_modules/.cache', '_site'])
      await rm(join(project.dir, left), { recursive: true, force: true })
    const requests = fake.requests.length
    const result = await build(fake.key)
    expect(result.code, result.stdout + result.stderr).toBe(0)
    expect(result.stdout).toContain(
      '[alttextapi] 0 described, 5 cached, 0 skipped, 0 failed, 0 credits used',
    )
    const calls = fake.requests.slice(requests).filter((r) => r.path.startsWith('/v1/alt-text'))
    expect(calls).toEqual([])
    expect(await readFile(join(project.dir, 'alt-text.json'), 'utf8')).toBe(committed)
  })
})
