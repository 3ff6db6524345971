// Big pages: peak memory of `alttext check` and `alttext fix` on one 20 MiB page (under a 512 MB
// heap), and `alttext check` over a docs-like folder without images (an 8.4 MB page like the Node
// docs' all.html, and 60 smaller pages) against the time to read the same files.
import { execFile } from 'node:child_process'
import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { startFakeApi, tinyPng } from '@alttextapi/testkit'
import { now, report } from './lib.mjs'

const exec = promisify(execFile)
const here = dirname(fileURLToPath(import.meta.url))
// ALTTEXT_BENCH_CLI: another build of the CLI to measure (e.g. a bundle), default the dist.
const cli = process.env.ALTTEXT_BENCH_CLI ?? join(here, '..', 'plugins', 'cli', 'dist', 'cli.js')
const MiB = 1024 * 1024

/** Documentation-like HTML: sections of headings, paragraphs, code and lists, ~`bytes` long. */
export function docsPage(bytes, { images = 0, title = 'Docs' } = {}) {
  const parts = [
    `<!doctype html>\n<html lang="en">\n<head><meta charset="utf-8"><title>${title}</title></head>\n<body>\n<main>\n`,
  ]
  let size = parts[0].length
  let section = 0
  const every = images > 0 ? Math.max(1, Math.floor(bytes / 2500 / images)) : 0
  let placed = 0
  while (size < bytes) {
    const image =
      every && section % every === 0 && placed < images
        ? `<figure><img src="/img/${placed++ % 8}.png" width="640"><figcaption>Figure ${section}</figcaption></figure>\n`
        : ''
    const chunk = `<section id="s${section}">
<h2>Section ${section} <a class="mark" href="#s${section}">#</a></h2>
<p>The <code>fs.readFile(path[, options], callback)</code> method reads the <em>entire</em> contents of a file; this is paragraph ${section}, with <a href="other.html#x${section}">a link</a> and <span class="type">&lt;string&gt;</span> types.</p>
${image}<ul><li><code>path</code> <span class="type">&lt;string&gt; | &lt;Buffer&gt; | &lt;URL&gt;</span></li><li><code>options</code> <span class="type">&lt;Object&gt;</span></li><li><code>callback</code> <span class="type">&lt;Function&gt;</span></li></ul>
<pre><code class="language-js"><span class="hljs-keyword">const</span> { readFile } = <span class="hljs-built_in">require</span>(<span class="hljs-string">'node:fs'</span>);
readFile(<span class="hljs-string">'/etc/passwd'</span>, <span class="hljs-function">(<span class="hljs-params">err, data</span>) =&gt;</span> { <span class="hljs-keyword">if</span> (err) <span class="hljs-keyword">throw</span> err; });</code></pre>
</section>
`
    parts.push(chunk)
    size += chunk.length
    section++
  }
  parts.push('</main>\n</body>\n</html>\n')
  return parts.join('')
}

/** Runs the CLI under `/usr/bin/time`: exit code, wall ms and peak RSS (bytes). */
async function measured(args, { env, heapMb } = {}) {
  const start = now()
  const result = await exec(
    '/usr/bin/time',
    [
      '-f',
      'maxrss=%M',
      process.execPath,
      ...(heapMb ? [`--max-old-space-size=${heapMb}`] : []),
      cli,
      ...args,
    ],
    { env: { ...process.env, ...env }, maxBuffer: 64 * MiB },
  ).catch((error) => error)
  const ms = now() - start
  const rss = Number(/maxrss=(\d+)/.exec(result.stderr ?? '')?.[1] ?? Number.NaN) * 1024
  if (process.env.BENCH_VERBOSE)
    console.log(args.join(' '), result.code, result.stderr?.slice(-600))
  return { code: result.code ?? 0, ms, rss, stderr: result.stderr ?? '' }
}

