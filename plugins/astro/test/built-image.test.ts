import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { builtImage, readSourceImages, sitePath } from '../src/index.js'

const text = (data: Uint8Array | undefined) => (data ? Buffer.from(data).toString() : data)

describe('sitePath', () => {
  it('strips base and assetsPrefix, decodes, and refuses what is not a site path', () => {
    expect(sitePath('/_astro/a.B1_Z2.webp?x=1#y', '/')).toBe('/_astro/a.B1_Z2.webp')
    expect(sitePath('/docs/_astro/a%20b.png', '/docs')).toBe('/_astro/a b.png')
    expect(sitePath('https://cdn.example/_astro/a.png', '/', 'https://cdn.example')).toBe(
      '/_astro/a.png',
    )
    expect(sitePath('https://other.example/a.png', '/')).toBeUndefined()
    expect(sitePath('//cdn.example/a.png', '/')).toBeUndefined()
    expect(sitePath('img/a.png', '/')).toBeUndefined()
  })
})

describe('readSourceImages', () => {
  const saved = (globalThis as { astroAsset?: unknown }).astroAsset
  afterAll(() => {
    ;(globalThis as { astroAsset?: unknown }).astroAsset = saved
  })

  it("maps Astro's original and optimised assets to the source file", () => {
    ;(globalThis as { astroAsset?: unknown }).astroAsset = {
      staticImages: new Map([
        [
          '/_astro/hero.B1.png',
          {
            originalSrcPath: '/site/src/images/hero.png',
            transforms: new Map([
              ['h1', { finalPath: '/_astro/hero.B1_Z1.webp', transform: {} }],
              ['h2', { finalPath: '/_astro/hero.B1_Z2.avif', transform: {} }],
            ]),
          },
        ],
        ['/_astro/remote.png', { originalSrcPath: undefined, transforms: new Map() }],
      ]),
    }
    expect(Object.fromEntries(readSourceImages())).toEqual({
      '/_astro/hero.B1.png': '/site/src/images/hero.png',
      '/_astro/hero.B1_Z1.webp': '/site/src/images/hero.png',
      '/_astro/hero.B1_Z2.avif': '/site/src/images/hero.png',
    })
  })

  it('finds nothing when Astro left no map (or another shape)', () => {
    ;(globalThis as { astroAsset?: unknown }).astroAsset = undefined
    expect(readSourceImages().size).toBe(0)
    ;(globalThis as { astroAsset?: unknown }).astroAsset = { staticImages: {} }
    expect(readSourceImages().size).toBe(0)
  })
})

describe('builtImage', () => {
  let dir: string
  let root: string
  let outDir: string
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'alttext-astro-'))
    root = join(dir, 'site')
    outDir = join(root, 'dist')
    await mkdir(join(root, 'src/images'), { recursive: true })
    await mkdir(join(outDir, '_astro'), { recursive: true })
    await writeFile(join(root, 'src/images/hero.png'), 'source bytes')
    await writeFile(join(outDir, '_astro/hero.B1_Z1.webp'), 'optimised bytes')
    await writeFile(join(outDir, '_astro/team.C2.png'), 'built bytes')
    await writeFile(join(dir, 'secret.png'), 'outside the root')
    await symlink(join(dir, 'secret.png'), join(outDir, '_astro/link.png'))
  })
  afterAll(() => rm(dir, { recursive: true, force: true }))

  const site = () => ({
    root,
    outDir,
    base: '/',
    sources: new Map([
      ['/_astro/hero.B1_Z1.webp', join(root, 'src/images/hero.png')],
      ['/_astro/escape.webp', join(dir, 'secret.png')],
    ]),
  })

  it('reads an optimised image by its source file', async () => {
    expect(text(await builtImage(site(), '/_astro/hero.B1_Z1.webp'))).toBe('source bytes')
  })

  it('reads other built files from the output folder', async () => {
    expect(text(await builtImage(site(), '/_astro/team.C2.png'))).toBe('built bytes')
  })

  it('never reads outside the root or the output folder, and leaves unknown URLs alone', async () => {
    // A source outside the root: the built file is used instead (here there is none).
    expect(await builtImage(site(), '/_astro/escape.webp')).toBeUndefined()
    expect(await builtImage(site(), '/_astro/link.png')).toBeUndefined()
    expect(await builtImage(site(), '/../secret.png')).toBeUndefined()
    expect(await builtImage(site(), '/img/not-built.png')).toBeUndefined()
    expect(await builtImage(site(), 'relative.png')).toBeUndefined()
  })
})
