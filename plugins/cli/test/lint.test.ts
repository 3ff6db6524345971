/**
 * `alttext lint`: findings with place, severity and rule; the config file and its errors; JSON
 * and SARIF (validated against the SARIF 2.1.0 schema); the language rule's quiet cases; the
 * Markdown corpus and the example sites; `--fix` against testkit's fake API with provenance.
 */
import { createHash } from 'node:crypto'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { type FakeApi, startFakeApi, tinyPng } from '@alttextapi/testkit'
import Ajv from 'ajv-draft-04'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { main } from '../src/index.js'

const repo = resolve(import.meta.dirname, '..', '..', '..')
let dir: string
function io(env: Record<string, string | undefined> = {}, cwd = dir) {
  const out: string[] = []
  const err: string[] = []
  return {
    out: () => out.join(''),
    err: () => err.join(''),
    lines: () => out.join('').split('\n').filter(Boolean),
    io: {
      stdout: { write: (t: string) => out.push(t) },
      stderr: { write: (t: string) => err.push(t), isTTY: false },
      env,
      cwd,
    },
  }
}
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'alttext-lint-'))
  await mkdir(join(dir, 'site'))
})
afterEach(() => rm(dir, { recursive: true, force: true }))

const bad = [
  '<!doctype html><html lang="en"><head><title>Bikes</title></head><body>',
  '<img src="/a/IMG_2041.jpg" alt="IMG_2041.jpg">',
  '<img src="/b.png" alt="image">',
  '<img src="/c.png" alt="Image of a red bicycle against a wall">',
  '<figure><img src="/d.png" alt="The harbour at dawn"><figcaption>The harbour at  dawn</figcaption></figure>',
  '<img src="/e.png" alt="A red bicycle">',
  '<img src="/f.png" alt="a red  bicycle">',
  '<p><img src="/k.png" alt="Zwei Radfahrer fahren bei Sonnenuntergang eine Bergstraße hinauf"></p>',
  // Fine: real descriptions, decorative, missing (check's job), the same image twice.
  '<img src="/g.png" alt="Two cyclists on a mountain road"><img src="/g.png" alt="Two cyclists on a mountain road">',
  '<img src="/h.png" alt=""><img src="/i.png">',
  '</body></html>',
].join('\n')

