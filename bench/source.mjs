// CLI source mode: `alttext fix --source` over 1,000 Markdown files with a warm cache (0 API
// calls; every file gets its alt text written) against `alttext check --source` over the same
// files. Target: fix within 1.5× of check. Medians of five rounds, each on a fresh copy.
// ALTTEXT_BENCH_CLI: another build of the CLI to measure (e.g. a bundle), default the dist.
import { execFile } from 'node:child_process'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { startFakeApi, tinyPng } from '@alttextapi/testkit'
import { cpuProbe } from './child-cpu.mjs'
import { now, report } from './lib.mjs'

const run_ = promisify(execFile)
const cli =
  process.env.ALTTEXT_BENCH_CLI ??
  join(dirname(fileURLToPath(import.meta.url)), '..', 'plugins', 'cli', 'dist', 'cli.js')

/** 1,000 Markdown posts, 3 images each (`![](…)`, no alt) over 200 distinct PNGs in `static/`. */
async function writeContent(dir, { files = 1000, imagesPerFile = 3, distinct = 200 } = {}) {
  await mkdir(join(dir, 'static', 'img'), { recursive: true })
  await mkdir(join(dir, 'content', 'posts'), { recursive: true })
  for (let i = 0; i < distinct; i++)
    await writeFile(join(dir, 'static', 'img', `photo-${i}.png`), tinyPng(20_000 + i))
  let next = 0
  for (let f = 0; f < files; f++) {
    const images = Array.from(
      { length: imagesPerFile },
      (_, k) =>
        `Paragraph ${k} of post ${f}, with *some* text around the picture.\n\n![](/img/photo-${next++ % distinct}.png "Figure ${k}")`,
    )
    const text = `---\ntitle: Post ${f}\nlang: en\n---\n\n# Post ${f}\n\n${images.join('\n\n')}\n\n\`\`\`md\n![](not-an-image.png)\n\`\`\`\n`
    await writeFile(join(dir, 'content', 'posts', `post-${f}.md`), text)
  }
}

/** The ratio of the medians, and each round's. */
const ratioLine = (a, b) =>
  `${(median(a) / median(b)).toFixed(2)}× (rounds: ${a.map((x, i) => (x / b[i]).toFixed(2)).join(', ')})`

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]

export async function run() {
  const work = await mkdtemp(join(tmpdir(), 'alttext-bench-source-'))
  const api = await startFakeApi({ balance: 100_000 })
  try {
    const env = { ...process.env, ALTTEXT_API_KEY: api.key, ALTTEXT_API_URL: api.url }
    const alttext = async (cwd, args) => {
      const cpu = cpuProbe()
      const start = now()
      const result = await run_(process.execPath, [...cpu.args, cli, ...args], {
        env: { ...env, ...cpu.env },
        cwd,
        maxBuffer: 64 * 1024 * 1024,
      }).catch((error) => error)
      const ms = now() - start
      return { ms, cpu: cpu.read(), code: result.code ?? 0, out: String(result.stdout ?? '') }
    }
    const args = ['--source', 'content', '--public', 'static', '--cache', join(work, 'cache')]
    // Warm the cache (alt-text.json in the project folder, and the second level) on one copy…
    const project = join(work, 'project')
    await writeContent(project)
    await alttext(project, ['fix', ...args])
    const calls = api.stats.calls
    const checks = []
    const fixes = []
    const checkCpu = []
    const fixCpu = []
    let last
    for (let round = 0; round < 5; round++) {
      // …then a fresh copy of the sources each round (fix rewrites them), the cache kept.
      await rm(join(project, 'content'), { recursive: true, force: true })
      await writeContent(project)
      const check = await alttext(project, ['check', '--source', 'content'])
      const fix = await alttext(project, ['fix', ...args])
      checks.push(check.ms)
      fixes.push(fix.ms)
      checkCpu.push(check.cpu)
      fixCpu.push(fix.cpu)
      last = { check, fix }
    }
    const after = await alttext(project, ['check', '--source', 'content'])
    const ratio = median(fixes) / median(checks)
    report(
      'source: check --source 1,000 .md (3,000 images)',
      `${(median(checks) / 1000).toFixed(2)} s (exit ${last.check.code})`,
    )
    report(
      'source: fix --source, warm cache',
      `${(median(fixes) / 1000).toFixed(2)} s, ${api.stats.calls - calls} API calls`,
      '0 API calls',
      api.stats.calls === calls && /1000 rewritten/.test(last.fix.out),
    )
    report(
      'source: fix --source / check --source',
      ratioLine(fixes, checks),
      '≤ 1.5×',
      ratio <= 1.5,
    )
    const cpuRatio = median(fixCpu) / median(checkCpu)
    report(
      'source: fix / check, CPU time (user + system)',
      `${ratioLine(fixCpu, checkCpu)} (${(median(fixCpu) / 1000).toFixed(2)} s / ${(median(checkCpu) / 1000).toFixed(2)} s)`,
      '≤ 1.5×',
      cpuRatio <= 1.5,
    )
    report('source: check --source after fix', `exit ${after.code}`, 'exit 0', after.code === 0)
  } finally {
    await api.stop()
    await rm(work, { recursive: true, force: true })
  }
}
