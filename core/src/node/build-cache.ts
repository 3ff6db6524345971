/**
 * The cache build-time tools use by default: the committed `alt-text.json` first (survives
 * `npm ci` and CI runners), then `node_modules/.cache/alttextapi` as a second level (keeps images
 * sent by URL, and new answers while `alt-text.json` has problems). A hit in the second level is
 * copied into the committed file, so a project that had only the folder cache fills its
 * `alt-text.json` on the next run without paying. Every new answer goes to both.
 */
import { randomBytes } from 'node:crypto'
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { ALT_TEXT_FILE_NAME } from '../alt-text-file.js'
import type { AltTextCache, CachedAltText, CacheLookup } from '../cache.js'
import { AltTextFile } from './alt-text-cache.js'
import { defaultCacheDir, FileCache } from './file-cache.js'

/** Options of `createBuildCache`. */
export interface BuildCacheOptions {
  /** Project root: where `alt-text.json` and `node_modules/` are. Default the cwd. */
  root?: string | undefined
  /** The committed file: a path (relative to `root`), or `false` for none. Default `alt-text.json`. */
  file?: string | false | undefined
  /** Folder of the second level, or `false` for none. Default `<root>/node_modules/.cache/alttextapi`. */
  dir?: string | false | undefined
  /** Read only: a dry run or a check writes nothing. Default false. */
  readOnly?: boolean | undefined
  /** Told the committed file's problems when it is first read (see `AltTextFileOptions`). */
  onProblems?: ((problems: string[]) => void) | undefined
}

/** The two-level build cache; see the module comment. */
export class BuildCache implements AltTextCache {
  /** The committed file, when on. */
  readonly file: AltTextFile | undefined
  /** The folder cache, when on. */
  readonly folder: FileCache | undefined
  readonly #readOnly: boolean
  #fileWriteError: Error | undefined

  constructor(options: BuildCacheOptions = {}) {
    const root = resolve(options.root ?? process.cwd())
    this.#readOnly = options.readOnly === true
    this.file =
      options.file === false
        ? undefined
        : new AltTextFile({
            path: resolve(root, options.file ?? ALT_TEXT_FILE_NAME),
            readOnly: this.#readOnly,
            onWritten: (sha, changedByOthers) => this.#wrote(sha, changedByOthers),
            onProblems: options.onProblems,
          })
    this.folder =
      options.dir === false
        ? undefined
        : new FileCache({ dir: options.dir ? resolve(root, options.dir) : defaultCacheDir(root) })
  }

  /** The folder of the second level (page caches keep their pages under it). */
  get dir(): string | undefined {
    return this.folder?.dir
  }

  /**
   * What page caches key on: it changes when alt-text.json changes other than by this tool's own
   * writes (a person's edit, a pull, a checkout), not when a run adds the answers it paid for —
   * those only add text the stored pages already hold, so the next build still hits its pages.
   * Kept in `<dir>/alt-text.state.json` (the SHA-256 of the file as this tool last left it, and a
   * generation id); without the folder level it is the file's own SHA-256.
   */
  revisionSync(): string {
    if (!this.file) return ''
    const current = this.file.revisionSync()
    if (!this.folder) return current
    const state = this.#state()
    if (state?.sha === current) return state.generation
    const generation = randomBytes(8).toString('hex')
    this.#saveState({ sha: current, generation })
    return generation
  }

  #stateFile(): string {
    return join(this.folder?.dir ?? '.', 'alt-text.state.json')
  }

  #state(): { sha: string; generation: string } | undefined {
    try {
      const value = JSON.parse(readFileSync(this.#stateFile(), 'utf8')) as Record<string, unknown>
      return typeof value.sha === 'string' && typeof value.generation === 'string'
        ? { sha: value.sha, generation: value.generation }
        : undefined
    } catch {
      return undefined
    }
  }

  #saveState(state: { sha: string; generation: string }): void {
    const file = this.#stateFile()
    const temp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`
    try {
      mkdirSync(this.folder?.dir ?? '.', { recursive: true })
      writeFileSync(temp, JSON.stringify(state))
      renameSync(temp, file)
    } catch {
      // Without the state the next run re-keys its pages: slower once, never wrong.
    }
  }

  /** After our own write: the same generation, unless someone else had changed the file. */
  #wrote(sha: string, changedByOthers: boolean): void {
    const state = this.#state()
    this.#saveState({
      sha,
      generation: state && !changedByOthers ? state.generation : randomBytes(8).toString('hex'),
    })
  }

  /**
   * Why a new answer could not be written into the committed file, the first time it happened
   * (undefined while every write worked). The describer ignores a cache's errors, so the answer
   * still reaches the page; a tool reads this after its run to say that what it paid for is not
   * kept (`alttext fix` warns and exits 1). A file with problems is left alone on purpose and
   * sets nothing here (see `problems()`).
   */
  get fileWriteError(): Error | undefined {
    return this.#fileWriteError
  }

  /** Problems of the committed file, each with its line (see `AltTextFile.problems`). */
  async problems(): Promise<string[]> {
    return (await this.file?.problems()) ?? []
  }

  /** Changes whenever the committed file's content at load time changes. */
  async revision(): Promise<string> {
    return (await this.file?.revision()) ?? ''
  }

  async get(key: string, lookup?: CacheLookup): Promise<CachedAltText | undefined> {
    const committed = await this.file?.get(key, lookup).catch(() => undefined)
    if (committed) return committed
    const folder = await this.folder?.get(key)
    // Promote: the committed file gets what only the folder had (no charge, survives CI).
    if (folder && !this.#readOnly && lookup?.imageHash)
      await this.file?.set(key, folder, lookup).catch(() => undefined)
    return folder
  }

  async set(key: string, value: CachedAltText, lookup?: CacheLookup): Promise<void> {
    const writes: Array<Promise<void> | undefined> = []
    if (!this.#readOnly)
      writes.push(
        this.file?.set(key, value, lookup).catch((error: unknown) => {
          this.#fileWriteError ??= error instanceof Error ? error : new Error(String(error))
          throw error
        }),
        this.folder?.set(key, value),
      )
    // Both are tried; the first failure is reported (the describer ignores it, the answer stays).
    const results = await Promise.allSettled(writes)
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')
    if (failed) throw failed.reason
  }
}

/** Creates the default build-time cache (see `BuildCache`). */
export function createBuildCache(options: BuildCacheOptions = {}): BuildCache {
  return new BuildCache(options)
}