describe('alttext lint', () => {
  it('lists each finding as file:line:col severity rule: message; exit 1 on an error', async () => {
    await writeFile(join(dir, 'site', 'index.html'), bad)
    const t = io()
    expect(await main(['lint', 'site'], t.io)).toBe(1)
    expect(t.lines()).toEqual([
      'site/index.html:2:1 error file-name: alt text is a file name or URL: say what the image shows or does',
      'site/index.html:3:1 error placeholder: alt text "image" is a placeholder: describe the image, or use alt="" if it is decorative',
      'site/index.html:4:1 warn redundant-prefix: alt text starts with "image of": screen readers already say it is an image',
      'site/index.html:5:9 warn repeats-caption: alt text repeats the caption word for word: say what the caption does not',
      'site/index.html:7:1 warn duplicate: the same alt text is on another image of this page: say how they differ',
      'site/index.html:8:4 warn language: alt text looks like "de" (confidence 1.00), the page is "en": write it in the page\'s language, or mark its language with lang',
    ])
    expect(t.err()).toBe('alttext: 2 errors, 4 warnings in 1 file\n')
  })

  it('warnings alone exit 0; --max-length sets too-long; good alt text passes', async () => {
    await writeFile(join(dir, 'site', 'a.html'), '<img src="/a.png" alt="A lighthouse on a cliff">')
    const ok = io()
    expect(await main(['lint', 'site'], ok.io)).toBe(0)
    expect(ok.err()).toBe('alttext: no alt text problems (1 file)\n')
    const short = io()
    expect(await main(['lint', 'site', '--max-length', '10'], short.io)).toBe(0)
    expect(short.out()).toContain('warn too-long: alt text is 23 characters (over 10)')
    expect(short.err()).toBe('alttext: 0 errors, 1 warning in 1 file\n')
  })

  it('alttext.config.json sets severities; --config names another file', async () => {
    await writeFile(join(dir, 'site', 'index.html'), bad)
    await writeFile(
      join(dir, 'alttext.config.json'),
      JSON.stringify({
        lint: { rules: { 'file-name': 'off', placeholder: 'warn', duplicate: 'error' } },
      }),
    )
    const t = io()
    expect(await main(['lint', 'site'], t.io)).toBe(1)
    // The place, severity and rule of each line.
    expect(t.lines().map((l) => l.split(':').slice(1, 3).join(':'))).toEqual([
      '3:1 warn placeholder',
      '4:1 warn redundant-prefix',
      '5:9 warn repeats-caption',
      '7:1 error duplicate',
      '8:4 warn language',
    ])
    await writeFile(
      join(dir, 'quiet.json'),
      JSON.stringify({ lint: { rules: { 'file-name': 'off', placeholder: 'off' } } }),
    )
    const quiet = io()
    expect(await main(['lint', 'site', '--config', 'quiet.json'], quiet.io)).toBe(0)
  })

  it('a malformed configuration is one clear error naming the key (exit 2)', async () => {
    await writeFile(join(dir, 'site', 'index.html'), bad)
    const cases: [string, string][] = [
      [
        '{"lint": {"rules": {"placeholdr": "warn"}}}',
        'alttext lint: alttext.config.json: lint.rules.placeholdr: unknown rule (known: file-name, placeholder, redundant-prefix, repeats-caption, repeats-text, too-long, duplicate, language)\n',
      ],
      [
        '{"lint": {"rules": {"language": "error"}}}',
        'alttext lint: alttext.config.json: lint.rules.language: may be "off" or "warn" only: a language guess never fails a build\n',
      ],
      [
        '{"lint": {"maxLength": "long"}}',
        'alttext lint: alttext.config.json: lint.maxLength: must be a number\n',
      ],
      ['{"lint": ', 'alttext lint: alttext.config.json: not valid JSON: '],
    ]
    for (const [config, message] of cases) {
      await writeFile(join(dir, 'alttext.config.json'), config)
      const t = io()
      expect(await main(['lint', 'site'], t.io)).toBe(2)
      expect(t.err().startsWith(message), t.err()).toBe(true)
      expect(t.out()).toBe('')
    }
    const missing = io()
    expect(await main(['lint', 'site', '--config', 'nope.json'], missing.io)).toBe(2)
    expect(missing.err()).toMatch(/^alttext lint: nope\.json: could not read: ENOENT/)
    const format = io()
    expect(await main(['lint', 'site', '--format', 'xml'], format.io)).toBe(2)
    expect(format.err()).toMatch(/^alttext lint: --format must be text, json or sarif/)
  })

  it('--format json gives the findings as data', async () => {
    await writeFile(join(dir, 'site', 'index.html'), bad)
    const t = io()
    expect(await main(['lint', 'site', '--format', 'json'], t.io)).toBe(1)
    const report = JSON.parse(t.out())
    expect(report).toMatchObject({ version: 1, files: 1, errors: 2, warnings: 4 })
    expect(report.findings[1]).toEqual({
      file: 'site/index.html',
      line: 3,
      column: 1,
      rule: 'placeholder',
      severity: 'error',
      message:
        'alt text "image" is a placeholder: describe the image, or use alt="" if it is decorative',
      src: '/b.png',
      alt: 'image',
    })
  })

  it('--format sarif is valid SARIF 2.1.0 with rule ids, levels and places', async () => {
    await mkdir(join(dir, 'site', 'a dir'))
    await writeFile(join(dir, 'site', 'a dir', 'index.html'), bad)
    const t = io()
    expect(await main(['lint', 'site', '--format', 'sarif'], t.io)).toBe(1)
    const log = JSON.parse(t.out())
    const require = createRequire(import.meta.url)
    const schema = JSON.parse(
      await readFile(
        require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'),
        'utf8',
      ),
    )
    const validate = new Ajv({
      strict: false,
      validateFormats: false,
      unicodeRegExp: false,
    }).compile(schema)
    expect(validate(log), JSON.stringify(validate.errors)).toBe(true)
    // The validator does refuse what is not SARIF (a run without its tool).
    expect(validate({ version: '2.1.0', runs: [{ results: [] }] })).toBe(false)
    const run = log.runs[0]
    expect(run.tool.driver.rules.map((r: { id: string }) => r.id)).toEqual([
      'file-name',
      'placeholder',
      'redundant-prefix',
      'repeats-caption',
      'repeats-text',
      'too-long',
      'duplicate',
      'language',
    ])
    expect(run.results).toHaveLength(6)
    expect(run.results[0]).toMatchObject({
      ruleId: 'file-name',
      ruleIndex: 0,
      level: 'error',
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: 'site/a%20dir/index.html', uriBaseId: '%SRCROOT%' },
            region: { startLine: 2, startColumn: 1 },
          },
        },
      ],
    })
    expect(run.results[5]).toMatchObject({ ruleId: 'language', ruleIndex: 7, level: 'warning' })
  })

  it('the language rule is quiet for short alt text, unknown scripts, no lang, marked passages', async () => {
    await writeFile(
      join(dir, 'site', 'a.html'),
      [
        '<html lang="en"><body>',
        '<img src="/1.png" alt="Unser Team">',
        '<img src="/2.png" alt="ორი ველოსიპედისტი მთის გზაზე მზის ჩასვლისას">',
        '<div lang="de"><img src="/3.png" alt="Zwei Radfahrer fahren bei Sonnenuntergang eine Bergstraße hinauf"></div>',
        '<p>Die Kinder spielen jeden Tag von neun bis achtzehn Uhr im Park. <img src="/4.png" alt="Kinder spielen Fußball im Park nach der Schule"></p>',
        '</body></html>',
      ].join('\n'),
    )
    await writeFile(
      join(dir, 'site', 'b.html'),
      '<img src="/k.png" alt="Zwei Radfahrer fahren bei Sonnenuntergang eine Bergstraße hinauf">',
    )
    const t = io()
    expect(await main(['lint', 'site'], t.io)).toBe(0)
    expect(t.out()).toBe('')
    // --lang gives pages without <html lang> a language.
    const lang = io()
    expect(await main(['lint', 'site', '--lang', 'en'], lang.io)).toBe(0)
    expect(lang.lines()).toEqual([expect.stringMatching(/^site\/b\.html:1:1 warn language: /)])
  })

  it('lints a Markdown corpus (--source): true and false positives', async () => {
    const t = io({}, repo)
    expect(await main(['lint', '--source', 'plugins/cli/test/fixtures/lint-corpus'], t.io)).toBe(1)
    const at = (l: string) => l.replace('plugins/cli/test/fixtures/lint-corpus/', '').split(':')
    expect(t.lines().map((l) => at(l).slice(0, 3).join(':'))).toEqual([
      'blog/bikes.md:8:1 error file-name',
      'blog/bikes.md:10:1 error placeholder',
      'blog/bikes.md:12:1 warn redundant-prefix',
      'blog/bikes.md:14:35 warn duplicate',
      'blog/bikes.md:16:2 warn repeats-text',
      'blog/bikes.md:18:1 warn language',
      'blog/bikes.md:20:1 error placeholder',
      'blog/bikes.md:22:13 warn repeats-text',
      'mixed.mdx:10:1 error placeholder',
      'mixed.mdx:12:1 error placeholder',
    ])
    expect(t.err()).toBe('alttext: 5 errors, 5 warnings in 6 files\n')
  })

  it('lints the example sites: their alt text passes', async () => {
    for (const args of [
      ['examples/vite-site'],
      ['--source', 'examples/vite-site/markdown'],
      ['--source', 'examples/astro-site/src'],
      ['--source', 'examples/eleventy-site/src'],
    ]) {
      const t = io({}, repo)
      expect(await main(['lint', ...args], t.io), args.join(' ')).toBe(0)
      expect(t.out()).toBe('')
      expect(t.err()).toMatch(/^alttext: no alt text problems \([1-9]\d* files?\)\n$/)
    }
  })
})

