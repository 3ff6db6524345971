// Astro: examples/astro-site (4 pages: Markdown, MDX, .astro, a content collection; 9 images to
// fill, 3 optimised by Astro) built with `astro build`, with @alttextapi/astro and without it.
// Warm: the build with the integration and a warm cache against the same build without it
// (medians of five interleaved pairs, the order alternating); zero API calls. Each build is a
// child process (`astro build` from the example's install), so the fake API in this process keeps
// answering. Each configuration builds in its own copy of the site: Astro clears its content
// store when the config it was built with changes, so one copy built alternately with both
// configs re-rendered every collection entry in every build — neither build was warm, and which
// one paid more moved the ratio (0.86×–1.11× in three runs). The CPU time of each build (user +
// system of the astro process) is measured beside its wall time: on a shared machine the wall
// time follows the other processes' load.
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
import { cpuProbe } from './child-cpu.mjs'
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
const ROUNDS = 5

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

/**
 * `astro build --config <file>` in `dir`; resolves with the wall and CPU time taken (ms), rejects
 * on failure.
 */
function astroBuild(dir, file, env) {
  return new Promise((resolve, reject) => {
    const cpu = cpuProbe()
    const start = now()
    const child = spawn(
      process.execPath,
      [
        ...cpu.args,
        join(EXAMPLE, 'node_modules', 'astro', 'astro.js'),
        'build',
        '--config',
        file,
        '--silent',
      ],
      { cwd: dir, env: { ...process.env, ...env, ...cpu.env, ASTRO_TELEMETRY_DISABLED: '1' } },
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
      code === 0
        ? resolve({ ms: now() - start, cpu: cpu.read() })
        : reject(new Error(`astro build: ${output}`)),
    )
  })
}

export async function run() {
  const work = await mkdtemp(join(tmpdir(), 'alttext-bench-astro-'))
  const api = await startFakeApi({ balance: 100_000 })
  try {
    // One copy per configuration (see the top of this file).
    const withDir = join(work, 'with')
    const plainDir = join(work, 'plain')
    for (const [dir, withIntegration] of [
      [withDir, true],
      [plainDir, false],
    ]) {
      await cp(EXAMPLE, dir, {
        recursive: true,
        filter: (source) => !/[/\\](node_modules|dist|\.astro|alt-text\.json)$/.test(source),
      })
      await installSnapshot(dir)
      await writeFile(join(dir, 'site.config.mjs'), config(withIntegration))
    }
    const env = { ALTTEXT_API_KEY: api.key, ALTTEXT_API_URL: api.url }
    const build = (dir) => astroBuild(dir, 'site.config.mjs', env)
    await build(plainDir) // Astro's own caches warm
    const cold = await build(withDir)
    const coldImages = api.stats.images
    await build(plainDir)
    await build(withDir) // both copies have built twice: every cache as a next build finds it
    const before = api.requests.length
    const plains = []
    const warms = []
    for (let i = 0; i < ROUNDS; i++) {
      // The order alternates, so a change of the machine's load mid-pair weighs on both sides.
      if (i % 2 === 0) {
        warms.push(await build(withDir))
        plains.push(await build(plainDir))
      } else {
        plains.push(await build(plainDir))
        warms.push(await build(withDir))
      }
    }
    const warmCalls = api.requests
      .slice(before)
      .filter((r) => r.path.startsWith('/v1/alt-text')).length
    const median = (list, key) =>
      percentile(
        list.map((b) => b[key]),
        50,
      )
    const rounds = (key) => warms.map((w, i) => (w[key] / plains[i][key]).toFixed(2)).join(', ')
    report(
      'astro: cold build of the example, images sent',
      `${(cold.ms / 1000).toFixed(2)} s, ${coldImages} images`,
    )
    const wall = median(warms, 'ms') / median(plains, 'ms')
    report(
      'astro: warm / plain build, wall time',
      `${(median(warms, 'ms') / 1000).toFixed(2)} s / ${(median(plains, 'ms') / 1000).toFixed(2)} s = ${wall.toFixed(2)}× (pairs: ${rounds('ms')})`,
      '≤ 1.1×',
      wall <= 1.1,
    )
    const cpu = median(warms, 'cpu') / median(plains, 'cpu')
    report(
      'astro: warm / plain build, CPU time',
      `${(median(warms, 'cpu') / 1000).toFixed(2)} s / ${(median(plains, 'cpu') / 1000).toFixed(2)} s = ${cpu.toFixed(2)}× (pairs: ${rounds('cpu')})`,
      '≤ 1.1×',
      cpu <= 1.1,
    )
    report('astro: warm, API calls', `${warmCalls}`, '0', warmCalls === 0)
  } finally {
    await api.stop()
    await rm(work, { recursive: true, force: true })
  }
}
