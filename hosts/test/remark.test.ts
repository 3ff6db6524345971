/**
 * @alttextapi/remark as users get it: its README examples copied and run as written in a fresh
 * unified project installed from the packed tarballs, and `alttext fix|check --source` with npx
 * from the CLI's tarball over a folder of Markdown and MDX sources.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { homedir, tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { startFakeApi, tinyPng } from '@alttextapi/testkit'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { run } from '../src/exec.js'
import { createProject, type Project, writeFiles } from '../src/project.js'
import { codeBlock } from '../src/readme.js'
import { fileOf, withOurDependencies } from '../src/workspace.js'

let fake: Awaited<ReturnType<typeof startFakeApi>>
let project: Project
let dir: string
const tarballs = inject('tarballs')
const env = () => ({ ALTTEXT_API_KEY: fake.key, ALTTEXT_API_URL: fake.url })
const readme = fileOf('@alttextapi/remark', 'README.md')

const post = [
  '---',
  'title: Spring sale',
  'lang: de',
  '---',
  '',
  '# Bikes',
  '',
  'Our bikes, on sale this week: ![](/img/bike.png)',
  '',
  '<img src="/img/spacer.png" alt="">',
  '',
].join('\n')

beforeAll(async () => {
  fake = await startFakeApi()
  dir = await mkdtemp(join(tmpdir(), 'alttext-host-source-'))
  project = await createProject(
    {
      name: 'remark',
      ours: ['@alttextapi/remark'],
      // What the README's install line names for its example.
      registry: {
        unified: '11.0.5',
        'remark-parse': '11.0.0',
        'remark-frontmatter': '5.0.0',
        'remark-rehype': '11.1.2',
        'rehype-stringify': '10.0.1',
        'to-vfile': '8.0.0',
        // The type check below: our .d.ts files under a user's strict settings.
        typescript: '5.9.3',
        '@types/node': '20.19.43',
      },
    },
    tarballs,
  )
  console.log(`remark: npm install ${project.installMs} ms`)
})
afterAll(async () => {
  await project?.remove()
  await fake?.stop()
  if (dir) await rm(dir, { recursive: true, force: true })
  // npx keeps what it installed under the npm cache, keyed by the tarball paths: remove this
  // run's copies so the cache does not grow by one install per run.
  const npx = join(process.env.npm_config_cache ?? join(homedir(), '.npm'), '_npx')
  for (const entry of await readdir(npx).catch(() => [] as string[])) {
    const manifest = await readFile(join(npx, entry, 'package.json'), 'utf8').catch(() => '')
    if (manifest.includes(dirname(tarballs['@alttextapi/cli'])))
      await rm(join(npx, entry), { recursive: true, force: true })
  }
})

describe('the remark README, run as written', () => {
  it('the unified pipeline prints the HTML with alt text and the summary', async () => {
    await writeFiles(join(project.dir, 'pipeline'), {
      'example.mjs': codeBlock(readme, 'js', "read('post.md')"),
      'post.md': post,
      'public/img/bike.png': tinyPng(11),
      'public/img/spacer.png': tinyPng(12),
    })
    const result = await project.run('node', ['example.mjs'], { cwd: 'pipeline', env: env() })
    expect(result.code, result.stderr).toBe(0)
    expect(result.stdout).toContain('<img src="/img/bike.png" alt="Image 11 (de)">')
    expect(result.stdout).toContain('<h1>Bikes</h1>')
    expect(result.stdout).toMatch(/^1 described, 0 cached, /m)
    expect(fake.images.at(-1)?.context).toContain('Page title: Spring sale')
  })

  it('fillMarkdownSource writes the alt text into the file and changes nothing else', async () => {
    const source = 'Before ![](bike.png) after.\r\n\r\n```md\r\n![](bike.png)\r\n```\r\n'
    await writeFiles(join(project.dir, 'sources'), {
      'example.mjs': codeBlock(readme, 'js', 'fillMarkdownSource('),
      'content/post.md': source,
      'content/bike.png': tinyPng(13),
    })
    const result = await project.run('node', ['example.mjs'], { cwd: 'sources', env: env() })
    expect(result.code, result.stderr).toBe(0)
    expect(await readFile(join(project.dir, 'sources/content/post.md'), 'utf8')).toBe(
      source.replace('Before ![]', 'Before ![Image 13]'),
    )
  })
})

describe('TypeScript users', () => {
  it('the .d.ts files type-check under strict and skipLibCheck: false', async () => {
    const use = `import remarkAltText, { type MarkdownAltText, type Options, createAltTextRun, fillMarkdownSource, formatStats } from '@alttextapi/remark'
import remarkParse from 'remark-parse'
import { unified } from 'unified'
const options: Options = { language: 'de', maxCredits: 10, context: (c) => c.title, run: createAltTextRun({}) }
export async function use(): Promise<string> {
  const file = await unified().use(remarkParse).use(remarkAltText, options).process('![](a.png)')
  const data: MarkdownAltText | undefined = file.data.markdownAltText
  const { text, changed } = await fillMarkdownSource('![](a.png)', { path: 'a.md', dryRun: true })
  return [text, changed, data && formatStats(data.stats)].join()
}
`
    // nodenext: the resolution that reads our `exports` maps most strictly (the bundler one is
    // checked for every package in types.test.ts); one tsc run, it takes a minute on a busy box.
    for (const [name, resolution] of [
      ['nodenext', { module: 'nodenext', moduleResolution: 'nodenext' }],
    ] as const) {
      const tsconfig = {
        compilerOptions: {
          ...resolution,
          target: 'es2022',
          strict: true,
          skipLibCheck: false,
          noEmit: true,
          types: ['node'],
        },
        files: ['use.ts'],
      }
      await writeFiles(join(project.dir, `types-${name}`), {
        'use.ts': use,
        'tsconfig.json': JSON.stringify(tsconfig),
        'package.json': '{"type": "module"}',
      })
      const result = await project.run('npx', ['tsc', '-p', `types-${name}`])
      expect(result.code, `${name}: ${result.stdout}${result.stderr}`).toBe(0)
    }
  }, 240_000)
})

describe('alttext --source with npx from the tarball', () => {
  const packages = withOurDependencies(['@alttextapi/cli']).map(
    (name) => `--package=${tarballs[name]}`,
  )
  const alttext = (...args: string[]) =>
    run('npx', ['--yes', ...packages, 'alttext', ...args], { cwd: dir, env: env() })

  it('check lists what is missing (exit 1), fix writes it, check then passes', async () => {
    await writeFiles(dir, {
      'content/post.md': post,
      'content/page.mdx': 'import X from "./x.js"\n\n<img src="./photo.png" />\n',
      'content/photo.png': tinyPng(14),
      'static/img/bike.png': tinyPng(11),
      'static/img/spacer.png': tinyPng(12),
    })
    const before = await alttext('check', '--source', 'content')
    expect(before.code, before.stderr).toBe(1)
    expect(before.stdout).toBe(
      'content/page.mdx:3:1 ./photo.png\ncontent/post.md:8:31 /img/bike.png\n',
    )
    const fix = await alttext('fix', '--source', 'content', '--public', 'static')
    expect(fix.code, fix.stderr).toBe(0)
    expect(fix.stdout).toContain('2 files, 2 rewritten')
    expect(await readFile(join(dir, 'content/post.md'), 'utf8')).toBe(
      post.replace('week: ![]', 'week: ![Image 11 (de)]'),
    )
    expect(await readFile(join(dir, 'content/page.mdx'), 'utf8')).toBe(
      'import X from "./x.js"\n\n<img alt="Image 14" src="./photo.png" />\n',
    )
    const after = await alttext('check', '--source', 'content')
    expect(after.code, after.stdout + after.stderr).toBe(0)
  })
})
