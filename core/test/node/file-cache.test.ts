import { spawn } from 'node:child_process'
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { defaultCacheDir, FileCache, resolveConfig } from '../../src/node/index.js'

const here = fileURLToPath(new URL('.', import.meta.url))
const entry = (altText: string) => ({
  altText,
  language: 'en',
  model: 'm',
  createdAt: '2026-11-24T00:00:00.000Z',
})

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'alttext-cache-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('FileCache', () => {
  it('keeps entries across instances (a rebuild) and misses unknown keys', async () => {
    await new FileCache({ dir }).set('k1', entry('A cat'))
    const again = new FileCache({ dir })
    expect(await again.get('k1')).toEqual(entry('A cat'))
    expect(await again.get('k2')).toBeUndefined()
    await again.delete('k1')
    expect(await again.get('k1')).toBeUndefined()
  })

  it('creates its folder on first write, under node_modules/.cache/alttextapi by default', async () => {
    expect(defaultCacheDir('/project')).toBe(resolve('/project/node_modules/.cache/alttextapi'))
    const cache = new FileCache({ dir: join(dir, 'a', 'b') })
    await cache.set('k', entry('x'))
    expect(await readdir(join(dir, 'a', 'b'))).toEqual(['k.json'])
  })

  it('treats a corrupted or foreign file as a miss, and heals it on the next write', async () => {
    const cache = new FileCache({ dir })
    await cache.set('k', entry('x'))
    await writeFile(join(dir, 'k.json'), '{"altText": "trunc')
    expect(await cache.get('k')).toBeUndefined()
    await writeFile(join(dir, 'k.json'), '{"something": "else"}')
    expect(await cache.get('k')).toBeUndefined()
    await cache.set('k', entry('y'))
    expect(await cache.get('k')).toEqual(entry('y'))
  })

  it('keeps keys that are not plain names inside its folder', async () => {
    const cache = new FileCache({ dir: join(dir, 'cache') })
    await cache.set('../../escape', entry('x'))
    expect(await cache.get('../../escape')).toEqual(entry('x'))
    expect(await readdir(dir)).toEqual(['cache'])
    const [file] = await readdir(join(dir, 'cache'))
    expect(file).toMatch(/^[0-9a-f]{64}\.json$/)
  })

  it('two processes writing the same keys at once leave only whole entries', async () => {
    // Bundle the real FileCache for plain Node children (they cannot load TypeScript).
    const script = join(dir, 'writer.mjs')
    await build({
      entryPoints: [join(here, '../../src/node/file-cache.ts')],
      bundle: true,
      platform: 'node',
      format: 'esm',
      outfile: join(dir, 'file-cache.mjs'),
      logLevel: 'silent',
    })
    await writeFile(
      script,
      `import { FileCache } from './file-cache.mjs'
const [cacheDir, name] = process.argv.slice(2)
const cache = new FileCache({ dir: cacheDir })
const long = name.repeat(50000)
for (let round = 0; round < 5; round++) {
  await Promise.all(Array.from({ length: 40 }, (_, i) =>
    cache.set('key' + i, { altText: long + i, language: 'en', model: name, createdAt: new Date().toISOString() })))
}
`,
    )
    const cacheDir = join(dir, 'shared')
    const run = (name: string) =>
      new Promise<number | null>((done) => {
        const child = spawn(process.execPath, [script, cacheDir, name], { stdio: 'inherit' })
        child.on('exit', done)
      })
    // Meanwhile read every file as it is: a reader must never see half an entry.
    let writing = true
    let reads = 0
    const reader = (async () => {
      while (writing) {
        const names = await readdir(cacheDir).catch(() => [] as string[])
        for (const name of names.filter((n) => n.endsWith('.json'))) {
          const text = await readFile(join(cacheDir, name), 'utf8')
          expect(() => JSON.parse(text)).not.toThrow()
          reads++
        }
        await new Promise((r) => setImmediate(r))
      }
    })()
    const codes = await Promise.all([run('a'), run('b')])
    writing = false
    await reader
    expect(codes).toEqual([0, 0])
    expect(reads).toBeGreaterThan(0)
    const files = await readdir(cacheDir)
    expect(files.filter((f) => f.endsWith('.tmp'))).toEqual([])
    expect(files).toHaveLength(40)
    const cache = new FileCache({ dir: cacheDir })
    for (let i = 0; i < 40; i++) {
      const value = await cache.get(`key${i}`)
      expect(value).toBeDefined()
      expect(value?.altText).toBe(`${(value?.model ?? '?').repeat(50000)}${i}`)
    }
    expect(JSON.parse(await readFile(join(cacheDir, 'key0.json'), 'utf8'))).toHaveProperty(
      'altText',
    )
  })
})

describe('resolveConfig', () => {
  it('reads ALTTEXT_API_KEY and ALTTEXT_API_URL from process.env unless options say otherwise', () => {
    const saved = { key: process.env.ALTTEXT_API_KEY, url: process.env.ALTTEXT_API_URL }
    try {
      process.env.ALTTEXT_API_KEY = 'atk_from_env'
      process.env.ALTTEXT_API_URL = 'http://127.0.0.1:8787'
      expect(resolveConfig()).toEqual({ apiKey: 'atk_from_env', baseUrl: 'http://127.0.0.1:8787' })
      expect(resolveConfig({ apiKey: 'atk_option' }).apiKey).toBe('atk_option')
    } finally {
      for (const [name, value] of [
        ['ALTTEXT_API_KEY', saved.key],
        ['ALTTEXT_API_URL', saved.url],
      ] as const) {
        if (value === undefined) delete process.env[name]
        else process.env[name] = value
      }
    }
  })
})
