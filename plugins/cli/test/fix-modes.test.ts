/**
 * `fix <dir>` (built HTML) and `fix --source <dir>` (Markdown) run one loop (src/fix-files.ts):
 * the same input gives the same warnings, cost checks, counts and exit codes in both modes. The
 * copied loop of `--source` had lost the warning about a broken alt-text.json and never had the
 * cost checks; each case below fails for a mode that skips the call.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { LIMITS } from '@alttextapi/core'
import { type FakeApi, startFakeApi, tinyPng } from '@alttextapi/testkit'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { main } from '../src/index.js'

let api: FakeApi
let dir: string

const modes = [
  {
    name: 'fix <dir>',
    args: ['fix', 'site'],
    page: (n: number) =>
      `<!doctype html><html lang="en"><title>P${n}</title><p>Text ${n}.</p><img src="/img/${n}.png"></html>`,
    ext: 'html',
  },
  {
    name: 'fix --source <dir>',
    args: ['fix', '--source', 'site'],
    page: (n: number) => `# Page ${n}\n\nText ${n}.\n\n![](/img/${n}.png)\n`,
    ext: 'md',
  },
] as const

function io() {
  const out: string[] = []
  const err: string[] = []
  return {
    out,
    err,
    io: {
      stdout: { write: (t: string) => out.push(t) },
      stderr: { write: (t: string) => err.push(t), isTTY: false, columns: 120 },
      env: { ALTTEXT_API_KEY: api.key, ALTTEXT_API_URL: api.url } as Record<
        string,
        string | undefined
      >,
      cwd: dir,
    },
  }
}

beforeAll(async () => {
  api = await startFakeApi()
})
afterAll(() => api.close())
beforeEach(async () => {
  api.reset()
  dir = await mkdtemp(join(tmpdir(), 'alttext-modes-'))
})
afterEach(() => rm(dir, { recursive: true, force: true }))

async function site(mode: (typeof modes)[number]) {
  await mkdir(join(dir, 'site', 'img'), { recursive: true })
  for (const n of [1, 2, 3]) {
    await writeFile(join(dir, 'site', 'img', `${n}.png`), tinyPng(n))
    await writeFile(join(dir, 'site', `p${n}.${mode.ext}`), mode.page(n))
  }
}

describe.each(modes)('$name', (mode) => {
  it('names a corrupt alt-text.json before anything is spent, and leaves it as it is', async () => {
    await site(mode)
    const corrupt = '{ "version": 1, "images": {\n  oops\n}\n'
    await writeFile(join(dir, 'alt-text.json'), corrupt)
    const t = io()
    expect(await main([...mode.args, '--dry-run'], t.io)).toBe(0)
    expect(t.err.join('')).toMatch(
      /alt-text\.json:2:3: not valid JSON .* this file is ignored and left as it is/,
    )
    expect(await readFile(join(dir, 'alt-text.json'), 'utf8')).toBe(corrupt)
  })

  it('a dry run prints the estimate and exits 1 over --max-credits, sending nothing', async () => {
    await site(mode)
    const t = io()
    expect(await main([...mode.args, '--dry-run', '--max-credits', '2'], t.io)).toBe(1)
    expect(t.out.join('')).toContain('alttext (dry run): estimate:')
    expect(t.err.join('')).toContain('this run needs up to 3 credits, over --max-credits 2')
    expect(api.images).toHaveLength(0)
  })

  it('a run its budget stopped exits 1 with one message', async () => {
    await site(mode)
    const t = io()
    // (Over --max-credits a real run stops before sending anything: see cost.test.ts.)
    const args = [...mode.args, '--max-images', '2', '--concurrency', '1']
    expect(await main(args, t.io)).toBe(1)
    expect(api.images).toHaveLength(2)
    expect(t.err.join('').match(/budget of 2 images reached: 1 image not described/g)).toHaveLength(
      1,
    )
  })

  it('a real run prints the estimate first, and over --max-credits sends nothing', async () => {
    await site(mode)
    const t = io()
    expect(await main([...mode.args, '--max-credits', '2'], t.io)).toBe(1)
    expect(api.images).toHaveLength(0)
    expect(t.err.join('')).toMatch(
      /^alttext: estimate: 3 images to describe \(up to 3 credits\), 0 cached; balance \d+ credits; budget 2 credits: over budget\nalttext fix: this run needs up to 3 credits, over --max-credits 2: nothing was sent\./,
    )
  })

  it('counts every file in one summary line; --fail-on-error fails on a skipped file', async () => {
    await site(mode)
    await writeFile(join(dir, 'site', `binary.${mode.ext}`), Buffer.from([0xff, 0xfe, 0, 0x80]))
    const t = io()
    expect(await main([...mode.args, '--fail-on-error'], t.io)).toBe(1)
    expect(t.out.join('')).toMatch(/^alttext: 4 files, 3 rewritten, 1 skipped/)
    expect(t.err.join('')).toContain(`site/p1.${mode.ext}: 1 alt added, 0 failed\n`)
  })

  it("--max-length outside the contract's range is a usage error; nothing is sent", async () => {
    await site(mode)
    for (const bad of ['0', String(LIMITS.minMaxLength - 1), String(LIMITS.maxMaxLength + 1)]) {
      const t = io()
      expect(await main([...mode.args, '--max-length', bad], t.io)).toBe(2)
      expect(t.err.join('')).toContain(
        `alttext fix: --max-length must be a whole number from ${LIMITS.minMaxLength} to ${LIMITS.maxMaxLength}\n\nUsage: alttext fix`,
      )
    }
    expect(api.stats.calls).toBe(0)
    expect(await main([...mode.args, '--max-length', String(LIMITS.minMaxLength)], io().io)).toBe(0)
  })

  it('an unknown --model is one error naming the models, before any image is sent', async () => {
    await site(mode)
    for (const extra of [[], ['--dry-run']]) {
      const t = io()
      expect(await main([...mode.args, ...extra, '--model', 'nope/nope'], t.io)).toBe(2)
      const err = t.err.join('')
      expect(err.match(/unknown model/g)).toHaveLength(1)
      expect(err).toContain(
        'alttext fix: unknown model nope/nope; available: google/gemini-2.5-flash-lite, qwen/qwen2.5-vl-72b-instruct\n',
      )
      expect(err).not.toContain('invalid_request')
    }
    expect(api.images).toHaveLength(0)
    expect(await readFile(join(dir, 'site', `p1.${mode.ext}`), 'utf8')).toBe(mode.page(1))
    // A known model goes through.
    const ok = io()
    expect(await main([...mode.args, '--model', 'qwen/qwen2.5-vl-72b-instruct'], ok.io)).toBe(0)
    expect(api.images).toHaveLength(3)
  })

  it('an alt-text.json it cannot write is one warning and exit 1; the pages keep their text', async () => {
    await site(mode)
    const t = io()
    expect(await main([...mode.args, '--cache-file', join('nowhere', 'a.json')], t.io)).toBe(1)
    const err = t.err.join('')
    expect(err.match(/could not write/g)).toHaveLength(1)
    expect(err).toContain(
      'nowhere/a.json: could not write: ENOENT — the descriptions paid for in this run are not kept\n',
    )
    expect(t.out.join('')).toContain('3 described')
    expect(await readFile(join(dir, 'site', `p1.${mode.ext}`), 'utf8')).toContain('Image 1')
  })

  it('an alt-text.json it cannot read (a folder) stops the run before anything is sent', async () => {
    await site(mode)
    const t = io()
    expect(await main([...mode.args, '--cache-file', 'site'], t.io)).toBe(1)
    expect(t.err.join('')).toBe('site: could not read: EISDIR — nothing was sent\n')
    expect(api.stats.calls).toBe(0)
    expect(await readFile(join(dir, 'site', `p1.${mode.ext}`), 'utf8')).toBe(mode.page(1))
  })
})
