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
import { isImageKind } from './contract/description.js'

/** The format version this code reads and writes. */
export const ALT_TEXT_FILE_VERSION = 1

/** The file's default name, at the project root. */
export const ALT_TEXT_FILE_NAME = 'alt-text.json'

const SHA256 = /^[0-9a-f]{64}$/
const FINGERPRINT = /^[0-9a-f]{8}$/

/**
 * A short fingerprint of an alt text (FNV-1a, 32 bits, over its UTF-16 code units, 8 hex digits).
 * It only has to notice that a person changed the text, not resist an attacker (whoever edits the
 * file can set any field), and it must be synchronous: the file is read without `crypto.subtle`.
 * A full hash would add 56 characters to every entry of a committed file.
 */
export function textFingerprint(text: string): string {
  let hash = 0x811c9dc5
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i)
    hash = Math.imul(hash, 0x01000193) >>> 0
  }
  return hash.toString(16).padStart(8, '0')
}

/**
 * `entry` as a person left it: machine text whose `altText` no longer has the fingerprint the
 * machine wrote is `edited` (DESIGN "Provenance": a change is detected, not declared). Entries
 * written before fingerprints existed carry none and stay as they say.
 */
function detectEdit(entry: AltTextFileEntry): AltTextFileEntry {
  if ((entry.origin ?? 'machine') !== 'machine' || entry.machineText === undefined) return entry
  if (textFingerprint(entry.altText) === entry.machineText) return entry
  return { ...entry, origin: 'edited' }
}

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
  /** Who reviewed it and when (filled by the review tools: `alttext review`). */
  reviewed: v.optional(
    v.looseObject({
      by: v.string(),
      at: v.pipe(
        v.string(),
        v.check((s) => !Number.isNaN(Date.parse(s)), 'reviewed.at must be an ISO date-time'),
      ),
    }),
  ),
  /** The API suggested the image is decorative (never applied silently). */
  decorative: v.optional(v.boolean()),
  /** The kind of image the API saw (`photo`, `chart`…), when it said. */
  kind: v.optional(v.string()),
  /** Asked with `long: true` (part of the match: such an answer may carry a long description). */
  long: v.optional(v.boolean()),
  /** The long description the API gave (charts, diagrams, screenshots of text). */
  longDescription: v.optional(v.string()),
  /** The options the text was asked with, when not the defaults: they are part of the match. */
  maxLength: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1))),
  purpose: v.optional(v.string()),
  /** SHA-256 of the nearby text, only for runs that key on it (`cacheByContext`). */
  context: v.optional(v.pipe(v.string(), v.regex(SHA256))),
  /**
   * A fingerprint of the text the machine wrote (`textFingerprint`), so a person's edit of
   * `altText` in this file is detected, not declared: reading an entry whose text no longer has
   * this fingerprint makes it `edited`.
   */
  machineText: v.optional(v.pipe(v.string(), v.regex(FINGERPRINT))),
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

/** Options of `parseAltTextFile`. */
export interface ParseAltTextFileOptions {
  /**
   * Report fields this version does not know (a typo like `"revieved"` in a hand-edited file) as
   * problems. Default false: a newer tool may add fields, and a cache read keeps them. Tools that
   * rewrite entries on a person's behalf (`alttext review`) read strictly.
   */
  strict?: boolean | undefined
}

/** The fields an entry may have (strict reading). */
const ENTRY_FIELDS = new Set(Object.keys(AltTextFileEntrySchema.entries))
const REVIEWED_FIELDS = new Set(['by', 'at'])

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
 * The position of entry `index`'s `"field"` under image `hash` as written (the entry's brace when
 * `field` is undefined or not found), else the image's own position. A small scan of the list
 * that skips strings and counts depth: entries are the objects directly inside the list.
 */
