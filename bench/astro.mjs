// Astro: examples/astro-site (4 pages: Markdown, MDX, .astro, a content collection; 9 images to
// fill, 3 optimised by Astro) built with `astro build`, with @alttextapi/astro and without it.
// Warm: the build with the integration and a warm cache against the same build without it
// (medians of interleaved builds); zero API calls. Each build is a child process (`astro build`
// from the example's install), so the fake API in this process keeps answering.
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import {
  cp,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  realpath,
  rm,
  symlink,
  writeFile,
} from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { startFakeApi } from '@alttextapi/testkit'
import { now, percentile, report } from './lib.mjs'

const WORKSPACE = join(dirname(fileURLToPath(import.meta.url)), '..')
const EXAMPLE = join(WORKSPACE, 'examples', 'astro-site')
/** Our packages the site loads, by folder. */
const OURS = {
  '@alttextapi/core': 'core',
  '@alttextapi/rehype': 'plugins/rehype',
  '@alttextapi/remark': 'plugins/remark',
  '@alttextapi/astro': 'plugins/astro',
}
const ROUNDS = 3

/** The example's config, with or without the integration; Astro's caches inside the copy. */
const config = (withIntegration) => `import altText from '@alttextapi/astro'
import mdx from '@astrojs/mdx'
import { defineConfig } from 'astro/config'

export default defineConfig({
  cacheDir: './.astro-cache',
  integrations: [mdx()${withIntegration ? ", altText({ cacheDir: './.alttext-cache', summary: false })" : ''}],
})
`

/**
 * `node_modules` for the copy: the example's registry packages linked in place, and a snapshot of
 * our packages (manifest + dist, their dependencies linked), so a rebuild of the workspace while
 * the benchmark runs cannot pull a package from under a build.
 */
async function installSnapshot(dir) {
  const modules = join(dir, 'node_modules')
  await mkdir(join(modules, '@alttextapi'), { recursive: true })
  const link = async (name, target) => {
    const path = join(modules, name)
    if (existsSync(path)) return
    await mkdir(dirname(path), { recursive: true })
    await symlink(target, path, 'dir')
  }
  for (const entry of await readdir(join(EXAMPLE, 'node_modules'))) {
    if (entry === '@alttextapi' || entry.startsWith('.')) continue
    await link(entry, await realpath(join(EXAMPLE, 'node_modules', entry)))
  }
  for (const [name, folder] of Object.entries(OURS)) {
    const source = join(WORKSPACE, folder)
    await cp(join(source, 'dist'), join(modules, name, 'dist'), { recursive: true })
    await cp(join(source, 'package.json'), join(modules, name, 'package.json'))
    const manifest = JSON.parse(await readFile(join(source, 'package.json'), 'utf8'))
    for (const dep of Object.keys(manifest.dependencies ?? {}))
      if (!(dep in OURS)) await link(dep, await realpath(join(source, 'node_modules', dep)))
  }
}

/** `astro build --config <file>` in `dir`; resolves with the time taken, rejects on failure. */
function astroBuild(dir, file, env) {
  return new Promise((resolve, reject) => {
    const start = now()
    const child = spawn(
      process.execPath,
      [join(EXAMPLE, 'node_modules', 'astro', 'astro.js'), 'build', '--config', file, '--silent'],
      { cwd: dir, env: { ...process.env, ...env, ASTRO_TELEMETRY_DISABLED: '1' } },
    )
    let output = ''
    child.stdout.on('data', (d) => {
      output += d
    })
    child.stderr.on('data', (d) => {
      output += d
    })
    child.on('error', reject)
    child.on('close', (code) =>
      code === 0 ? resolve(now() - start) : reject(new Error(`astro build: ${output}`)),
    )
  })
}

export async function run() {
  const dir = await mkdtemp(join(tmpdir(), 'alttext-bench-astro-'))
  const api = await startFakeApi({ balance: 100_000 })
  try {
    await cp(EXAMPLE, dir, {
      recursive: true,
      filter: (source) => !/[/\\](node_modules|dist|\.astro|alt-text\.json)$/.test(source),
    })
    await installSnapshot(dir)
    await writeFile(join(dir, 'with.config.mjs'), config(true))
    await writeFile(join(dir, 'plain.config.mjs'), config(false))
    const env = { ALTTEXT_API_KEY: api.key, ALTTEXT_API_URL: api.url }
    await astroBuild(dir, 'plain.config.mjs', env) // Astro's own caches warm
    const cold = await astroBuild(dir, 'with.config.mjs', env)
    const coldImages = api.stats.images
    const before = api.requests.length
    const plains = []
    const warms = []
    for (let i = 0; i < ROUNDS; i++) {
      warms.push(await astroBuild(dir, 'with.config.mjs', env))
      plains.push(await astroBuild(dir, 'plain.config.mjs', env))
    }
    const warmCalls = api.requests
      .slice(before)
      .filter((r) => r.path.startsWith('/v1/alt-text')).length
    const plain = percentile(plains, 50)
    const warm = percentile(warms, 50)
    report(
      'astro: cold build of the example, images sent',
      `${(cold / 1000).toFixed(2)} s, ${coldImages} images`,
    )
    report(
      'astro: warm / plain build (example site)',
      `${(warm / 1000).toFixed(2)} s / ${(plain / 1000).toFixed(2)} s = ${(warm / plain).toFixed(2)}×`,
      '≤ 1.1×',
      warm / plain <= 1.1,
    )
    report('astro: warm, API calls', `${warmCalls}`, '0', warmCalls === 0)
  } finally {
    await api.stop()
    await rm(dir, { recursive: true, force: true })
  }
}
