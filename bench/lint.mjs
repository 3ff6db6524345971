// Lint: `alttext lint` over 1,000 pages (3,000 images with alt text) against `alttext check` on
// the same pages, the language detector included (every page has <html lang>, every alt text is
// long enough to be guessed, a tenth are in another language). Each command runs 5 times,
// alternating; the figure is the median, as CPU time (user + system, from bash's `time`: the load
// other processes put on the machine moves it less than wall time) and as wall time.
import { execFile } from 'node:child_process'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { now, percentile, report } from './lib.mjs'

const exec = promisify(execFile)
const cli = join(dirname(fileURLToPath(import.meta.url)), '..', 'plugins', 'cli', 'dist', 'cli.js')

const WHO = [
  'A courier',
  'Two cyclists',
  'A child',
  'Our mechanic',
  'A commuter',
  'Three friends',
  'A tourist',
  'The shop owner',
  'A racer',
  'An old man',
]
const DOES = [
  'riding',
  'pushing a cargo bike',
  'fixing a flat tyre',
  'locking a red bike',
  'carrying a folding bike',
]
const WHERE = [
  'up a mountain road at sunset',
  'through a rainy city street',
  'beside the harbour',
  'in a busy market square',
]
const GERMAN = [
  'Zwei Radfahrer fahren bei Sonnenuntergang eine Bergstraße hinauf',
  'Ein rotes Fahrrad lehnt an einer Backsteinmauer neben der Tür',
  'Kinder spielen Fußball im Park nach der Schule',
]

/**
 * Alt text number `n` of `distinct`: a sentence of its own (no two alike), one in ten German (a
 * language finding on an English page), one in fifty a file name, one in twenty "image of".
 */
function altText(n) {
  if (n % 10 === 3) return `${GERMAN[n % GERMAN.length]} (${n})`
  if (n % 50 === 7) return `IMG_${2000 + n}.jpg`
  const sentence = `${WHO[n % WHO.length]} ${DOES[Math.floor(n / WHO.length) % DOES.length]} ${WHERE[Math.floor(n / 50) % WHERE.length]}, photo ${n}`
  return n % 20 === 9 ? `Image of ${sentence.toLowerCase()}` : sentence
}

/**
 * 1,000 pages of 3 images each, all with alt text, drawn round-robin from `distinct` images
 * (each image has one alt text, wherever it is used: what `alttext fix` leaves behind).
 */
export async function writeLintSite(dir, distinct = 200) {
  await mkdir(dir, { recursive: true })
  let n = 0
  for (let p = 0; p < 1000; p++) {
    const images = Array.from({ length: 3 }, () => {
      const i = n++ % distinct
      return `<figure><img src="/img/photo-${i}.png" alt="${altText(i)}" width="640" height="480"><figcaption>Figure on page ${p}</figcaption></figure>`
    })
    await writeFile(
      join(dir, `page-${p}.html`),
      `<!doctype html>
<html lang="en">
  <head><meta charset="utf-8"><title>Page ${p}</title></head>
  <body>
    <main>
      <h1>Page ${p}</h1>
      <p>Some text about the subject of page ${p}, so that the images have context.</p>
      ${images.join('\n      ')}
    </main>
  </body>
</html>
`,
    )
  }
}

/** One run: wall ms, CPU ms (user + system of the child), exit code. */
async function time(args) {
  const start = now()
  const command = `TIMEFORMAT='%U %S'; time "$0" "$@" >/dev/null 2>/dev/null`
  // lint exits 1 (the pages have errors on purpose): the timing is on stderr either way.
  const { stderr } = await exec('bash', ['-c', command, process.execPath, cli, ...args], {
    maxBuffer: 64 * 1024 * 1024,
  }).catch((error) => error)
  const wall = now() - start
  const [user, sys] = stderr.trim().split('\n').pop().split(' ').map(Number)
  return { wall, cpu: (user + sys) * 1000 }
}

/** Medians of 5 alternating runs of check and lint on `site`. */
async function compare(site) {
  const check = []
  const lint = []
  // A first run of each warms the file system cache.
  await time(['check', site])
  await time(['lint', site])
  for (let i = 0; i < 5; i++) {
    check.push(await time(['check', site]))
    lint.push(await time(['lint', site]))
  }
  const median = (list, key) =>
    percentile(
      list.map((r) => r[key]),
      50,
    )
  const figures = (list) =>
    `${(median(list, 'cpu') / 1000).toFixed(2)} s CPU, ${(median(list, 'wall') / 1000).toFixed(2)} s wall`
  return {
    check: figures(check),
    lint: figures(lint),
    cpu: median(lint, 'cpu') / median(check, 'cpu'),
    wall: median(lint, 'wall') / median(check, 'wall'),
  }
}

export async function run() {
  const work = await mkdtemp(join(tmpdir(), 'alttext-bench-lint-'))
  try {
    // As the check/fix benchmark's site: 200 distinct images, each with its own alt text.
    await writeLintSite(join(work, 'site'), 200)
    const usual = await compare(join(work, 'site'))
    report('lint: check 1,000 pages (3,000 images)', usual.check)
    report('lint: lint the same pages (detector incl.)', usual.lint)
    report(
      'lint: lint / check (200 distinct alt texts)',
      `${usual.cpu.toFixed(2)}× CPU, ${usual.wall.toFixed(2)}× wall`,
      '≤ 1.5× (CPU)',
      usual.cpu <= 1.5,
    )
    // The worst case: 3,000 images, 3,000 different alt texts (no answer of the detector reused).
    await writeLintSite(join(work, 'unique'), 3000)
    const unique = await compare(join(work, 'unique'))
    report(
      'lint: lint / check (3,000 distinct alt texts)',
      `${unique.cpu.toFixed(2)}× CPU, ${unique.wall.toFixed(2)}× wall`,
    )
  } finally {
    await rm(work, { recursive: true, force: true })
  }
}
