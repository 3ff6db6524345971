// Build plugin: a generated site of 200 pages and 400 images (150 distinct) built with Vite and
// the plugin, against testkit's fake AltText API describing each image in 300 ms (the model's
// time; the API's own overhead is measured apart, in api-overhead.mjs).
// Cold: the plugin's added time against the ideal (distinct images ÷ concurrency × latency).
// Warm: the whole build against the same build without the plugin; zero API calls.
// Fresh clone (issue 20): a copy of the site with only its committed alt-text.json (no
// node_modules cache), as a CI runner checks it out: zero API calls, zero credits; then a
// paragraph next to images edited on 20 pages: zero again (nearby text is not in the key).
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { startFakeApi } from '@alttextapi/testkit'
import altText from '@alttextapi/vite-plugin'
import { build } from 'vite'
import { now, percentile, report } from './lib.mjs'
import { writeSite } from './site.mjs'

const PAGES = 200
const IMAGES = 400
const DISTINCT = 150
const LATENCY_MS = 300
const CONCURRENCY = 4

export async function run() {
  const root = await mkdtemp(join(tmpdir(), 'alttext-bench-site-'))
  const api = await startFakeApi({ latencyMs: LATENCY_MS, balance: 100_000 })
  try {
    const pages = await writeSite(root, {
      pages: PAGES,
      imagesPerPage: IMAGES / PAGES,
      distinct: DISTINCT,
    })
    const cacheDir = join(root, 'cache')
    // CPU time of each build too (all threads of this process): on a busy shared machine the wall
    // time mostly measures the wait for a core, the CPU time what the build itself costs.
    let lastCpu = 0
    const viteBuild = async (withPlugin, siteRoot = root) => {
      const cpu = process.cpuUsage()
      const start = now()
      await build({
        root: siteRoot,
        logLevel: 'silent',
        configFile: false,
        publicDir: false,
        build: {
          outDir: join(siteRoot, 'dist'),
          emptyOutDir: true,
          rolldownOptions: { input: pages.map((page) => join(siteRoot, relative(root, page))) },
        },
        plugins: withPlugin
          ? [
              altText({
                apiKey: api.key,
                baseUrl: api.url,
                // The clone has no cache folder of its own: only what it checked out.
                cacheDir: siteRoot === root ? cacheDir : undefined,
                concurrency: CONCURRENCY,
                summary: false,
              }),
            ]
          : [],
      })
      const used = process.cpuUsage(cpu)
      lastCpu = (used.user + used.system) / 1000
      return now() - start
    }
    await viteBuild(false) // warm Vite itself up
    const plainFirst = await viteBuild(false)
    const imagesBefore = api.stats.images
    const callsBefore = api.stats.calls
    const cold = await viteBuild(true)
    const coldImages = api.stats.images - imagesBefore
    const coldCalls = api.stats.calls - callsBefore
    // Sub-second builds are noisy: compare medians of interleaved runs.
    const plains = [plainFirst]
    const warms = []
    const plainCpu = []
    const warmCpu = []
    for (let i = 0; i < 5; i++) {
      warms.push(await viteBuild(true))
      warmCpu.push(lastCpu)
      plains.push(await viteBuild(false))
      plainCpu.push(lastCpu)
    }
    const warmCalls = api.stats.calls - callsBefore - coldCalls
    const plain = percentile(plains, 50)
    const warm = percentile(warms, 50)

    // A CI runner: a fresh checkout of the site and its committed alt-text.json, nothing else.
    const clone = await mkdtemp(join(tmpdir(), 'alttext-bench-clone-'))
    let cloneCalls
    let cloneCredits
    let editCalls
    let editCredits
    try {
      await cp(join(root, 'img'), join(clone, 'img'), { recursive: true })
      for (const page of pages) await cp(page, join(clone, relative(root, page)))
      await cp(join(root, 'alt-text.json'), join(clone, 'alt-text.json'))
      let calls = api.stats.calls
      let credits = api.stats.creditsUsed
      await viteBuild(true, clone)
      cloneCalls = api.stats.calls - calls
      cloneCredits = api.stats.creditsUsed - credits
      // An author rewrites the paragraph next to the images of 20 pages.
      for (const page of pages.slice(0, 20)) {
        const file = join(clone, relative(root, page))
        const html = await readFile(file, 'utf8')
        await writeFile(file, html.replace(/<p>Some text about/, '<p>A rewritten paragraph about'))
      }
      calls = api.stats.calls
      credits = api.stats.creditsUsed
      await viteBuild(true, clone)
      editCalls = api.stats.calls - calls
      editCredits = api.stats.creditsUsed - credits
    } finally {
      await rm(clone, { recursive: true, force: true })
    }

    const ideal = (DISTINCT / CONCURRENCY) * LATENCY_MS
    const added = cold - plain
    report('build: plain Vite build, 200 pages', `${(plain / 1000).toFixed(2)} s`)
    report(
      'build: cold, images sent to the API',
      `${coldImages} for ${IMAGES} images (${coldCalls} calls)`,
      `${DISTINCT} (one per distinct image)`,
      coldImages === DISTINCT,
    )
    report(
      'build: cold, plugin time / ideal',
      `${(added / 1000).toFixed(2)} s / ${(ideal / 1000).toFixed(2)} s = ${(added / ideal).toFixed(2)}×`,
      '≤ 1.2×',
      added / ideal <= 1.2,
    )
    report(
      'build: warm / plain build',
      `${(warm / 1000).toFixed(2)} s / ${(plain / 1000).toFixed(2)} s = ${(warm / plain).toFixed(2)}×`,
      '≤ 1.1×',
      warm / plain <= 1.1,
    )
    const cpuRatio = percentile(warmCpu, 50) / percentile(plainCpu, 50)
    report(
      'build: warm / plain build, CPU time',
      `${percentile(warmCpu, 50).toFixed(0)} ms / ${percentile(plainCpu, 50).toFixed(0)} ms = ${cpuRatio.toFixed(2)}×`,
      '≤ 1.1×',
      cpuRatio <= 1.1,
    )
    report('build: warm, API calls', `${warmCalls}`, '0', warmCalls === 0)
    report(
      'build: fresh clone with alt-text.json, API calls / credits',
      `${cloneCalls} / ${cloneCredits}`,
      '0 / 0',
      cloneCalls === 0 && cloneCredits === 0,
    )
    report(
      'build: paragraph next to images edited on 20 pages, API calls / credits',
      `${editCalls} / ${editCredits}`,
      '0 / 0',
      editCalls === 0 && editCredits === 0,
    )
  } finally {
    await api.stop()
    await rm(root, { recursive: true, force: true })
  }
}
