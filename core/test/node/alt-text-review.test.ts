/** alt-text.json for review: strict reading (unknown fields, bad values, with their line) and the review helpers. */
import { describe, expect, it } from 'vitest'
import {
  type AltTextFileEntry,
  approveEntry,
  editEntry,
  needsReview,
  parseAltTextFile,
  textFingerprint,
} from '../../src/node/index.js'

const H1 = 'a'.repeat(64)
const H2 = 'b'.repeat(64)
const entry = (more: Record<string, unknown> = {}) => ({
  altText: 'A red bicycle',
  createdAt: '2026-12-05T07:00:00.000Z',
  language: 'en',
  model: 'm1',
  origin: 'machine',
  ...more,
})
const file = (images: Record<string, unknown[]>) =>
  `${JSON.stringify({ images, version: 1 }, null, 2)}\n`

describe('strict reading', () => {
  it('reports an unknown field with the line of the field, and leaves the entry out', () => {
    const text = file({ [H1]: [entry()], [H2]: [entry({ model: 'm2' }), entry({ revieved: 'x' })] })
    const lenient = parseAltTextFile(text)
    expect(lenient.problems).toEqual([])
    const strict = parseAltTextFile(text, { strict: true })
    const line = text.split('\n').findIndex((l) => l.includes('"revieved"')) + 1
    expect(line).toBeGreaterThan(10)
    expect(strict.problems).toEqual([
      { line, column: 9, message: `image ${H2.slice(0, 12)}… entry 2: unknown field "revieved"` },
    ])
    expect(strict.images.get(H2)).toHaveLength(1)
    expect(strict.images.get(H1)).toHaveLength(1)
  })

  it('reports an unknown field inside reviewed, and a bad value at its own line', () => {
    const text = file({
      [H1]: [entry({ reviewed: { by: 'ann', at: '2026-12-05T08:00:00.000Z', when: 1 } })],
      [H2]: [entry({ origin: 'robot' })],
    })
    const { problems } = parseAltTextFile(text, { strict: true })
    const lines = text.split('\n')
    expect(problems.map((p) => [p.line, p.message])).toEqual([
      [
        lines.findIndex((l) => l.includes('"when"')) + 1,
        `image ${H1.slice(0, 12)}… entry 1: unknown field "reviewed.when"`,
      ],
      [
        lines.findIndex((l) => l.includes('"robot"')) + 1,
        expect.stringContaining(`image ${H2.slice(0, 12)}… entry 1 field origin: Invalid`),
      ],
    ])
  })

  it('refuses a reviewed date that is not a date', () => {
    const text = file({ [H1]: [entry({ reviewed: { by: 'ann', at: 'yesterday' } })] })
    expect(parseAltTextFile(text).problems[0]?.message).toContain('reviewed.at must be an ISO')
  })
})

describe('a hand edit in the file', () => {
  it('is detected: machine text whose fingerprint no longer matches reads as edited, needing no review', () => {
    const fp = textFingerprint('A red bicycle')
    expect(fp).toMatch(/^[0-9a-f]{8}$/)
    expect(textFingerprint('A red bicycle.')).not.toBe(fp)
    const same = parseAltTextFile(file({ [H1]: [entry({ machineText: fp })] }), { strict: true })
    expect(same.problems).toEqual([])
    expect(same.images.get(H1)?.[0]?.origin).toBe('machine')
    const changed = parseAltTextFile(
      file({ [H1]: [entry({ altText: 'My bike, Rosie', machineText: fp })] }),
      { strict: true },
    )
    const read = changed.images.get(H1)?.[0]
    expect(read).toMatchObject({ altText: 'My bike, Rosie', origin: 'edited', machineText: fp })
    expect(read && needsReview(read)).toBe(false)
    // Without a fingerprint (files written before it existed) nothing can be told: as written.
    expect(parseAltTextFile(file({ [H1]: [entry()] })).images.get(H1)?.[0]?.origin).toBe('machine')
    // A fingerprint that is not one is a bad value, with its line.
    expect(
      parseAltTextFile(file({ [H1]: [entry({ machineText: 'xyz' })] })).problems[0]?.message,
    ).toContain('field machineText')
  })
})

describe('review helpers', () => {
  const machine = entry() as AltTextFileEntry
  it('machine text needs review until approved; edited and human text do not', () => {
    expect(needsReview(machine)).toBe(true)
    expect(needsReview({ ...machine, origin: undefined })).toBe(true)
    const approved = approveEntry(machine, 'ann', '2026-12-05T09:00:00.000Z')
    expect(approved).toEqual({
      ...machine,
      reviewed: { by: 'ann', at: '2026-12-05T09:00:00.000Z' },
    })
    expect(needsReview(approved)).toBe(false)
    expect(needsReview({ ...machine, origin: 'human' })).toBe(false)
  })

  it('an edit makes machine text edited (human stays human) and counts as reviewed', () => {
    const edited = editEntry(machine, 'A blue bicycle', 'ann', '2026-12-05T09:00:00.000Z')
    expect(edited).toMatchObject({
      altText: 'A blue bicycle',
      origin: 'edited',
      reviewed: { by: 'ann' },
    })
    expect(needsReview(edited)).toBe(false)
    const human = { ...machine, origin: 'human' as const }
    expect(editEntry(human, 'x', 'ann', '2026-12-05T09:00:00.000Z').origin).toBe('human')
  })
})

describe('long descriptions in alt-text.json', () => {
  it('keeps kind and longDescription of an answer asked with long: true, matched only by such a run', async () => {
    const { mkdtemp, rm } = await import('node:fs/promises')
    const { tmpdir } = await import('node:os')
    const { join } = await import('node:path')
    const { AltTextFile } = await import('../../src/node/index.js')
    const dir = await mkdtemp(join(tmpdir(), 'alt-long-'))
    try {
      const path = join(dir, 'alt-text.json')
      const value = {
        altText: 'Sales rose in 2026',
        language: 'en',
        model: 'm1',
        createdAt: '2026-12-05T07:00:00.000Z',
        kind: 'chart' as const,
        longDescription: 'Q1 10, Q2 20, Q3 30',
      }
      await new AltTextFile({ path }).set('k', value, { imageHash: H1, language: 'en', long: true })
      const again = new AltTextFile({ path })
      expect(await again.get('k', { imageHash: H1, language: 'en', long: true })).toEqual(value)
      // A run that did not ask for a long description keeps to its own entries.
      expect(await again.get('k', { imageHash: H1, language: 'en' })).toBeUndefined()
      expect(
        parseAltTextFile(await (await import('node:fs/promises')).readFile(path, 'utf8'), {
          strict: true,
        }).problems,
      ).toEqual([])
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})
