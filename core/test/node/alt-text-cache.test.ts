/** The committed `alt-text.json`: format, matching, provenance, bad files, atomic shared writes. */
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  AltTextFile,
  type CachedAltText,
  type CacheLookup,
  createBuildCache,
  FileCache,
  parseAltTextFile,
  serializeAltTextFile,
  sha256Hex,
  textFingerprint,
} from '../../src/node/index.js'

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'alt-text-json-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

const H1 = 'a'.repeat(64)
const H2 = 'b'.repeat(64)
const at = '2026-12-05T07:00:00.000Z'
const value = (altText: string, model = 'm1', language = 'en'): CachedAltText => ({
  altText,
  language,
  model,
  createdAt: at,
})
const lookup = (imageHash: string, more: Partial<CacheLookup> = {}): CacheLookup => ({
  imageHash,
  language: 'en',
  ...more,
})

describe('alt-text.json', () => {
  it('is written sorted, 2-space indented, with a trailing newline, and read back', async () => {
    const path = join(dir, 'alt-text.json')
    const file = new AltTextFile({ path })
    await file.set('k2', value('Second'), lookup(H2))
    await file.set('k1', value('First'), lookup(H1, { maxLength: 80 }))
    const text = await readFile(path, 'utf8')
    expect(text).toBe(
      `{
  "images": {
    "${H1}": [
      {
        "altText": "First",
        "createdAt": "${at}",
        "language": "en",
        "machineText": "${textFingerprint('First')}",
        "maxLength": 80,
        "model": "m1",
        "origin": "machine"
      }
    ],
    "${H2}": [
      {
        "altText": "Second",
        "createdAt": "${at}",
        "language": "en",
        "machineText": "${textFingerprint('Second')}",
        "model": "m1",
        "origin": "machine"
      }
    ]
  },
  "version": 1
}
`,
    )
    // A second writer of the same content changes nothing: stable output.
    expect(serializeAltTextFile(parseAltTextFile(text).images)).toBe(text)
    const again = new AltTextFile({ path })
    expect(await again.get('any', lookup(H1, { maxLength: 80 }))).toMatchObject({
      altText: 'First',
    })
    // No temporary files are left behind.
    expect(await readdir(dir)).toEqual(['alt-text.json'])
  })

  it('matches on language and model; another language, model or length is not used', async () => {
    const file = new AltTextFile({ path: join(dir, 'alt-text.json') })
    await file.set('k', value('A cat', 'm1', 'en'), lookup(H1, { model: 'm1' }))
    expect(await file.get('k', lookup(H1, { model: 'm1' }))).toMatchObject({ altText: 'A cat' })
    expect(await file.get('k', lookup(H1, { language: 'EN' }))).toMatchObject({ altText: 'A cat' })
    expect(await file.get('k', lookup(H1, { language: 'de' }))).toBeUndefined()
    expect(await file.get('k', lookup(H1, { model: 'm2' }))).toBeUndefined()
    expect(await file.get('k', lookup(H1, { maxLength: 50 }))).toBeUndefined()
    expect(await file.get('k', lookup(H1, { purpose: 'link' }))).toBeUndefined()
    expect(await file.get('k', lookup(H2))).toBeUndefined()
    // An image sent by URL has no content hash: never in the committed file.
    expect(await file.get('k', { language: 'en' })).toBeUndefined()
  })

  it('never replaces text a person wrote, and prefers it', async () => {
    const path = join(dir, 'alt-text.json')
    const text = `${JSON.stringify({
      version: 1,
      images: {
        [H1]: [
          {
            altText: 'Our founder at the 1998 launch',
            language: 'en',
            model: 'm1',
            createdAt: at,
            origin: 'human',
          },
        ],
      },
    })}\n`
    await writeFile(path, text)
    const file = new AltTextFile({ path })
    expect(await file.get('k', lookup(H1, { model: 'other' }))).toMatchObject({
      altText: 'Our founder at the 1998 launch',
      origin: 'human',
    })
    await file.set('k', value('A man smiling'), lookup(H1))
    const after = parseAltTextFile(await readFile(path, 'utf8'))
    expect(after.images.get(H1)?.map((e) => e.altText)).toEqual(['Our founder at the 1998 launch'])
  })

  it('detects a hand edit of machine text in the file: edited, kept, never replaced', async () => {
    const path = join(dir, 'alt-text.json')
    await new AltTextFile({ path }).set('k', value('A man smiling'), lookup(H1))
    const written = await readFile(path, 'utf8')
    expect(written).toContain(`"machineText": "${textFingerprint('A man smiling')}"`)
    // A person changes the text in the pull request, and nothing else.
    await writeFile(path, written.replace('A man smiling', 'Our founder at the 1998 launch'))
    const file = new AltTextFile({ path })
    expect(await file.get('k', lookup(H1))).toMatchObject({
      altText: 'Our founder at the 1998 launch',
      origin: 'edited',
    })
    // A later run's machine text for the same image and options does not replace it…
    await file.set('k', value('A man in a suit'), lookup(H1))
    const after = parseAltTextFile(await readFile(path, 'utf8')).images.get(H1)
    expect(after?.map((e) => [e.altText, e.origin])).toEqual([
      ['Our founder at the 1998 launch', 'edited'],
    ])
    // …and the file now says so itself.
    expect(await readFile(path, 'utf8')).toContain('"origin": "edited"')
    // Unchanged machine text stays machine text.
    await writeFile(path, written)
    expect(await new AltTextFile({ path }).get('k', lookup(H1))).not.toHaveProperty('origin')
  })

  it('reports a corrupt file with its line, uses nothing of it, and never overwrites it', async () => {
    const path = join(dir, 'alt-text.json')
    const broken = `{\n  "images": {\n    "${H1}": [\n      { "altText": "x", }\n    ]\n  },\n  "version": 1\n}\n`
    await writeFile(path, broken)
    const file = new AltTextFile({ path })
    expect(await file.get('k', lookup(H1))).toBeUndefined()
    const problems = await file.problems()
    expect(problems).toHaveLength(1)
    expect(problems[0]).toMatch(/alt-text\.json:4:\d+: not valid JSON/)
    await file.set('k', value('New'), lookup(H1))
    expect(await readFile(path, 'utf8')).toBe(broken)
  })

  it('names a merge conflict, and reports a bad entry at its image while using the rest', async () => {
    const conflict = `{\n<<<<<<< HEAD\n  "images": {}\n=======\n  "images": {"x": []}\n>>>>>>> branch\n}\n`
    expect(parseAltTextFile(conflict).problems[0]).toMatchObject({
      line: 2,
      message: 'unresolved merge conflict markers',
    })
    const text = serializeAltTextFile(
      new Map([
        [H1, [{ altText: 'Good', language: 'en', model: 'm', createdAt: at }]],
        [H2, [{ altText: 'Bad', language: 'en', model: 'm', createdAt: at }]],
      ]),
    ).replace('"Bad"', '42')
    const parsed = parseAltTextFile(text)
    expect([...parsed.images.keys()]).toEqual([H1])
    expect(parsed.problems).toEqual([
      {
        // The line of the bad field itself (the one after the image's hash).
        line: text.split('\n').findIndex((l) => l.includes('"altText": 42')) + 1,
        column: 9,
        message: expect.stringMatching(/^image bbbbbbbbbbbb… entry 1 field altText: /),
      },
    ])
  })

  it('keeps entries another process wrote meanwhile (merge on write)', async () => {
    const path = join(dir, 'alt-text.json')
    const a = new AltTextFile({ path })
    const b = new AltTextFile({ path })
    await a.load()
    await b.load()
    await a.set('k', value('From A'), lookup(H1))
    await b.set('k', value('From B'), lookup(H2))
    const images = parseAltTextFile(await readFile(path, 'utf8')).images
    expect([...images.keys()].sort()).toEqual([H1, H2])
  })

  it('writes once for many sets that arrive together, each resolving when on disk', async () => {
    const path = join(dir, 'alt-text.json')
    const file = new AltTextFile({ path })
    const hashes = await Promise.all(
      Array.from({ length: 50 }, (_, i) => sha256Hex(new Uint8Array([i]))),
    )
    await Promise.all(hashes.map((h, i) => file.set(`k${i}`, value(`Image ${i}`), lookup(h))))
    expect(parseAltTextFile(await readFile(path, 'utf8')).images.size).toBe(50)
  })

  it('prune drops images no page uses', async () => {
    const path = join(dir, 'alt-text.json')
    const file = new AltTextFile({ path })
    await file.set('k', value('One'), lookup(H1))
    await file.set('k', value('Two'), lookup(H2))
    expect(await file.prune(new Set([H2]))).toBe(1)
    expect([...parseAltTextFile(await readFile(path, 'utf8')).images.keys()]).toEqual([H2])
  })
})

