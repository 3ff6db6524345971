/**
 * Sanity 5.31: a fresh Studio project with the plugin from its tarball. The README's
 * `sanity.config.ts`, copied from the README, is built with `sanity build` (the Studio's own Vite
 * build, offline with a dummy project id); the bundle must hold the plugin and no API key. Then the
 * same project's `alttext-sanity backfill` runs against a fake Sanity API and testkit's fake
 * AltText API: a wrong key stops it with one message and writes nothing; the right key fills
 * every asset and prints the summary.
 */
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { type FakeSanity, startFakeApi, startFakeSanity } from '@alttextapi/testkit'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { exampleRegistryDependencies } from '../src/example.js'
import { createProject, type Project } from '../src/project.js'
import { codeBlock } from '../src/readme.js'
import { fileOf } from '../src/workspace.js'

const PROJECT_ID = 'your-project-id'
const DATASET = 'production'
/** The README's config, as a user copies it. */
const README_CONFIG = codeBlock(
  fileOf('@alttextapi/sanity-plugin', 'README.md'),
  'ts',
  '// sanity.config.ts',
)
/** What `sanity init` writes beside it: the CLI's own config (no update checks in a test). */
const CLI_CONFIG = `import { defineCliConfig } from 'sanity/cli'

export default defineCliConfig({
  api: { projectId: '${PROJECT_ID}', dataset: '${DATASET}' },
  deployment: { autoUpdates: false },
})
`

let fake: Awaited<ReturnType<typeof startFakeApi>>
let sanity: FakeSanity
let project: Project

beforeAll(async () => {
  ;[fake, sanity] = await Promise.all([
    startFakeApi(),
    startFakeSanity({ projectId: PROJECT_ID, dataset: DATASET }),
  ])
  project = await createProject(
    {
      name: 'sanity',
      ours: ['@alttextapi/sanity-plugin'],
      // The Studio's peers, as examples/sanity-studio pins them.
      registry: await exampleRegistryDependencies('sanity-studio'),
      files: { 'sanity.config.ts': README_CONFIG, 'sanity.cli.ts': CLI_CONFIG },
    },
    inject('tarballs'),
  )
  console.log(`sanity: npm install ${project.installMs} ms`)
})
afterAll(async () => {
  await project?.remove()
  await Promise.all([fake?.stop(), sanity?.close()])
})

describe('Sanity Studio 5.31 (the README config)', () => {
  it('`sanity build` bundles the plugin, and no API key', async () => {
    const started = Date.now()
    const result = await project.run('npx', ['sanity', 'build', '--yes'], {
      env: {
        DO_NOT_TRACK: '1',
        SANITY_TELEMETRY_DISABLED: '1',
        // The Studio build takes ~2 GB (../shared/toolchain-notes.md).
        NODE_OPTIONS: '--max-old-space-size=2560',
      },
    })
    expect(result.code, result.stdout + result.stderr).toBe(0)
    console.log(`sanity: build ${Date.now() - started} ms`)
    const dist = join(project.dir, 'dist')
    expect(await readFile(join(dist, 'index.html'), 'utf8')).toContain('<div id="sanity"')
    const scripts = (await readdir(join(dist, 'static'))).filter((f) => f.endsWith('.js'))
    const code = (
      await Promise.all(scripts.map((f) => readFile(join(dist, 'static', f), 'utf8')))
    ).join('\n')
    // The Studio parts the config adds: the tool, the document action, the key's private document.
    for (const text of ['Generate missing alt text', 'Generate alt text', 'secrets.alttextapi'])
      expect(code, `the bundle lacks "${text}"`).toContain(text)
    expect(code).not.toMatch(/atk_[A-Za-z0-9]{32,}/)
  })
})

describe('alttext-sanity backfill, installed with the Studio', () => {
  const backfill = (key: string) =>
    project.run(
      'npx',
      [
        'alttext-sanity',
        'backfill',
        '--project',
        PROJECT_ID,
        '--dataset',
        DATASET,
        '--api-host',
        sanity.url,
        '--image-base-url',
        sanity.url,
      ],
      { env: { ALTTEXT_API_KEY: key, ALTTEXT_API_URL: fake.url, SANITY_TOKEN: sanity.token } },
    )
  const ids = ['image-aaa-10x10-png', 'image-bbb-10x10-png', 'image-ccc-10x10-png']

  beforeAll(() => {
    sanity.put(...ids.map((_id) => ({ _id, _type: 'sanity.imageAsset' })))
  })

  it('a wrong key stops the run with one clear message and exit 1; no asset changes', async () => {
    const result = await backfill('atk_wrong0123456789abcdefghijklmnopqrstuvw')
    expect(result.code, result.stdout + result.stderr).toBe(1)
    const lines = result.stderr.split('\n').filter((line) => /API key/i.test(line))
    expect(lines, result.stderr).toHaveLength(1)
    expect(lines[0]).toMatch(/^Stopped: /)
    for (const id of ids) expect(sanity.docs.get(id)?.altText).toBeUndefined()
    expect(fake.stats.charged).toBe(0)
  })

  it('the right key fills every asset, with provenance, and prints the summary', async () => {
    const result = await backfill(fake.key)
    expect(result.code, result.stdout + result.stderr).toBe(0)
    expect(result.stdout).toMatch(/^3 described, 0 failed, 0 skipped, 3 credits used/m)
    for (const id of ids) {
      const doc = sanity.docs.get(id)
      expect(doc?.altText, id).toEqual(expect.any(String))
      expect(doc?.altText).not.toBe('')
      expect(doc?.altTextProvenance, id).toBeTruthy()
    }
    expect(fake.stats.charged).toBe(3)
    // Run again: nothing is left to describe, nothing is charged.
    const again = await backfill(fake.key)
    expect(again.code, again.stdout + again.stderr).toBe(0)
    expect(again.stdout).toMatch(/^0 described/m)
    expect(fake.stats.charged).toBe(3)
  })
})