describe('alttext lint --fix', () => {
  let api: FakeApi
  beforeAll(async () => {
    api = await startFakeApi()
  })
  afterAll(() => api.close())

  it('an alt-text.json it cannot write is one warning and exit 1, for pages and for sources', async () => {
    await mkdir(join(dir, 'site', 'img'))
    await writeFile(join(dir, 'site', 'img', '1.png'), tinyPng(1))
    await writeFile(
      join(dir, 'site', 'index.html'),
      '<html lang="en"><body>\n<img src="/img/1.png" alt="IMG_0001.png">\n</body></html>\n',
    )
    await writeFile(join(dir, 'site', 'post.md'), '# Post\n\n![IMG_0001.png](img/1.png)\n')
    api.program({ altText: () => 'A green and white test pattern' })
    const env = { ALTTEXT_API_KEY: api.key, ALTTEXT_API_URL: api.url }
    for (const args of [['site'], ['--source', 'site']]) {
      const t = io(env)
      const code = await main(['lint', ...args, '--fix', '--cache-file', 'nowhere/a.json'], t.io)
      // The one problem is fixed, so only the lost write makes the exit 1.
      expect(t.err(), args.join(' ')).toContain('alt text regenerated')
      expect(t.err().match(/could not write/g), args.join(' ')).toHaveLength(1)
      expect(t.err()).toContain(
        'nowhere/a.json: could not write: ENOENT — the descriptions paid for in this run are not kept\n',
      )
      expect(code, t.err()).toBe(1)
    }
  })

  it("regenerates failing text that is not a person's; keeps human text; writes provenance", async () => {
    await mkdir(join(dir, 'site', 'img'))
    for (const n of [1, 2, 3]) await writeFile(join(dir, 'site', 'img', `${n}.png`), tinyPng(n))
    const page = [
      '<html lang="en"><body>',
      '<img src="/img/1.png" alt="IMG_0001.png">',
      '<img src="/img/2.png" alt="image">',
      '<img src="/img/3.png" alt="A lighthouse on a cliff">',
      '<img src="https://example.com/x.png" alt="photo">',
      '</body></html>',
    ].join('\n')
    await writeFile(join(dir, 'site', 'index.html'), page)
    const hash = (n: number) => createHash('sha256').update(tinyPng(n)).digest('hex')
    const human = {
      altText: 'image',
      language: 'en',
      model: 'person',
      createdAt: '2026-12-01T00:00:00.000Z',
      origin: 'human',
    }
    await writeFile(
      join(dir, 'alt-text.json'),
      `${JSON.stringify({ images: { [hash(2)]: [human] }, version: 1 }, null, 2)}\n`,
    )
    api.program({ altText: () => 'A green and white test pattern' })
    const calls = api.stats.calls
    const env = { ALTTEXT_API_KEY: api.key, ALTTEXT_API_URL: api.url }
    const t = io(env)
    // The remote image's placeholder is still an error: exit 1.
    expect(await main(['lint', 'site', '--fix'], t.io)).toBe(1)
    expect(api.stats.calls - calls).toBe(1)
    expect(await readFile(join(dir, 'site', 'index.html'), 'utf8')).toBe(
      page.replace('alt="IMG_0001.png"', 'alt="A green and white test pattern"'),
    )
    expect(t.err()).toContain('site/index.html:2:1: alt text regenerated\n')
    expect(t.err()).toContain(
      "site/index.html:3:1: kept: a person wrote this image's alt text (alt-text.json)\n",
    )
    expect(t.err()).toContain('site/index.html:5:1: not fixed: only local images are regenerated\n')
    expect(t.err()).toContain(
      'alttext lint --fix: 1 alt text regenerated, 1 kept (written by a person), 1 not fixed\n',
    )
    // What is left is listed: the kept human text and the remote image.
    expect(t.lines().map((l) => l.split(' ').slice(0, 3).join(' '))).toEqual([
      'site/index.html:3:1 error placeholder:',
      'site/index.html:5:1 error placeholder:',
    ])
    const file = JSON.parse(await readFile(join(dir, 'alt-text.json'), 'utf8'))
    expect(file.images[hash(2)]).toEqual([human])
    expect(file.images[hash(1)]).toEqual([
      expect.objectContaining({ altText: 'A green and white test pattern', origin: 'machine' }),
    ])
  })

  it('with --source, regenerates failing labels in the Markdown itself; keeps edited text; every other byte stays', async () => {
    await mkdir(join(dir, 'site', 'img'), { recursive: true })
    for (const n of [1, 2, 3]) await writeFile(join(dir, 'site', 'img', `${n}.png`), tinyPng(n))
    const post = [
      '---',
      'title: A walk',
      'lang: en',
      '---',
      '# A walk',
      '',
      '![IMG_0001.png](img/1.png "At the start")',
      '',
      '![image](img/2.png)',
      '',
      '> <img src="img/3.png"',
      '>   alt="photo">',
      '',
      '![A lighthouse on a cliff](img/3.png) and `![image](img/1.png)` in code.',
      '',
      '![](img/2.png)',
      '',
    ].join('\r\n')
    await writeFile(join(dir, 'site', 'post.md'), post)
    const hash = (n: number) => createHash('sha256').update(tinyPng(n)).digest('hex')
    const edited = {
      altText: 'image',
      language: 'en',
      machineText: '00000000',
      model: 'm1',
      createdAt: '2026-12-01T00:00:00.000Z',
      origin: 'machine',
    }
    await writeFile(
      join(dir, 'alt-text.json'),
      `${JSON.stringify({ images: { [hash(2)]: [edited] }, version: 1 }, null, 2)}\n`,
    )
    let n = 0
    api.program({
      altText: () => ['A stile at the start of the path', 'A cove under a cliff'][n++] ?? 'More',
    })
    const images = api.stats.images
    const t = io({ ALTTEXT_API_KEY: api.key, ALTTEXT_API_URL: api.url })
    // The kept text is still a placeholder: exit 1.
    expect(await main(['lint', '--source', 'site', '--fix'], t.io)).toBe(1)
    // Two images described (fresh); the edited one never sent.
    expect(api.stats.images - images).toBe(2)
    const after = await readFile(join(dir, 'site', 'post.md'), 'utf8')
    const first = after.includes('![A stile at the start of the path]')
    const [one, three] = first
      ? ['A stile at the start of the path', 'A cove under a cliff']
      : ['A cove under a cliff', 'A stile at the start of the path']
    expect(after).toBe(
      post
        .replace('![IMG_0001.png](img/1.png', `![${one}](img/1.png`)
        .replace('alt="photo"', `alt="${three}"`),
    )
    expect(t.err()).toContain('site/post.md:7:1: alt text regenerated\n')
    expect(t.err()).toContain('site/post.md:11:3: alt text regenerated\n')
    expect(t.err()).toContain(
      "site/post.md:9:1: kept: a person wrote this image's alt text (alt-text.json)\n",
    )
    expect(t.err()).toContain(
      'alttext lint --fix: 2 alt texts regenerated, 1 kept (written by a person), 0 not fixed\n',
    )
    expect(t.lines().map((l) => l.split(' ').slice(0, 3).join(' '))).toEqual([
      'site/post.md:9:1 error placeholder:',
    ])
    // The edit in the file (its text no longer the machine's) was kept, and now says so.
    const file = JSON.parse(await readFile(join(dir, 'alt-text.json'), 'utf8'))
    expect(file.images[hash(2)]).toEqual([{ ...edited, origin: 'edited' }])
    expect(file.images[hash(1)]).toEqual([
      expect.objectContaining({ altText: one, origin: 'machine' }),
    ])
    // A second lint finds nothing new to fix and calls nothing.
    const again = io({ ALTTEXT_API_KEY: api.key, ALTTEXT_API_URL: api.url })
    expect(await main(['lint', '--source', 'site', '--fix'], again.io)).toBe(1)
    expect(api.stats.images - images).toBe(2)
  })

  it('needs a key; stops with one error on a fatal answer', async () => {
    await mkdir(join(dir, 'site', 'img'))
    await writeFile(join(dir, 'site', 'img', '1.png'), tinyPng(1))
    await writeFile(join(dir, 'site', 'index.html'), '<img src="/img/1.png" alt="photo">')
    const none = io()
    expect(await main(['lint', 'site', '--fix'], none.io)).toBe(2)
    expect(none.err()).toBe('alttext lint: --fix needs an API key: set ALTTEXT_API_KEY\n')
    const t = io({
      ALTTEXT_API_KEY: 'atk_wrong_key_0000000000000000000000000000',
      ALTTEXT_API_URL: api.url,
    })
    expect(await main(['lint', 'site', '--fix'], t.io)).toBe(1)
    expect(t.err()).toMatch(/alttext lint --fix: stopped: .+\n/)
    expect(await readFile(join(dir, 'site', 'index.html'), 'utf8')).toBe(
      '<img src="/img/1.png" alt="photo">',
    )
  })
})