describe('createBuildCache', () => {
  it('fills alt-text.json from the folder cache without a call, and writes both levels', async () => {
    const folder = new FileCache({ dir: join(dir, 'node_modules', '.cache', 'alttextapi') })
    await folder.set('k1', value('Old cached'))
    const cache = createBuildCache({ root: dir })
    expect(await cache.get('k1', lookup(H1))).toMatchObject({ altText: 'Old cached' })
    await cache.set('k2', value('New'), lookup(H2))
    const images = parseAltTextFile(await readFile(join(dir, 'alt-text.json'), 'utf8')).images
    expect([...images.keys()].sort()).toEqual([H1, H2])
    expect(await folder.get('k2')).toMatchObject({ altText: 'New' })
    // A fresh clone: only alt-text.json (no node_modules) still answers.
    await rm(join(dir, 'node_modules'), { recursive: true })
    expect(await createBuildCache({ root: dir }).get('k2', lookup(H2))).toMatchObject({
      altText: 'New',
    })
  })

  it('keys pages on edits by others, not on the answers it adds itself', async () => {
    const first = createBuildCache({ root: dir })
    const start = first.revisionSync()
    await first.set('k1', value('Paid for'), lookup(H1))
    // The next run: the file changed, but only by this tool's own write.
    const second = createBuildCache({ root: dir })
    expect(second.revisionSync()).toBe(start)
    // A person edits the file (or a pull brings other text): pages must be filled again.
    const path = join(dir, 'alt-text.json')
    await writeFile(path, (await readFile(path, 'utf8')).replace('Paid for', 'Edited by hand'))
    const third = createBuildCache({ root: dir })
    const edited = third.revisionSync()
    expect(edited).not.toBe(start)
    expect(createBuildCache({ root: dir }).revisionSync()).toBe(edited)
  })

  it('keeps why the committed file could not be written; the folder level still gets the answer', async () => {
    for (const file of [join('missing', 'alt-text.json'), '.']) {
      const cache = createBuildCache({ root: dir, file })
      expect(cache.fileWriteError).toBeUndefined()
      await expect(cache.set('k1', value('Paid for'), lookup(H1))).rejects.toThrow()
      await expect(cache.set('k2', value('Paid too'), lookup(H2))).rejects.toThrow()
      expect((cache.fileWriteError as NodeJS.ErrnoException | undefined)?.code).toBe(
        file === '.' ? 'EISDIR' : 'ENOENT',
      )
      expect(await cache.folder?.get('k1')).toMatchObject({ altText: 'Paid for' })
    }
    // A file with problems is left alone on purpose: that is no write failure.
    await writeFile(join(dir, 'alt-text.json'), '{')
    const broken = createBuildCache({ root: dir })
    await broken.set('k3', value('Kept in the folder'), lookup(H1))
    expect(broken.fileWriteError).toBeUndefined()
  })

  it('read only writes nothing', async () => {
    const cache = createBuildCache({ root: dir, readOnly: true })
    await cache.set('k', value('x'), lookup(H1))
    expect(await readdir(dir)).toEqual([])
  })
})

