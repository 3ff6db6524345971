/**
 * The format of the committed cache file `alt-text.json` (DESIGN "Plugins"): image content hash
 * (SHA-256 of the bytes) → the descriptions of that image, one per language/model/options, each
 * with its alt text, language, model, time and provenance. The file is written with sorted keys,
 * entries in a fixed order, 2-space indentation and a trailing newline, so a pull request shows
 * exactly the images added or changed. Isomorphic (no Node): the reading and writing of the file
 * itself is `AltTextFile` in the Node entry.
 *
 * ```json
 * {
 *   "images": {
 *     "9f86d08…": [
 *       { "altText": "A red bicycle against a brick wall", "createdAt": "2026-12-05T07:00:00.000Z",
 *         "language": "en", "model": "qwen/qwen2.5-vl-72b-instruct", "origin": "machine" }
 *     ]
 *   },
 *   "version": 1
 * }
 * ```
 */
import * as v from 'valibot'
import type { CachedAltText, CacheLookup } from './cache.js'

/** The format version this code reads and writes. */
export const ALT_TEXT_FILE_VERSION = 1

/** The file's default name, at the project root. */
export const ALT_TEXT_FILE_NAME = 'alt-text.json'

const SHA256 = /^[0-9a-f]{64}$/

/** One description of an image. Unknown fields are kept (a newer tool may add some). */
export const AltTextFileEntrySchema = v.looseObject({
  altText: v.string(),
  language: v.pipe(v.string(), v.minLength(1)),
  /** The model that wrote the text (the answer's model), or the person's tool for human text. */
  model: v.string(),
  /** ISO date-time the text was written. */
  createdAt: v.pipe(
    v.string(),
    v.check((s) => !Number.isNaN(Date.parse(s)), 'createdAt must be an ISO date-time'),
  ),
  /** Who wrote it: `machine`, `edited` (machine text a person changed) or `human`. */
  origin: v.optional(v.picklist(['machine', 'edited', 'human'])),
  /** Who reviewed it and when (filled by the review tools). */
  reviewed: v.optional(v.looseObject({ by: v.string(), at: v.string() })),
  /** The API suggested the image is decorative (never applied silently). */
  decorative: v.optional(v.boolean()),
  /** The options the text was asked with, when not the defaults: they are part of the match. */
  maxLength: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1))),
  purpose: v.optional(v.string()),
  /** SHA-256 of the nearby text, only for runs that key on it (`cacheByContext`). */
  context: v.optional(v.pipe(v.string(), v.regex(SHA256))),
})

/** One description of an image in `alt-text.json`. */
export type AltTextFileEntry = v.InferOutput<typeof AltTextFileEntrySchema>

/** Image hash → its descriptions. */
export type AltTextFileImages = Map<string, AltTextFileEntry[]>

/** A problem found while reading the file: where, and what. */
export interface AltTextFileProblem {
  line: number
  column: number
  message: string
}

/** What `parseAltTextFile` found: the usable entries, and every problem (none when clean). */
export interface ParsedAltTextFile {
  images: AltTextFileImages
  problems: AltTextFileProblem[]
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/** Line and column (1-based) of character `index` of `text`. */
function where(text: string, index: number): { line: number; column: number } {
  const before = text.slice(0, Math.max(0, index))
  const line = before.split('\n').length
  return { line, column: index - before.lastIndexOf('\n') }
}

/** The position of `"key"` as a property name in `text` (the best place to point at). */
function keyPosition(text: string, key: string): { line: number; column: number } {
  const index = text.indexOf(`"${key}"`)
  return index < 0 ? { line: 1, column: 1 } : where(text, index)
}

/**
 * Reads the text of an `alt-text.json`. Never throws: a syntax error is one problem with its line
 * (and no entries); an entry that breaks the schema is left out and reported at its image's line;
 * the other entries stay usable.
 */
export function parseAltTextFile(text: string): ParsedAltTextFile {
  const images: AltTextFileImages = new Map()
  const problems: AltTextFileProblem[] = []
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch (error) {
    const message = (error as Error).message
    const position = /position (\d+)/.exec(message)
    const at = position ? where(text, Number(position[1])) : { line: 1, column: 1 }
    // A merge left its markers in: say so, that is what a person must fix.
    const conflict = /^(<{7}|={7}|>{7})( |$)/m.exec(text)
    const reason = conflict
      ? 'unresolved merge conflict markers'
      : `not valid JSON (${message.replace(/\s*\(line \d+ column \d+\)$/, '')})`
    problems.push(
      conflict ? { ...where(text, conflict.index), message: reason } : { ...at, message: reason },
    )
    return { images, problems }
  }
  if (!isRecord(data) || !isRecord(data.images)) {
    problems.push({ line: 1, column: 1, message: 'expected an object with an "images" object' })
    return { images, problems }
  }
  if (data.version !== ALT_TEXT_FILE_VERSION) {
    problems.push({
      ...keyPosition(text, 'version'),
      message: `unknown version ${JSON.stringify(data.version)} (this tool reads version ${ALT_TEXT_FILE_VERSION})`,
    })
    return { images, problems }
  }
  for (const [hash, list] of Object.entries(data.images)) {
    if (!SHA256.test(hash)) {
      problems.push({
        ...keyPosition(text, hash),
        message: `"${hash.slice(0, 80)}" is not a SHA-256 hex image hash`,
      })
      continue
    }
    if (!Array.isArray(list)) {
      problems.push({
        ...keyPosition(text, hash),
        message: `image ${hash.slice(0, 12)}…: expected a list of entries`,
      })
      continue
    }
    const entries: AltTextFileEntry[] = []
    list.forEach((item, index) => {
      const result = v.safeParse(AltTextFileEntrySchema, item)
      if (result.success) entries.push(result.output)
      else {
        const issue = result.issues[0]
        const path = v.getDotPath(issue)
        problems.push({
          ...keyPosition(text, hash),
          message: `image ${hash.slice(0, 12)}… entry ${index + 1}${path ? ` field ${path}` : ''}: ${issue.message}`,
        })
      }
    })
    if (entries.length > 0) images.set(hash, entries)
  }
  return { images, problems }
}

/** `value` with every object's keys sorted, recursively (stable JSON). */
function sorted(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sorted)
  if (!isRecord(value)) return value
  const out: Record<string, unknown> = {}
  for (const key of Object.keys(value).sort())
    if (value[key] !== undefined) out[key] = sorted(value[key])
  return out
}

