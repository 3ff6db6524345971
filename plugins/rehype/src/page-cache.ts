/**
 * The page cache: a whole filled page, kept so that an unchanged page of a warm build costs one
 * small file read and a check of its images instead of a parse, a walk, an image hash and a cache
 * read per image.
 *
 * Key: SHA-256 of a format tag, the page's absolute path (relative sources resolve against it),
 * every option that changes the output, and the page text. Value: the filled page, what happened
 * to each image, and a fingerprint of every image the page read — a file's path, size, mtime,
 * ctime and inode (its bytes are hashed again only when those differ), the SHA-256 of bytes from
 * `resolveImage` (the Vite plugin's bundle: in memory, hashed again on every hit). A hit whose
 * images changed is a miss. Only complete pages are stored: every image described or cached (or
 * left out by `include`/`exclude`), no message, no download, no dry run.
 *
 * Entries are JSON files in `<cacheDir>/pages/`, written atomically (temporary file + rename);
 * one that cannot be read or parsed is a miss. They are read synchronously: a small file read
 * that way costs a fraction of the thread-pool round trips of an asynchronous read, and a warm
 * build reads one per page.
 */
import { createHash, randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import type { Element } from 'hast'
import type { VFile } from 'vfile'
import { languageOf } from './context.js'
import { DEFAULTS, type ImageFilter, type RunOptions } from './options.js'
import type { ImageResult } from './results.js'
import type { ImageOrigin } from './source.js'

/** Changes whenever the entry format or the output for the same input may change. */
const VERSION = 'alttextapi-rehype-page/1'

/** An image a stored page read, and how to tell whether it is still the same. */
export type PageDependency =
  | { src: string; type: 'resolved'; hash: string }
  | {
      src: string
      type: 'file'
      path: string
      size: number
      mtimeMs: number
      ctimeMs: number
      ino: number
      hash: string
    }
  /** A `data:` URL or a URL sent to the API as is: the page text holds all of it, but
   * `resolveImage` must still not claim it. */
  | { src: string; type: 'inline' }

/** One image of a stored page, as `ImageResult` without the node. */
export interface PageImage {
  src: string
  status: 'cached' | 'skipped'
  altText?: string | undefined
  reason?: string | undefined
}

/** A stored page. */
export interface PageEntry {
  version: string
  html: string
  changed: number
  images: PageImage[]
  dependencies: PageDependency[]
}

/** Collects what a full pass read; `cacheable` turns false at the first thing a hit could not
 * check again (a download). */
export interface DependencyCollector {
  dependencies: PageDependency[]
  cacheable: boolean
}

/** The SHA-256 (hex) of `bytes`, synchronously. */
export function hashBytes(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex')
}

/** The dependency of an image loaded as `origin` with `bytes`; undefined when not checkable. */
export function dependencyOf(
  src: string,
  origin: ImageOrigin | undefined,
  bytes: Uint8Array | undefined,
): PageDependency | undefined {
  if (!origin) return bytes ? undefined : { src, type: 'inline' }
  switch (origin.type) {
    case 'resolved':
      return bytes ? { src, type: 'resolved', hash: hashBytes(bytes) } : undefined
    case 'file':
      return bytes ? { src, ...origin, hash: hashBytes(bytes) } : undefined
    case 'data':
      return { src, type: 'inline' }
    default:
      return undefined
  }
}

const filterKey = (filter: ImageFilter | ImageFilter[] | undefined): unknown =>
  filter === undefined
    ? null
    : (Array.isArray(filter) ? filter : [filter]).map((f) =>
        f instanceof RegExp ? { re: f.source, flags: f.flags } : f,
      )

const hasFunction = (filter: ImageFilter | ImageFilter[] | undefined): boolean =>
  filter !== undefined &&
  (Array.isArray(filter) ? filter : [filter]).some((f) => typeof f === 'function')

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null

function isEntry(value: unknown): value is PageEntry {
  if (!isObject(value)) return false
  return (
    value.version === VERSION &&
    typeof value.html === 'string' &&
    typeof value.changed === 'number' &&
    Array.isArray(value.images) &&
    value.images.every(
      (i) =>
        isObject(i) &&
        typeof i.src === 'string' &&
        (i.status === 'cached' ? typeof i.altText === 'string' : i.status === 'skipped'),
    ) &&
    Array.isArray(value.dependencies) &&
    value.dependencies.every(
      (d) =>
        isObject(d) &&
        typeof d.src === 'string' &&
        (d.type === 'inline' ||
          (d.type === 'resolved' && typeof d.hash === 'string') ||
          (d.type === 'file' &&
            typeof d.path === 'string' &&
            typeof d.hash === 'string' &&
            typeof d.size === 'number' &&
            typeof d.mtimeMs === 'number' &&
            typeof d.ctimeMs === 'number' &&
            typeof d.ino === 'number')),
    )
  )
}

/** The pages of one run; see the module comment. */
export class PageCache {
  readonly dir: string
  readonly #options: RunOptions
  readonly #fingerprint: string

  /** `revision`: of the committed alt-text.json (an edit there changes every page's key). */
  constructor(dir: string, options: RunOptions, revision = '') {
    this.dir = dir
    this.#options = options
    this.#fingerprint = JSON.stringify({
      cacheFile: revision,
      cacheByContext: options.cacheByContext === true,
      language: languageOf(options.language, DEFAULTS.language),
      model: options.model ?? null,
      maxLength: options.maxLength ?? null,
      overwrite: options.overwrite === true,
      describeDecorative: options.describeDecorative === true,
      // What is written besides the alt text: a change must fill the page again.
      applyDecorative: options.applyDecorative === true,
      long: options.long === true,
      markOrigin: options.markOrigin === true,
      context: options.context !== false,
      include: filterKey(options.include),
      exclude: filterKey(options.exclude),
      remoteImages: options.remoteImages ?? DEFAULTS.remoteImages,
      basePath: options.basePath ?? '/',
      publicDir: resolve(options.publicDir ?? process.cwd()),
      maxImageBytes: options.maxImageBytes ?? DEFAULTS.maxImageBytes,
      resolveImage: options.resolveImage !== undefined,
    })
  }

  /**
   * The page cache for `options`, or undefined when it is off: `cache: false` or `pageCache:
   * false`, a cache that is not on disk (`dir` is the `FileCache` folder), or a `context`,
   * `include` or `exclude` function (its result cannot be known without calling it). A dry run
   * reads it (a hit has nothing left to describe, so an estimate over a warm site costs what the
   * warm run costs) and stores nothing.
   */
  static for(
    options: RunOptions,
    cacheDir: string | undefined,
    revision = '',
  ): PageCache | undefined {
    if (cacheDir === undefined || options.cache === false || options.pageCache === false)
      return undefined
    if (typeof options.context === 'function') return undefined
    if (hasFunction(options.include) || hasFunction(options.exclude)) return undefined
    return new PageCache(join(cacheDir, 'pages'), options, revision)
  }

  /** The key of `html` at `path`. */
  key(html: string, path: string | undefined): string {
    return createHash('sha256')
      .update(VERSION)
      .update('\0')
      .update(path ? resolve(path) : '')
      .update('\0')
      .update(this.#fingerprint)
      .update('\0')
      .update(html)
      .digest('hex')
  }

  /** The stored page of `key` when every image it read is unchanged; else undefined. */
  async get(key: string, file: VFile): Promise<PageEntry | undefined> {
    let value: unknown
    try {
      value = JSON.parse(readFileSync(join(this.dir, `${key}.json`), 'utf8'))
    } catch {
      return undefined
    }
    if (!isEntry(value)) return undefined
    try {
      for (const dependency of value.dependencies)
        if (!(await this.#unchanged(dependency, file))) return undefined
    } catch {
      return undefined
    }
    return value
  }

  async #unchanged(dependency: PageDependency, file: VFile): Promise<boolean> {
    const { resolveImage } = this.#options
    if (resolveImage) {
      const bytes = await resolveImage(dependency.src, file)
      if (bytes) return dependency.type === 'resolved' && hashBytes(bytes) === dependency.hash
    }
    if (dependency.type === 'resolved') return false
    if (dependency.type === 'inline') return true
    const info = await stat(dependency.path)
    if (!info.isFile()) return false
    if (
      info.size === dependency.size &&
      info.mtimeMs === dependency.mtimeMs &&
      info.ctimeMs === dependency.ctimeMs &&
      info.ino === dependency.ino
    )
      return true
    const max = this.#options.maxImageBytes ?? DEFAULTS.maxImageBytes
    if (info.size > max) return false
    return hashBytes(new Uint8Array(await readFile(dependency.path))) === dependency.hash
  }

  /** Stores `entry` under `key` (atomically; a failure is ignored: the cache must not break). */
  async set(key: string, entry: Omit<PageEntry, 'version'>): Promise<void> {
    // A dry run writes nothing.
    if (this.#options.dryRun === true) return
    const file = join(this.dir, `${key}.json`)
    const temp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`
    try {
      await mkdir(this.dir, { recursive: true })
      await writeFile(temp, JSON.stringify({ version: VERSION, ...entry }))
      await rename(temp, file)
    } catch {
      await rm(temp, { force: true }).catch(() => undefined)
    }
  }
}

/** The entry of a complete pass, or undefined when the page must not be stored. */
export function pageEntry(
  html: string,
  changed: number,
  results: ImageResult[],
  collector: DependencyCollector,
  messages: number,
): Omit<PageEntry, 'version'> | undefined {
  if (!collector.cacheable || messages > 0) return undefined
  const images: PageImage[] = []
  for (const r of results) {
    if ((r.status === 'described' || r.status === 'cached') && r.altText !== undefined)
      images.push({ src: r.src, status: 'cached', altText: r.altText })
    else if (r.status === 'skipped' && (r.reason === 'not included' || r.reason === 'excluded'))
      images.push({ src: r.src, status: 'skipped', reason: r.reason })
    else return undefined
  }
  return { html, changed, images, dependencies: collector.dependencies }
}

/** The stand-in node of an image on a page served from the cache (no source position). */
export function standInNode(image: PageImage): Element {
  const properties: Element['properties'] = { src: image.src }
  if (image.altText !== undefined) properties.alt = image.altText
  return { type: 'element', tagName: 'img', properties, children: [] }
}
