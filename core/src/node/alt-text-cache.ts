/**
 * The committed cache: `alt-text.json` at the project root, read once per run and written back
 * as descriptions arrive (format: `../alt-text-file.ts`). It lives in the repository, so it
 * survives `npm ci`, fresh clones and CI runners, and a rebuild there pays nothing.
 *
 * Writes: every `set` joins the next write (at most one in flight, the ones arriving meanwhile
 * share the following one), so a run of 1,000 images does not rewrite the file 1,000 times, yet
 * `set` resolves only once its entry is on disk. Each write re-reads the file first and keeps
 * entries another process added, then writes a temporary file and renames it over the target
 * (atomic: a reader never sees half a file).
 *
 * A file with problems (bad JSON, a merge conflict, an entry that breaks the schema) is never
 * rewritten: its usable entries are used, each problem is reported with its line
 * (`problems()`), and new descriptions stay in the second-level cache until a person fixes the
 * file — a tool must not throw away text someone edited by hand.
 */
import { createHash, randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { readFile, rename, rm, writeFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import {
  ALT_TEXT_FILE_NAME,
  type AltTextFileEntry,
  type AltTextFileImages,
  type AltTextFileProblem,
  entryIdentity,
  fromFileEntry,
  matchEntry,
  parseAltTextFile,
  serializeAltTextFile,
  toFileEntry,
  upsertEntry,
} from '../alt-text-file.js'
import type { AltTextCache, CachedAltText, CacheLookup } from '../cache.js'

/** Options of `AltTextFile`. */
export interface AltTextFileOptions {
  /** Path of the file. Default `alt-text.json` in the current folder (the project root). */
  path?: string | undefined
  /** Read the file but never write it (a dry run, `alttext check`). Default false. */
  readOnly?: boolean | undefined
  /**
   * Called after each write with the SHA-256 of the text written, and whether the file had been
   * changed by someone else since this run read or wrote it.
   */
  onWritten?: ((sha: string, changedByOthers: boolean) => void) | undefined
  /**
   * Called once, when the file is first read, with its problems (see `problems()`), if it has
   * any: a tool can warn before anything is sent without parsing the file when no run needs it.
   */
  onProblems?: ((problems: string[]) => void) | undefined
}

/** The committed `alt-text.json` as a cache; see the module comment. */
export class AltTextFile implements AltTextCache {
  readonly path: string
  readonly readOnly: boolean
  readonly #onWritten: AltTextFileOptions['onWritten']
  readonly #onProblems: AltTextFileOptions['onProblems']
  #images: AltTextFileImages = new Map()
  #problems: AltTextFileProblem[] = []
  #loaded: Promise<void> | undefined
  /** The text last read or written: a write re-reads only when the file changed since. */
  #lastText: string | undefined
  #writing: Promise<void> = Promise.resolve()
  #queued: Promise<void> | undefined
  #revision = ''

  constructor(options: AltTextFileOptions = {}) {
    this.path = resolve(options.path ?? ALT_TEXT_FILE_NAME)
    this.readOnly = options.readOnly === true
    this.#onWritten = options.onWritten
    this.#onProblems = options.onProblems
  }

  /** Reads the file (once; later calls wait for the same read). A missing file is empty. */
  load(): Promise<void> {
    this.#loaded ??= (async () => {
      const text = await readText(this.path)
      this.#lastText = text
      this.#revision =
        text === undefined ? 'absent' : createHash('sha256').update(text).digest('hex')
      if (text === undefined) return
      const parsed = parseAltTextFile(text)
      this.#images = parsed.images
      this.#problems = parsed.problems
      if (parsed.problems.length > 0) this.#onProblems?.(this.#format(parsed.problems))
    })()
    return this.#loaded
  }

  /** Problems found in the file, as `path:line:column: message` (empty when clean or absent). */
  async problems(): Promise<string[]> {
    await this.load()
    return this.#format(this.#problems)
  }

  #format(problems: AltTextFileProblem[]): string[] {
    return problems.map((p) => `${this.path}:${p.line}:${p.column}: ${p.message}`)
  }

  /** Something that changes when the file's content at load time changes (for page caches). */
  async revision(): Promise<string> {
    await this.load()
    return this.#revision
  }

  /**
   * The same as `revision()`, read now and synchronously (for callers that key on the file
   * before any await, e.g. a page cache built in a constructor).
   */
  revisionSync(): string {
    try {
      return createHash('sha256').update(readFileSync(this.path, 'utf8')).digest('hex')
    } catch {
      // Not '' (no committed file at all): a page kept then must be looked at again now.
      return 'absent'
    }
  }

  /** Number of images with at least one entry. */
  get size(): number {
    return this.#images.size
  }

  /** Every image hash in the file. */
  async hashes(): Promise<string[]> {
    await this.load()
    return [...this.#images.keys()]
  }

  async get(_key: string, lookup?: CacheLookup): Promise<CachedAltText | undefined> {
    if (!lookup?.imageHash) return undefined
    await this.load()
    const entries = this.#images.get(lookup.imageHash)
    const entry = entries && matchEntry(entries, lookup)
    return entry ? fromFileEntry(entry) : undefined
  }

  async set(_key: string, value: CachedAltText, lookup?: CacheLookup): Promise<void> {
    if (!lookup?.imageHash) return
    await this.load()
    const hash = lookup.imageHash
    this.#images.set(hash, upsertEntry(this.#images.get(hash) ?? [], toFileEntry(value, lookup)))
    await this.#save()
  }

  /**
   * Drops every image whose hash is not in `keep` and writes the file; resolves to the number of
   * images dropped. Refused (throws) when the file has problems: fix it first.
   */
  async prune(keep: ReadonlySet<string>): Promise<number> {
    await this.load()
    if (this.#problems.length > 0)
      throw new Error(`${this.path} has problems; fix them before pruning`)
    let dropped = 0
    for (const hash of [...this.#images.keys()])
      if (!keep.has(hash)) {
        this.#images.delete(hash)
        dropped++
      }
    if (dropped > 0) await this.#save({ merge: false })
    return dropped
  }

  /** Queues a write (see the module comment); resolves when the current state is on disk. */
  #save(options: { merge?: boolean } = {}): Promise<void> {
    if (this.readOnly || this.#problems.length > 0) return Promise.resolve()
    this.#queued ??= this.#writing.then(async () => {
      this.#queued = undefined
      await this.#write(options.merge !== false)
    })
    this.#writing = this.#queued.catch(() => undefined)
    return this.#queued
  }

  async #write(merge: boolean): Promise<void> {
    const onDisk = await readText(this.path)
    const changedByOthers = onDisk !== this.#lastText
    if (merge && onDisk !== undefined && onDisk !== this.#lastText) {
      // Another process wrote meanwhile: keep what it added (ours win for the same identity,
      // except text a person wrote there).
      const theirs = parseAltTextFile(onDisk)
      if (theirs.problems.length > 0) {
        // Someone broke the file while we ran: leave it for them.
        this.#problems = theirs.problems
        return
      }
      for (const [hash, entries] of theirs.images) {
        let mine: AltTextFileEntry[] = this.#images.get(hash) ?? []
        for (const entry of entries) {
          const ours = mine.find((e) => entryIdentity(e) === entryIdentity(entry))
          if (!ours || entry.origin === 'human' || entry.origin === 'edited')
            mine = [...mine.filter((e) => e !== ours), entry]
        }
        this.#images.set(hash, mine)
      }
    }
    const text = serializeAltTextFile(this.#images)
    if (text === onDisk) {
      this.#lastText = text
      return
    }
    const temp = `${this.path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`
    try {
      await writeFile(temp, text)
      await rename(temp, this.path)
      this.#lastText = text
      this.#onWritten?.(createHash('sha256').update(text).digest('hex'), changedByOthers)
    } catch (error) {
      await rm(temp, { force: true }).catch(() => undefined)
      throw error
    }
  }
}

async function readText(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw error
  }
}
