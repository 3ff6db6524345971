/**
 * TypeScript users: a fresh project imports every entry point of every package and type-checks it
 * with `tsc --noEmit` under `strict` true and false, `moduleResolution` bundler and nodenext, and
 * `skipLibCheck: false` (so our .d.ts files are checked under the user's settings). The README
 * examples written in TypeScript are type-checked in the same project. CommonJS: Node ≥ 20.19
 * `require()`s our ES modules.
 */
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { createProject, type Project } from '../src/project.js'
import { codeBlock } from '../src/readme.js'
import { fileOf } from '../src/workspace.js'

/** Uses a value and a type of every entry point, so a broken .d.ts is an error here. */
const OURS = `import { type AltTextClient, type AltTextResponse, createClient, isAltTextError } from '@alttextapi/core'
import { FileCache, prepareImage, resolveConfig } from '@alttextapi/core/node'
import rehypeAltText, { type Options, createAltTextRun, fillAltText, formatStats } from '@alttextapi/rehype'
import altText, { type AltTextViteOptions } from '@alttextapi/vite-plugin'
import { main } from '@alttextapi/cli'
import { backfillAssets } from '@alttextapi/sanity-plugin/backfill'

const client: AltTextClient = createClient({ apiKey: 'atk_x', baseUrl: 'http://127.0.0.1:1' })
const options: Options = { language: 'de', maxCredits: 10, run: createAltTextRun({}) }
const vite: AltTextViteOptions = { ...options, summary: false }
export async function use(answer: AltTextResponse, error: unknown): Promise<string> {
  const plugin = altText(vite)
  const filled = await fillAltText('<img src="a.png">', { path: 'index.html', dryRun: true })
  const code: number = await main(['--help'], undefined as never)
  return [answer.altText, isAltTextError(error), plugin.name, filled.html, code, client,
    formatStats(createAltTextRun().stats), rehypeAltText, FileCache, prepareImage, resolveConfig,
    backfillAssets].join()
}
`

/** The Studio plugin: its types need \`sanity\` (a peer), installed here. */
const SANITY = `import { altTextApi } from '@alttextapi/sanity-plugin'
import { backfillAssets } from '@alttextapi/sanity-plugin/backfill'
export const plugins = [altTextApi({ altField: 'alt' })]
export { backfillAssets }
`

let project: Project

beforeAll(async () => {
  project = await createProject(
    {
      name: 'types',
      ours: [
        '@alttextapi/core',
        '@alttextapi/rehype',
        '@alttextapi/vite-plugin',
        '@alttextapi/cli',
        '@alttextapi/sanity-plugin',
      ],
      registry: {
        typescript: '5.9.3',
        '@types/node': '20.19.43',
        vite: '8.3.8',
        sanity: '5.31.2',
      },
      files: {
        'ours.ts': OURS,
        'sanity.ts': SANITY,
        'readme/vite.config.ts': codeBlock(
          fileOf('@alttextapi/vite-plugin', 'README.md'),
          'ts',
          'vite.config.ts',
        ),
        'readme/core-node.ts': codeBlock(
          fileOf('@alttextapi/core', 'README.md'),
          'ts',
          "from '@alttextapi/core/node'",
        ),
        'readme/core-worker.ts': codeBlock(
          fileOf('@alttextapi/core', 'README.md'),
          'ts',
          'async fetch(request',
        ),
        'readme/sanity.config.ts': codeBlock(
          fileOf('@alttextapi/sanity-plugin', 'README.md'),
          'ts',
          'defineConfig',
        ),
      },
    },
    inject('tarballs'),
  )
  console.log(`types: npm install ${project.installMs} ms`)
})
afterAll(() => project?.remove())

/** Runs tsc with one tsconfig; returns the error lines (first line of each diagnostic). */
async function typeCheck(name: string, files: string[], compilerOptions: Record<string, unknown>) {
  const config = {
    compilerOptions: {
      target: 'es2022',
      noEmit: true,
      skipLibCheck: false,
      types: ['node'],
      ...compilerOptions,
    },
    files,
  }
  await writeFile(join(project.dir, `tsconfig.${name}.json`), JSON.stringify(config, null, 2))
  const result = await project.run('npx', ['tsc', '-p', `tsconfig.${name}.json`])
  return result.stdout.split('\n').filter((line) => /error TS\d+/.test(line))
}

const SETTINGS = [
  { strict: true, module: 'esnext', moduleResolution: 'bundler' },
  { strict: true, module: 'nodenext', moduleResolution: 'nodenext' },
  { strict: false, module: 'esnext', moduleResolution: 'bundler' },
  { strict: false, module: 'nodenext', moduleResolution: 'nodenext' },
]

// One tsc at a time: six at once ran past the 180 s test timeout on two busy cores.
describe('every package but the Studio plugin: no error at all', () => {
  const files = ['ours.ts', 'readme/vite.config.ts', 'readme/core-node.ts', 'readme/core-worker.ts']
  it.each(SETTINGS)('strict $strict, moduleResolution $moduleResolution', async (settings) => {
    const name = `ours-${settings.strict}-${settings.moduleResolution}`
    expect(await typeCheck(name, files, settings)).toEqual([])
  })
})

describe('the Studio plugin: no error in our types or the README', () => {
  // Sanity's own .d.ts files do not pass skipLibCheck: false (they name files of Sanity's build
  // machine); Sanity's templates set skipLibCheck: true. Errors there are not ours to assert.
  const ours = (line: string) => !line.startsWith('node_modules/') || line.includes('@alttextapi/')
  it.each([SETTINGS[0], SETTINGS[3]])(
    'strict $strict, moduleResolution $moduleResolution',
    async (settings) => {
      const name = `sanity-${settings?.strict}-${settings?.moduleResolution}`
      const errors = await typeCheck(name, ['sanity.ts', 'readme/sanity.config.ts'], {
        ...settings,
        jsx: 'react-jsx',
      })
      expect(errors.filter(ours)).toEqual([])
    },
  )
})

it('CommonJS: Node require()s every package (ES modules, loaded by require on Node ≥ 20.19)', async () => {
  const names = [
    '@alttextapi/core',
    '@alttextapi/core/node',
    '@alttextapi/rehype',
    '@alttextapi/vite-plugin',
    '@alttextapi/cli',
    '@alttextapi/sanity-plugin/backfill',
  ]
  const script = `for (const name of ${JSON.stringify(names)}) console.log(name, Object.keys(require(name)).length > 0)`
  const result = await project.run('node', ['--input-type=commonjs', '-e', script])
  expect(result.code, result.stderr).toBe(0)
  expect(result.stdout.trim().split('\n')).toEqual(names.map((name) => `${name} true`))
})
