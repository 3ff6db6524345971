// CLI: time to check and to fix a folder of 1,000 HTML pages with a warm cache (testkit's fake
// AltText API warms the cache first; the timed runs make no API call).
import { execFile } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { startFakeApi } from '@alttextapi/testkit'
import { now, report } from './lib.mjs'
import { writeSite } from './site.mjs'

const run_ = promisify(execFile)
const cli = join(dirname(fileURLToPath(import.meta.url)), '..', 'plugins', 'cli', 'dist', 'cli.js')

export async function run() {
  const work = await mkdtemp(join(tmpdir(), 'alttext-bench-cli-'))
  const api = await startFakeApi({ balance: 100_000 })
  try {
    const env = { ...process.env, ALTTEXT_API_KEY: api.key, ALTTEXT_API_URL: api.url }
    const cache = join(work, 'cache')
    const alttext = async (args) => {
      const start = now()
      const result = await run_(process.execPath, [cli, ...args], {
        env,
        maxBuffer: 64 * 1024 * 1024,
      }).catch((error) => error)
      return { ms: now() - start, code: result.code ?? 0 }
    }
    // Warm the cache on one copy of the site…
    await writeSite(join(work, 'warmup'), { pages: 1000, imagesPerPage: 3, distinct: 200 })
    await alttext(['fix', join(work, 'warmup'), '--cache', cache])
    const callsAfterWarmup = api.stats.calls
    // …then time a fresh copy.
    const site = join(work, 'site')
    await writeSite(site, { pages: 1000, imagesPerPage: 3, distinct: 200 })
    const check = await alttext(['check', site])
    const fix = await alttext(['fix', site, '--cache', cache])
    const after = await alttext(['check', site])
    report(
      'cli: check 1,000 pages (3,000 images)',
      `${(check.ms / 1000).toFixed(2)} s (exit ${check.code})`,
    )
    report(
      'cli: fix 1,000 pages, warm cache',
      `${(fix.ms / 1000).toFixed(2)} s, ${api.stats.calls - callsAfterWarmup} API calls`,
      '0 API calls',
      api.stats.calls === callsAfterWarmup,
    )
    report('cli: check after fix', `exit ${after.code}`, 'exit 0', after.code === 0)
  } finally {
    await api.stop()
    await rm(work, { recursive: true, force: true })
  }
}