/** Wall ms of a Node process that reads (and decodes) every file of `files`, as `check` must. */
async function readTime(files) {
  const script = `const fs=require('node:fs');let n=0;for(const f of ${JSON.stringify(files)})n+=fs.readFileSync(f).toString('utf8').length;console.log(n)`
  const start = now()
  await exec(process.execPath, ['-e', script])
  return now() - start
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]
const mb = (bytes) => `${(bytes / MiB).toFixed(0)} MiB`

export async function run() {
  const work = await mkdtemp(join(tmpdir(), 'alttext-bench-memory-'))
  const api = await startFakeApi({ balance: 100_000 })
  try {
    // One 20 MiB page with 40 images (8 distinct files).
    const big = join(work, 'big')
    await mkdir(join(big, 'img'), { recursive: true })
    for (let n = 0; n < 8; n++) await writeFile(join(big, 'img', `${n}.png`), tinyPng(500 + n))
    await writeFile(join(big, 'index.html'), docsPage(20 * MiB, { images: 40 }))
    const size = (await stat(join(big, 'index.html'))).size
    const empty = join(work, 'empty')
    await mkdir(empty)
    // One image, so `fix` loads what it loads for the big page (sharp, the client).
    await mkdir(join(empty, 'img'))
    await writeFile(join(empty, 'img', '0.png'), tinyPng(500))
    await writeFile(
      join(empty, 'index.html'),
      '<!doctype html><title>x</title><p>x <img src="/img/0.png"></p>',
    )
    const env = { ALTTEXT_API_KEY: api.key, ALTTEXT_API_URL: api.url }
    // Each command's baseline is the same command on a tiny page (Node, the modules, sharp for
    // fix): the figure is what the page adds, which is what grows with page size.
    const baseCheck = await measured(['check', empty], { heapMb: 512 })
    const baseFix = await measured(['fix', empty, '--no-cache'], { env, heapMb: 512 })
    const check = await measured(['check', big], { heapMb: 512 })
    const fix = await measured(['fix', big, '--no-cache'], { env, heapMb: 512 })
    const fixed = await measured(['check', big], { heapMb: 512 })
    const limit = 4 * size
    const figure = (name, m, base, code) => {
      const added = m.rss - base.rss
      report(
        `memory: ${name}, ${mb(size)} page, 512 MB heap`,
        `+${mb(added)} (${mb(m.rss)} peak, idle ${mb(base.rss)}), ${(m.ms / 1000).toFixed(1)} s`,
        `+≤ ${mb(limit)} (4×), exit ${code}`,
        added <= limit && m.code === code,
      )
    }
    figure('check', check, baseCheck, 1)
    figure('fix', fix, baseFix, 0)
    report('memory: check after fix', `exit ${fixed.code}`, 'exit 0', fixed.code === 0)

    // A docs-like folder without images: one 8.4 MB page and 60 pages of 100 KB.
    const docs = join(work, 'docs')
    await mkdir(docs)
    const files = [join(docs, 'all.html')]
    await writeFile(files[0], docsPage(8.4 * 1000 * 1000, { title: 'All' }))
    const page = docsPage(100_000)
    for (let i = 0; i < 60; i++) {
      const file = join(docs, `api-${i}.html`)
      await writeFile(file, page)
      files.push(file)
    }
    const checks = []
    const reads = []
    let code = 0
    for (let i = 0; i < 5; i++) {
      reads.push(await readTime(files))
      const check = await measured(['check', docs])
      checks.push(check.ms)
      code ||= check.code
    }
    const ratio = median(checks) / median(reads)
    report(
      'speed: check docs-like 14.4 MB, no <img>',
      `${median(checks).toFixed(0)} ms vs read ${median(reads).toFixed(0)} ms (${ratio.toFixed(2)}×), exit ${code}`,
      '≤ 2× reading the files, exit 0',
      ratio <= 2 && code === 0,
    )
  } finally {
    await api.stop()
    await rm(work, { recursive: true, force: true })
  }
}
