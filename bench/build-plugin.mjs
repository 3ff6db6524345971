// Build plugin: a generated site of 200 pages and 400 images (150 distinct) built with Vite and
// the plugin, against testkit's fake AltText API describing each image in 300 ms (the model's
// time; the API's own overhead is measured apart, in api-overhead.mjs).
// Cold: the plugin's added time against the ideal (distinct images ÷ concurrency × latency).
// Warm: the whole build against the same build without the plugin; zero API calls.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
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
    const viteBuild = async (withPlugin) => {
      const start = now()
      await build({
        root,
        logLevel: 'silent',
        configFile: false,
        publicDir: false,
        build: { outDir: join(root, 'dist'), emptyOutDir: true, rolldownOptions: { input: pages } },
        plugins: withPlugin
          ? [
              altText({
                apiKey: api.key,
                baseUrl: api.url,
                cacheDir,
                concurrency: CONCURRENCY,
                summary: false,
              }),
            ]
          : [],
      })
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
    for (let i = 0; i < 5; i++) {
      warms.push(await viteBuild(true))
      plains.push(await viteBuild(false))
    }
    const warmCalls = api.stats.calls - callsBefore - coldCalls
    const plain = percentile(plains, 50)
    const warm = percentile(warms, 50)

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
    report('build: warm, API calls', `${warmCalls}`, '0', warmCalls === 0)
  } finally {
    await api.stop()
    await rm(root, { recursive: true, force: true })
  }
}
