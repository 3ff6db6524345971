/** The CLI as users first meet it: `npx` from its tarball over a folder of built HTML. */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { homedir, tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { startFakeApi } from '@alttextapi/testkit'
import { afterAll, beforeAll, expect, inject, it } from 'vitest'
import { run } from '../src/exec.js'
import { writeFiles } from '../src/project.js'
import { builtSite, EXPECTED, imagesWithoutAlt, MISSING } from '../src/site.js'
import { withOurDependencies } from '../src/workspace.js'

let fake: Awaited<ReturnType<typeof startFakeApi>>
let dir: string
const tarballs = inject('tarballs')
// Ours are not on a registry during the test: npx gets the CLI's tarball and those of its
// dependencies among our packages; everything else comes from the registry.
const packages = withOurDependencies(['@alttextapi/cli']).map(
  (name) => `--package=${tarballs[name]}`,
)
const alttextIn = (cwd: string, key: string, ...args: string[]) =>
  run('npx', ['--yes', ...packages, 'alttext', ...args], {
    cwd,
    env: { ALTTEXT_API_KEY: key, ALTTEXT_API_URL: fake.url },
  })
const alttext = (key: string, ...args: string[]) => alttextIn(dir, key, ...args)

beforeAll(async () => {
  fake = await startFakeApi()
  dir = await mkdtemp(join(tmpdir(), 'alttext-host-npx-'))
  await writeFiles(dir, builtSite('site'))
})
afterAll(async () => {
  await fake?.stop()
  if (dir) await rm(dir, { recursive: true, force: true })
  // npx keeps what it installed under the npm cache, keyed by the tarball paths (a new temp folder
  // on every run): remove this run's copies so the cache does not grow by one install per run.
  const npx = join(process.env.npm_config_cache ?? join(homedir(), '.npm'), '_npx')
  for (const entry of await readdir(npx).catch(() => [] as string[])) {
    const manifest = await readFile(join(npx, entry, 'package.json'), 'utf8').catch(() => '')
    if (manifest.includes(dirname(tarballs['@alttextapi/cli'])))
      await rm(join(npx, entry), { recursive: true, force: true })
  }
})

it('a wrong key stops the run with one clear message and a non-zero exit; no page changes', async () => {
  const before = await readFile(join(dir, 'site/index.html'), 'utf8')
  const result = await alttext('atk_wrong0123456789abcdefghijklmnopqrstuvw', 'fix', 'site')
  expect(result.code, result.stdout + result.stderr).not.toBe(0)
  expect(result.code).not.toBeNull()
  expect(result.stderr).toMatch(/API key/i)
  // One message, not one per image.
  expect(
    result.stderr.split('\n').filter((line) => /API key/i.test(line)),
    result.stderr,
  ).toHaveLength(1)
  expect(await readFile(join(dir, 'site/index.html'), 'utf8')).toBe(before)
  expect(fake.stats.charged).toBe(0)
})

it('fix fills the missing alt text in every page and prints the summary', async () => {
  const result = await alttext(fake.key, 'fix', 'site')
  expect(result.code, result.stdout + result.stderr).toBe(0)
  const home = await readFile(join(dir, 'site/index.html'), 'utf8')
  const about = await readFile(join(dir, 'site/about/index.html'), 'utf8')
  for (const alt of EXPECTED.home) expect(home).toContain(alt)
  for (const alt of EXPECTED.about) expect(about).toContain(alt)
  expect(imagesWithoutAlt(home) + imagesWithoutAlt(about)).toBe(0)
  expect(home).toContain('<img src="/img/spacer.png" alt="">')
  expect(result.stdout).toContain(`${MISSING} described`)
  expect(result.stdout).toContain(`${MISSING} credits used`)
  expect(fake.stats.charged).toBe(MISSING)
})

it('a fresh checkout with the committed alt-text.json fills the same pages with no API call', async () => {
  // What a CI runner has: the built site as the generator writes it (no alt) and alt-text.json.
  const committed = await readFile(join(dir, 'alt-text.json'), 'utf8')
  const fresh = await mkdtemp(join(tmpdir(), 'alttext-host-npx-fresh-'))
  try {
    await writeFiles(fresh, { ...builtSite('site'), 'alt-text.json': committed })
    const calls = fake.stats.calls
    const result = await alttextIn(fresh, fake.key, 'fix', 'site')
    expect(result.code, result.stdout + result.stderr).toBe(0)
    expect(fake.stats.calls - calls).toBe(0)
    expect(result.stdout).toContain('0 described')
    expect(result.stdout).toContain('0 credits used')
    const home = await readFile(join(fresh, 'site/index.html'), 'utf8')
    for (const alt of EXPECTED.home) expect(home).toContain(alt)
    expect(imagesWithoutAlt(home)).toBe(0)
  } finally {
    await rm(fresh, { recursive: true, force: true })
  }
})

it("the Sanity backfill's own bin starts from its tarball (alttext-sanity)", async () => {
  const sanity = withOurDependencies(['@alttextapi/sanity-plugin']).map(
    (name) => `--package=${tarballs[name]}`,
  )
  const result = await run('npx', ['--yes', ...sanity, 'alttext-sanity', '--help'], { cwd: dir })
  expect(result.code, result.stdout + result.stderr).toBe(0)
  expect(result.stdout).toMatch(/^Usage: alttext-sanity /m)
  expect(result.stdout).toContain('backfill')
})