function fieldPosition(
  text: string,
  hash: string,
  index: number,
  field: string | undefined,
): { line: number; column: number } {
  const at = text.indexOf(`"${hash}"`)
  if (at < 0) return { line: 1, column: 1 }
  const open = text.indexOf('[', at)
  if (open < 0) return where(text, at)
  let depth = 0
  let seen = -1
  for (let i = open; i < text.length; i++) {
    const c = text[i]
    if (c === '"') {
      // Skip the string (escapes included).
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++
      continue
    }
    if (c === '[' || c === '{') {
      depth++
      if (c === '{' && depth === 2 && ++seen === index) {
        if (field === undefined) return where(text, i)
        const name = text.indexOf(`"${field}"`, i)
        return where(text, name < 0 ? i : name)
      }
    } else if (c === ']' || c === '}') {
      depth--
      if (depth === 0) break
    }
  }
  return where(text, at)
}

/**
 * Reads the text of an `alt-text.json`. Never throws: a syntax error is one problem with its line
 * (and no entries); an entry that breaks the schema is left out and reported at its image's line;
 * the other entries stay usable.
 */
export function parseAltTextFile(
  text: string,
  options: ParseAltTextFileOptions = {},
): ParsedAltTextFile {
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
      const label = `image ${hash.slice(0, 12)}… entry ${index + 1}`
      const unknown = options.strict ? unknownField(item) : undefined
      if (unknown !== undefined) {
        problems.push({
          ...fieldPosition(text, hash, index, unknown.split('.').pop()),
          message: `${label}: unknown field "${unknown.slice(0, 80)}"`,
        })
        return
      }
      const result = v.safeParse(AltTextFileEntrySchema, item)
      if (result.success) entries.push(detectEdit(result.output))
      else {
        const issue = result.issues[0]
        const path = v.getDotPath(issue)
        problems.push({
          ...fieldPosition(text, hash, index, path?.split('.')[0]),
          message: `${label}${path ? ` field ${path}` : ''}: ${issue.message}`,
        })
      }
    })
    if (entries.length > 0) images.set(hash, entries)
  }
  return { images, problems }
}

/** The first field of an entry (or of its `reviewed`) this version does not know. */
function unknownField(item: unknown): string | undefined {
  if (!isRecord(item)) return undefined
  for (const key of Object.keys(item)) if (!ENTRY_FIELDS.has(key)) return key
  if (isRecord(item.reviewed))
    for (const key of Object.keys(item.reviewed))
      if (!REVIEWED_FIELDS.has(key)) return `reviewed.${key}`
  return undefined
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
    // Only when set: the identity (and so the order) of every other entry stays as it was.
    ...(entry.long ? [true] : []),
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
    if ((e.long ?? false) !== (lookup.long ?? false)) return false
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
    ...(value.kind !== undefined ? { kind: value.kind } : {}),
    ...(lookup.long ? { long: true } : {}),
    ...(value.longDescription !== undefined ? { longDescription: value.longDescription } : {}),
    ...(lookup.maxLength !== undefined ? { maxLength: lookup.maxLength } : {}),
    ...(lookup.purpose !== undefined ? { purpose: lookup.purpose } : {}),
    ...(lookup.contextHash !== undefined ? { context: lookup.contextHash } : {}),
    ...((value.origin ?? 'machine') === 'machine'
      ? { machineText: textFingerprint(value.altText) }
      : {}),
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
  if (entry.kind !== undefined && isImageKind(entry.kind)) value.kind = entry.kind
  if (entry.longDescription !== undefined) value.longDescription = entry.longDescription
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

/**
 * Machine text no person has looked at: `origin` machine (or absent) and no `reviewed`. What
 * `alttext check --require-reviewed` fails on and `alttext review` lists first.
 */
export function needsReview(entry: AltTextFileEntry): boolean {
  return (entry.origin ?? 'machine') === 'machine' && entry.reviewed === undefined
}

/** `entry` approved by `by` at `at` (an ISO date-time): its text and origin stay. */
export function approveEntry(entry: AltTextFileEntry, by: string, at: string): AltTextFileEntry {
  return { ...entry, reviewed: { by, at } }
}

/**
 * `entry` with the text a person wrote in review: machine text becomes `edited` (human text
 * stays `human`), and the edit counts as a review.
 */
export function editEntry(
  entry: AltTextFileEntry,
  altText: string,
  by: string,
  at: string,
): AltTextFileEntry {
  const origin = entry.origin === 'human' ? 'human' : 'edited'
  return { ...entry, altText, origin, reviewed: { by, at } }
}
