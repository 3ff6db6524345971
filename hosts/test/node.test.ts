/**
 * Plain Node hosts, from one fresh project: the rehype README's unified pipelines, core's README
 * example and the CLI README's commands, each copied from its README and run as written.
 */
import { mkdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { startFakeApi, tinyPng } from '@alttextapi/testkit'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { createProject, type Project, writeFiles } from '../src/project.js'
import { codeBlock, codeBlocks } from '../src/readme.js'
import { builtSite, EXPECTED, imagesWithoutAlt, MISSING } from '../src/site.js'
import { fileOf } from '../src/workspace.js'

let fake: Awaited<ReturnType<typeof startFakeApi>>
let project: Project
const env = () => ({ ALTTEXT_API_KEY: fake.key, ALTTEXT_API_URL: fake.url })
const read = (path: string) => readFile(join(project.dir, path), 'utf8')

beforeAll(async () => {
  fake = await startFakeApi()
  project = await createProject(
    {
      name: 'node',
      ours: ['@alttextapi/rehype', '@alttextapi/cli', '@alttextapi/core'],
      // What the rehype README's install line names for its examples.
      registry: {
        unified: '11.0.5',
        'remark-parse': '11.0.0',
        'remark-rehype': '11.1.2',
        'rehype-parse': '9.0.1',
        'rehype-stringify': '10.0.1',
        'to-vfile': '8.0.0',
      },
    },
    inject('tarballs'),
  )
  console.log(`node: npm install ${project.installMs} ms`)
})
afterAll(async () => {
  await project?.remove()
  await fake?.stop()
})

describe('the rehype README, run as written', () => {
  const readme = fileOf('@alttextapi/rehype', 'README.md')

  it('the Markdown pipeline prints the HTML with alt text and the summary', async () => {
    await writeFiles(join(project.dir, 'markdown'), {
      'example.mjs': codeBlock(readme, 'js', "read('post.md')"),
      'post.md': '# Spring sale\n\nOur bikes, on sale this week.\n\n![](/img/bike.png)\n',
      'public/img/bike.png': tinyPng(11),
    })
    const result = await project.run('node', ['example.mjs'], { cwd: 'markdown', env: env() })
    expect(result.code, result.stderr).toBe(0)
    expect(result.stdout).toContain('<img src="/img/bike.png" alt="Image 11">')
    expect(result.stdout).toMatch(/^1 described, 0 cached, /m)
  })

  it('the shared run rewrites every page in place and prints one summary', async () => {
    await writeFiles(join(project.dir, 'pages'), {
      'example.mjs': codeBlock(readme, 'js', 'createAltTextRun({ maxCredits'),
      ...builtSite('dist'),
    })
    const result = await project.run('node', ['example.mjs'], { cwd: 'pages', env: env() })
    expect(result.code, result.stderr).toBe(0)
    const home = await read('pages/dist/index.html')
    const about = await read('pages/dist/about/index.html')
    for (const alt of EXPECTED.home) expect(home).toContain(alt)
    for (const alt of EXPECTED.about) expect(about).toContain(alt)
    expect(imagesWithoutAlt(home) + imagesWithoutAlt(about)).toBe(0)
    expect(result.stdout).toMatch(
      new RegExp(`^${MISSING} described, .*${MISSING} credits used$`, 'm'),
    )
  })
})

describe("core's README, run as written", () => {
  it('the Node example describes public/hero.jpg and prints the alt text', async () => {
    const example = codeBlocks(fileOf('@alttextapi/core', 'README.md'), 'ts').find((block) =>
      block.includes("from '@alttextapi/core/node'"),
    )
    // Plain JavaScript in a ```ts block: Node 20 runs it as a module unchanged.
    await writeFiles(join(project.dir, 'core'), {
      'example.mjs': example ?? 'throw new Error("no Node example in the README")',
    })
    await mkdir(join(project.dir, 'core/public'), { recursive: true })
    // A real 1600×900 JPEG, made by the sharp the project installed (it is downscaled on upload).
    const jpeg = await project.run('node', [
      '-e',
      "import('sharp').then(({ default: sharp }) => sharp({ create: { width: 1600, height: 900, channels: 3, background: '#c33' } }).jpeg().toFile('core/public/hero.jpg'))",
    ])
    expect(jpeg.code, jpeg.stderr).toBe(0)
    const before = fake.stats.charged
    const result = await project.run('node', ['example.mjs'], { cwd: 'core', env: env() })
    expect(result.code, result.stderr).toBe(0)
    expect(result.stdout).toMatch(/^Image [0-9a-f]{8}$/m)
    expect(fake.stats.charged).toBe(before + 1)
  })
})

describe("the CLI README's commands, run as written", () => {
  it('fix fills every page, then check and the dry run find nothing left', async () => {
    const lines = codeBlock(fileOf('@alttextapi/cli', 'README.md'), 'sh', 'alttext fix dist')
      .split('\n')
      .filter((line) => line.trim() !== '')
    await writeFiles(join(project.dir, 'cli'), builtSite('dist'))
    const bin = join(project.dir, 'node_modules', '.bin')
    const codes: Array<number | null> = []
    for (const line of lines) {
      // The README's placeholder key is the user's key; the API URL points at the fake.
      const command = line.replace('atk_…', fake.key)
      const result = await project.run('sh', ['-c', command], {
        cwd: 'cli',
        env: { ALTTEXT_API_URL: fake.url, PATH: `${bin}:${process.env.PATH}` },
      })
      codes.push(result.code)
      if (line.includes('--max-credits'))
        expect(result.stdout).toContain(`${MISSING} images without alt: ${MISSING} described`)
    }
    expect(codes).toEqual(lines.map(() => 0))
    const home = await read('cli/dist/index.html')
    for (const alt of EXPECTED.home) expect(home).toContain(alt)
  })
})