describe('the describer and the committed file', () => {
  it('keys on the image, not the nearby text, unless cacheByContext', async () => {
    const { createClient, createDescriber } = await import('../../src/node/index.js')
    const seen: CacheLookup[] = []
    const cache = {
      get: async (_key: string, l?: CacheLookup) => {
        if (l) seen.push(l)
        return undefined
      },
      set: async () => undefined,
    }
    const client = createClient({ apiKey: 'atk_x', baseUrl: 'http://127.0.0.1:9' })
    const bytes = new Uint8Array([1, 2, 3])
    for (const cacheByContext of [false, true]) {
      const run = createDescriber({ client, cache, dryRun: true, cacheByContext })
      await run.describe({ bytes, context: 'Before the edit' })
      await run.describe({ bytes, context: 'After the edit' })
      expect(run.summary().planned).toBe(cacheByContext ? 2 : 1)
    }
    expect(seen[0]).toMatchObject({ imageHash: await sha256Hex(bytes), language: 'en' })
    expect(seen[0]?.contextHash).toBeUndefined()
    expect(seen.slice(1).map((l) => l.contextHash)).toEqual([
      await sha256Hex(new TextEncoder().encode('Before the edit')),
      await sha256Hex(new TextEncoder().encode('After the edit')),
    ])
  })
})
