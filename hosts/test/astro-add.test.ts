/**
 * `npx astro add @alttextapi/astro --yes`, as the Astro README says, on a fresh Astro 5 project
 * (examples/astro-site without our integration in its config). Astro resolves the name, checks
 * the `astro-integration` keyword, installs the package with npm and writes the config; a local
 * registry serves our packed tarballs under their names (everything else comes from the
 * configured registry), so this is the install users will run once the packages are published.
 * Then the config `astro add` wrote — the default export, no options — builds against the fake
 * API, and every image of the built pages passes axe-core's `image-alt`.
 */
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { startFakeApi } from '@alttextapi/testkit'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { axeImageAlt } from '../src/axe.js'
import { exampleFiles, exampleRegistryDependencies } from '../src/example.js'
import { run } from '../src/exec.js'
import { type LocalRegistry, startLocalRegistry } from '../src/local-registry.js'
import { createProject, type Project } from '../src/project.js'
import { withOurDependencies } from '../src/workspace.js'

/** The project's config before `astro add`: MDX only. */
const BEFORE = `import mdx from '@astrojs/mdx'
import { defineConfig } from 'astro/config'

export default defineConfig({
  integrations: [mdx()],
})
`

let fake: Awaited<ReturnType<typeof startFakeApi>>
let registry: LocalRegistry
let project: Project

beforeAll(async () => {
  fake = await startFakeApi()
  const tarballs = inject('tarballs')
  registry = await startLocalRegistry(
    Object.fromEntries(withOurDependencies(['@alttextapi/astro']).map((n) => [n, tarballs[n]])),
  )
  project = await createProject(
    {
      name: 'astro-add',
      ours: [],
      registry: await exampleRegistryDependencies('astro-site'),
      files: { ...(await exampleFiles('astro-site')), 'astro.config.mjs': BEFORE },
    },
    tarballs,
  )
})
afterAll(async () => {
  await project?.remove()
  await registry?.stop()
  await fake?.stop()
})

describe('npx astro add @alttextapi/astro (Astro 5.18)', () => {
  it('installs the package by name and adds the integration to astro.config.mjs', async () => {
    const result = await run('npx', ['astro', 'add', '@alttextapi/astro', '--yes'], {
      cwd: project.dir,
      env: { npm_config_registry: registry.url, ASTRO_TELEMETRY_DISABLED: '1' },
      timeoutMs: 290_000,
    })
    const output = result.stdout + result.stderr
    expect(result.code, output).toBe(0)
    expect(output).toContain('Added the following integration to your project')
    // Astro found it by name (its package document, with the astro-integration keyword).
    expect(registry.requests).toContain('/@alttextapi/astro/latest')
    const manifest = JSON.parse(await readFile(join(project.dir, 'package.json'), 'utf8'))
    expect(manifest.dependencies['@alttextapi/astro']).toBe('^0.1.0')
    const config = await readFile(join(project.dir, 'astro.config.mjs'), 'utf8')
    expect(config).toContain("import alttextapi from '@alttextapi/astro';")
    expect(config).toContain('integrations: [mdx(), alttextapi()],')
  }, 300_000)

  it('the config astro add wrote builds: every image described, 0 axe image-alt violations', async () => {
    const result = await run('npx', ['astro', 'build'], {
      cwd: project.dir,
      env: { ALTTEXT_API_KEY: fake.key, ALTTEXT_API_URL: fake.url, ASTRO_TELEMETRY_DISABLED: '1' },
      timeoutMs: 290_000,
    })
    const output = result.stdout + result.stderr
    expect(result.code, output).toBe(0)
    expect(output).toContain(
      '[@alttextapi/astro] 8 described, 1 cached, 0 skipped, 0 failed, 8 credits used',
    )
    const pages = await axeImageAlt(join(project.dir, 'dist'))
    expect(Object.keys(pages)).toHaveLength(4)
    for (const [path, check] of Object.entries(pages)) {
      expect(check.violations, path).toEqual([])
      expect(check.images, path).toBeGreaterThan(0)
    }
  }, 300_000)
})
