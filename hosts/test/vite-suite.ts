/**
 * One Vite host: a fresh multi-page project with a given Vite version and our tarballs, built with
 * `vite build` against the fake API. Shared by vite6/7/8.test.ts (separate files run in parallel).
 */
import { readFile, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { startFakeApi } from '@alttextapi/testkit'
import { afterAll, beforeAll, expect, inject, it } from 'vitest'
import { createProject, type Project, writeFiles } from '../src/project.js'
import { codeBlock } from '../src/readme.js'
import { ABOUT, EXPECTED, HOME, IMAGES, imagesWithoutAlt, MISSING } from '../src/site.js'
import { fileOf } from '../src/workspace.js'

const CONFIG = `import { fileURLToPath } from 'node:url'
import altText from '@alttextapi/vite-plugin'

const page = (path) => fileURLToPath(new URL(path, import.meta.url))

export default {
  build: { rollupOptions: { input: { home: page('./index.html'), about: page('./about/index.html') } } },
  plugins: [altText()],
}
`

/** The summary line the plugin prints at the end of a build. */
const summary = (described: number, cached: number, credits: number) =>
  `[alttextapi] ${described} described, ${cached} cached, 0 skipped, 0 failed, ${credits} ${credits === 1 ? 'credit' : 'credits'} used`

/** Registers the tests of one Vite version. `readme`: also build the README's config as written. */
export function viteHost(version: string, options: { readme?: boolean } = {}) {
  let fake: Awaited<ReturnType<typeof startFakeApi>>
  let project: Project
  const build = (key: string, cwd = '') =>
    project.run('npx', ['vite', 'build', ...(cwd ? [cwd] : [])], {
      env: { ALTTEXT_API_KEY: key, ALTTEXT_API_URL: fake.url },
    })

  beforeAll(async () => {
    fake = await startFakeApi()
    project = await createProject(
      {
        name: `vite-${version}`,
        ours: ['@alttextapi/vite-plugin'],
        registry: { vite: version },
        files: {
          ...IMAGES,
          'index.html': HOME,
          'about/index.html': ABOUT,
          'vite.config.js': CONFIG,
        },
      },
      inject('tarballs'),
    )
    console.log(`vite ${version}: npm install ${project.installMs} ms`)
  })
  afterAll(async () => {
    await project?.remove()
    await fake?.stop()
  })

  it('a wrong key fails the build with one clear message, and nothing is written', async () => {
    const result = await build('atk_wrong0123456789abcdefghijklmnopqrstuvw')
    const output = result.stdout + result.stderr
    expect(result.code, output).not.toBe(0)
    expect(output).toMatch(/API key/i)
    // One message, not one per image.
    expect(output.match(/invalid api key|unauthorized/gi)?.length ?? 0, output).toBeLessThanOrEqual(
      2,
    )
    expect(fake.stats.charged).toBe(0)
  })

  it('builds both pages, fills the missing alt text from the API and prints the summary', async () => {
    const result = await build(fake.key)
    expect(result.code, result.stdout + result.stderr).toBe(0)
    const home = await readFile(join(project.dir, 'dist/index.html'), 'utf8')
    const about = await readFile(join(project.dir, 'dist/about/index.html'), 'utf8')
    for (const alt of EXPECTED.home) expect(home).toContain(alt)
    for (const alt of EXPECTED.about) expect(about).toContain(alt)
    expect(imagesWithoutAlt(home) + imagesWithoutAlt(about)).toBe(0)
    expect(home).toMatch(/<img src="\/img\/spacer.png" alt="">/)
    expect(home).toContain('alt="Our logo"')
    expect(result.stdout).toContain(summary(MISSING, 0, MISSING))
    expect(fake.stats.charged).toBe(MISSING)
  })

  it('a second build describes nothing again: every image comes from the cache', async () => {
    const result = await build(fake.key)
    expect(result.code, result.stdout + result.stderr).toBe(0)
    expect(result.stdout).toContain(summary(0, MISSING, 0))
    expect(fake.stats.charged).toBe(MISSING)
  })

  it('a fresh copy with the committed alt-text.json (no node_modules cache) makes no API call', async () => {
    // What a CI runner checks out: the sources and alt-text.json, written by the builds above.
    const committed = await readFile(join(project.dir, 'alt-text.json'), 'utf8')
    // shared.png (in English and German: two entries), hero.png, team.png.
    expect(Object.keys(JSON.parse(committed).images)).toHaveLength(3)
    await writeFiles(join(project.dir, 'fresh'), {
      ...IMAGES,
      'index.html': HOME.replace('on sale this week', 'on sale until Sunday'),
      'about/index.html': ABOUT,
      'vite.config.js': CONFIG,
      'alt-text.json': committed,
    })
    const calls = fake.stats.calls
    const result = await build(fake.key, 'fresh')
    expect(result.code, result.stdout + result.stderr).toBe(0)
    expect(fake.stats.calls - calls).toBe(0)
    expect(result.stdout).toContain(summary(0, MISSING, 0))
    const about = await readFile(join(project.dir, 'fresh/dist/about/index.html'), 'utf8')
    for (const alt of EXPECTED.about) expect(about).toContain(alt)
    expect(await readFile(join(project.dir, 'fresh/alt-text.json'), 'utf8')).toBe(committed)
  })

  if (options.readme)
    it("the README's vite.config.ts builds as written", async () => {
      const config = codeBlock(
        fileOf('@alttextapi/vite-plugin', 'README.md'),
        'ts',
        'vite.config.ts',
      )
      await rm(join(project.dir, 'node_modules/.cache'), { recursive: true, force: true })
      await writeFiles(join(project.dir, 'readme'), {
        'vite.config.ts': config,
        'index.html': HOME,
        ...IMAGES,
      })
      const result = await build(fake.key, 'readme')
      expect(result.code, result.stdout + result.stderr).toBe(0)
      const home = await readFile(join(project.dir, 'readme/dist/index.html'), 'utf8')
      for (const alt of EXPECTED.home) expect(home).toContain(alt)
      expect(result.stdout).toMatch(
        /^\[alttextapi\] \d+ described, .*\d+ credits? used(, \d+ left)?$/m,
      )
    })
}
