/**
 * A cache on disk that survives rebuilds: one small JSON file per key. Writes go to a unique
 * temporary file that is then renamed over the target, so a reader never sees half a file and two
 * builds writing the same key at once each leave a whole entry (the last rename wins). A file that
 * cannot be read or parsed is a miss, never an error: a cache must not break a build.
 */
import { randomBytes } from 'node:crypto'
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { type AltTextCache, type CachedAltText, isCachedAltText, sha256Hex } from '../cache.js'

/** `<cwd>/node_modules/.cache/alttextapi`: where tools keep caches by convention. */
export function defaultCacheDir(cwd: string = process.cwd()): string {
  return resolve(cwd, 'node_modules', '.cache', 'alttextapi')
}

/** Options of `FileCache`. */
export interface FileCacheOptions {
  /** Folder of the cache. Default `defaultCacheDir()`. */
  dir?: string | undefined
}

const SAFE_KEY = /^[A-Za-z0-9_-]{1,128}$/

/** A cache of alt text in files under `dir`, one per key. */
export class FileCache implements AltTextCache {
  readonly dir: string

  constructor(options: FileCacheOptions = {}) {
    this.dir = resolve(options.dir ?? defaultCacheDir())
  }

  /** The file of `key`; keys that are not plain names are hashed so no key escapes `dir`. */
  async #file(key: string): Promise<string> {
    const name = SAFE_KEY.test(key) ? key : await sha256Hex(new TextEncoder().encode(key))
    return join(this.dir, `${name}.json`)
  }

  async get(key: string): Promise<CachedAltText | undefined> {
    let text: string
    try {
      text = await readFile(await this.#file(key), 'utf8')
    } catch {
      return undefined
    }
    try {
      const value: unknown = JSON.parse(text)
      return isCachedAltText(value) ? value : undefined
    } catch {
      return undefined
    }
  }

  async set(key: string, value: CachedAltText): Promise<void> {
    const file = await this.#file(key)
    const temp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`
    const { altText, language, model, createdAt } = value
    await mkdir(this.dir, { recursive: true })
    try {
      await writeFile(temp, JSON.stringify({ altText, language, model, createdAt }))
      await rename(temp, file)
    } catch (error) {
      await rm(temp, { force: true })
      // Windows refuses to rename over a file another process holds open: that writer stored
      // an equally good entry, so losing this one is fine.
      if ((error as NodeJS.ErrnoException).code !== 'EPERM') throw error
    }
  }

  async delete(key: string): Promise<void> {
    await rm(await this.#file(key), { force: true })
  }

  /** Removes every entry (the whole folder). */
  async clear(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true })
  }
}