/** The fields that tell two descriptions of one image apart, as one comparable string. */
export function entryIdentity(entry: AltTextFileEntry): string {
  return JSON.stringify([
    entry.language.toLowerCase(),
    entry.model,
    entry.purpose ?? '',
    entry.maxLength ?? 0,
    entry.context ?? '',
  ])
}

/** The file's text: sorted, stable, 2-space JSON with a trailing newline. */
export function serializeAltTextFile(images: AltTextFileImages): string {
  const out: Record<string, AltTextFileEntry[]> = {}
  for (const hash of [...images.keys()].sort()) {
    const entries = images.get(hash) ?? []
    if (entries.length === 0) continue
    out[hash] = [...entries].sort((a, b) => {
      const x = entryIdentity(a)
      const y = entryIdentity(b)
      return x < y ? -1 : x > y ? 1 : 0
    })
  }
  return `${JSON.stringify(sorted({ version: ALT_TEXT_FILE_VERSION, images: out }), null, 2)}\n`
}

const RANK = { human: 0, edited: 1, machine: 2 } as const
const byPerson = (entry: AltTextFileEntry) => entry.origin === 'human' || entry.origin === 'edited'

/**
 * The entry of `entries` that answers `lookup`, or undefined. The language must match
 * (case-insensitive). Text a person wrote (`human`, `edited`) answers any model and length. For
 * machine text the model must match when the run names one (a run that names none means the
 * API's default and takes any), and maxLength, purpose and the context hash must be the same.
 * Human text comes first, then edited, then the newest.
 */
export function matchEntry(
  entries: readonly AltTextFileEntry[],
  lookup: CacheLookup,
): AltTextFileEntry | undefined {
  const language = lookup.language.toLowerCase()
  const fits = (e: AltTextFileEntry) => {
    if (e.language.toLowerCase() !== language) return false
    if ((e.purpose ?? undefined) !== (lookup.purpose ?? undefined)) return false
    if ((e.context ?? undefined) !== (lookup.contextHash ?? undefined)) return false
    if (byPerson(e)) return true
    if (lookup.model !== undefined && e.model !== lookup.model) return false
    return (e.maxLength ?? undefined) === (lookup.maxLength ?? undefined)
  }
  return entries
    .filter(fits)
    .sort(
      (a, b) =>
        RANK[a.origin ?? 'machine'] - RANK[b.origin ?? 'machine'] ||
        Date.parse(b.createdAt) - Date.parse(a.createdAt),
    )[0]
}

/** The file entry of a description asked with `lookup`. */
export function toFileEntry(value: CachedAltText, lookup: CacheLookup): AltTextFileEntry {
  return {
    altText: value.altText,
    language: value.language,
    model: value.model,
    createdAt: value.createdAt,
    origin: value.origin ?? 'machine',
    ...(value.decorative ? { decorative: true } : {}),
    ...(lookup.maxLength !== undefined ? { maxLength: lookup.maxLength } : {}),
    ...(lookup.purpose !== undefined ? { purpose: lookup.purpose } : {}),
    ...(lookup.contextHash !== undefined ? { context: lookup.contextHash } : {}),
  }
}

/** The cached answer of a file entry. */
export function fromFileEntry(entry: AltTextFileEntry): CachedAltText {
  const value: CachedAltText = {
    altText: entry.altText,
    language: entry.language,
    model: entry.model,
    createdAt: entry.createdAt,
  }
  if (entry.decorative) value.decorative = true
  if (entry.origin && entry.origin !== 'machine') value.origin = entry.origin
  return value
}

/**
 * Adds `entry` to `entries` (a new list): it replaces the entry of the same identity unless that
 * one was written or changed by a person, which no machine run replaces (DESIGN "Provenance").
 */
export function upsertEntry(
  entries: readonly AltTextFileEntry[],
  entry: AltTextFileEntry,
): AltTextFileEntry[] {
  const id = entryIdentity(entry)
  const same = entries.find((e) => entryIdentity(e) === id)
  if (same && byPerson(same) && !byPerson(entry)) return [...entries]
  return [...entries.filter((e) => e !== same), entry]
}
